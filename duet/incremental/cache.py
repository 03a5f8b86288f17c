"""Incremental builds: the plain pipeline of duet/build.py, with what earlier builds made
taken from the build cache instead of made again.

`build_with_cache` is the whole of it. It scans the inputs; when neither they
nor the published folder changed since the last build, that build stands.
Without a record of a last build (a first build, `--clean`), it runs the plain
build and keeps what it made. Otherwise it runs the same pipeline with
`Cache` as its steps (steps.py: `Steps`):

- the page files' front matter and the compiled bodies come from the memo
  (memo.py), and the model is made from them anew;
- a file the last build rendered is kept when the site's *structure* is the
  same, every body it read is the same, and the published copy is still the
  one that build wrote (its stamp); the rest are rendered;
- the published search index is kept when it was made from the same pages.

The structure is one digest of everything the model is made from but the
pages' HTML bodies: the engine, every input file that is not a page, each
page's front matter and what compiling its body gives apart from the HTML and
source positions, and the translations' drift. Templates see bodies only
through `Page.body`, which records the read (model/reads.py). So a file kept
is byte for byte the file a plain build renders, whatever the templates say.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import jinja2

from duet.diagnostics import ContentError, Diagnostic, Diagnostics
from duet.digests import digest
from duet.drift.history import same_history
from duet.incremental.inputs import Inputs, engine_version, rescan_inputs, scan_inputs
from duet.incremental.kept import with_new_bodies
from duet.incremental.memo import Memo, plain_diagnostic
from duet.incremental.record import SEARCH_PREFIX, Output, Record, searchable_key
from duet.incremental.store import Store
from duet.load.content import PagesLoader
from duet.model.site import Compile, Site
from duet.progress import active
from duet.publish.linkcheck import LinkFacts, link_facts
from duet.publish.write import (
    NewFile,
    Stamp,
    WriteError,
    discard,
    published_stamps,
    spare_folder,
    stage_site,
    swap_in,
    update_folder,
)
from duet.render.templates import Rendered

if TYPE_CHECKING:
    from duet.build import BuildOptions, BuildResult
    from duet.steps import BuildReport, KeptModel

T = TypeVar("T")


class Cache:
    """The memo and the last build's record for builds into one output folder."""

    def __init__(self, options: BuildOptions, store: Store, *, search: bool = True,
                 keep_model: bool = False) -> None:
        self.options = options
        self.store = store
        self.search = search
        """Index the site for search (the dev server indexes after a quiet moment)."""
        self.folder = str(options.out_dir.resolve())
        self.inputs = Inputs()
        self.memo = Memo(store, self.inputs)
        self.last: Record | None = None
        self.published: dict[str, tuple[int, int, int]] = {}
        self.keep_model = keep_model
        """Keep the model in memory for the next build (the dev server: kept.py)."""
        self._model: KeptModel | None = None
        self._model_inputs: dict[str, str] = {}
        self._changes: set[str] | None = None
        self._spare: dict[str, tuple[str, Stamp]] = {}
        """The spare folder's files after this build's exchange, with digests and stamps."""
        self._kept: dict[str, Output] = {}
        self._structure = ""

    def note_changes(self, paths: set[str]) -> None:
        """The files a watcher saw change since the last build: the next scan reads just
        these again (inputs.rescan_inputs)."""
        self._changes = {*(self._changes or ()), *paths}

    # -- before the build -----------------------------------------------------

    def scan(self) -> None:
        """Read the inputs (trusting the stats of files that did not change since the last
        scan), the last build's record and the published folder."""
        changes, self._changes = self._changes, None
        if self.last is None:
            self.last = Record.from_plain(self.store.record(self.folder))
        last_scan = self.inputs if self.inputs.digests else (
            self.last.scan if self.last is not None else None)
        self.inputs = (rescan_inputs(self.options, self.inputs, changes)
                       if changes is not None and self.inputs.digests
                       else scan_inputs(self.options, last_scan))
        self.memo = Memo(self.store, self.inputs)
        self.published = published_stamps(self.options.out_dir)

    def unchanged(self) -> Record | None:
        """The last build's record, when nothing it was made from has changed, the
        published folder is still what it wrote, and its warnings are not errors now."""
        last = self.last
        if (last is None or last.inputs != self.inputs_key() or last.stamps != self.published
                or (self.options.strict and last.warnings)
                or (self.search and last.search != last.searchable_key())):
            return None
        return last if same_history(last.history) else None

    def inputs_key(self) -> str:
        return digest(repr((engine_version(), self.inputs.digest, self.options.base_url)))

    # -- the build's steps (steps.py: Steps) --------------------------------------

    def load_pages(self, load: PagesLoader) -> PagesLoader:
        return self.memo.pages_loader(load)

    def compile(self, compile_all: Compile) -> Compile:
        return self.memo.compiler(compile_all)

    def from_templates(self, name: str, compute: Callable[[Diagnostics], T],
                       diagnostics: Diagnostics) -> T:
        folders = [folder for folder in (self.options.templates_dir, self.options.hooks_dir)
                   if folder is not None]
        return self.memo.from_templates(name, compute, folders, diagnostics)

    def bytecode(self) -> jinja2.BytecodeCache | None:
        return self.memo.bytecode_cache()

    def publish(self, files: Mapping[str, NewFile]) -> dict[str, Stamp]:
        """Bring the spare folder (the site before the published one) up to date, or stage
        the site whole where there is none, and exchange it with the published site,
        which becomes the next spare. A spare file is kept only while its stamp is the
        recorded one."""
        out, spare = self.options.out_dir, spare_folder(self.options.out_dir)
        last = self.last
        if spare.is_dir():
            present = published_stamps(spare)
            holds = {path: held for path, held in (last.spare if last else {}).items()
                     if present.get(path) == held[1]}
            folder, stamps = spare, update_folder(spare, files, holds, present, out)
        else:
            folder, stamps = stage_site(out, files)
        if not swap_in(folder, out):
            self._spare = {}
            return stamps
        if folder != spare:
            os.rename(folder, spare)
        self._spare = {path: (last.outputs[path].digest, stamp)
                       for path, stamp in self.published.items()
                       if last is not None and path in last.outputs
                       and last.stamps.get(path) == stamp}
        return stamps

    def forget(self) -> None:
        """Drop the memo, the records and the spare folder (`--clean`)."""
        self.store.forget()
        discard(spare_folder(self.options.out_dir))

    def kept_model(self, compile_all: Compile, report: BuildReport) -> KeptModel | None:
        kept, self._model = self._model, None
        if kept is None:
            return None
        was, now = self._model_inputs, self.inputs.digests
        if was.keys() != now.keys():
            return None
        changed = [path for path, value in now.items() if was[path] != value]
        kept = with_new_bodies(kept, changed, self.options.content_dir, compile_all, report)
        return kept

    def wanted(self, site: Site) -> Callable[[str], bool] | None:
        """Render the files the last build did not vouch for (module docstring)."""
        self._structure = self.structure(site)
        self._kept = {}
        last = self.last
        bodies = {(page.lang, page.key): page._compiled.html_digest for page in site.all_pages()}
        if (last is None or last.structure != self._structure
                or any(bodies.get(page) != read for page, read in last.everyone.items())):
            return None
        kept = self._kept

        def wants(path: str) -> bool:
            output = last.outputs.get(path)
            if (output is None or output.reads is None or not self.still_published(path)
                    or any(bodies.get(page) != read for page, read in output.reads.items())):
                return True
            kept[path] = output
            return False

        return wants

    def kept(self, rendered: Rendered) -> dict[str, NewFile]:
        """The files kept, with their link facts from the memo (all read at once)."""
        facts = self.memo.many_link_facts(
            [output.digest for path, output in self._kept.items() if path.endswith(".html")])
        return {path: NewFile(output.digest, None, output.reads, {}, output.searchable,
                              facts.get(output.digest))
                for path, output in self._kept.items()}

    def link_facts(self, path: str, new: NewFile) -> LinkFacts:
        found = self.memo.link_facts(new.digest)
        if found is None:
            found = link_facts((self.options.out_dir / path).read_bytes())
            self.memo.remember_link_facts(new.digest, found)
        return found

    def pages_to_check(self, files: Mapping[str, NewFile], facts: Mapping[str, LinkFacts]
                       ) -> list[str] | None:
        """The rendered pages alone, when the site has the same files as the last build
        and each rendered page the same ids as before: a kept page's links were checked
        against the same targets (a build with a broken link publishes nothing)."""
        last = self.last
        if last is None or files.keys() != {
                path for path in last.outputs if not path.startswith(SEARCH_PREFIX)}:
            return None
        rendered = [path for path, new in files.items()
                    if new.payload is not None and path.endswith(".html")]
        before = self.memo.many_link_facts([last.outputs[path].digest for path in rendered])
        if any(before.get(last.outputs[path].digest) is None
               or before[last.outputs[path].digest].ids != facts[path].ids for path in rendered):
            return None
        return rendered

    def search_index(self, files: Mapping[str, NewFile]) -> dict[str, NewFile] | None:
        last = self.last
        if last is None or (self.search and last.search != searchable_key(files)):
            return None
        index = {path: output for path, output in last.outputs.items()
                 if path.startswith(SEARCH_PREFIX)}
        if not all(self.still_published(path) for path in index):
            return None
        return {path: NewFile(output.digest, None) for path, output in index.items()}

    def still_published(self, path: str) -> bool:
        """Whether the published file is the one the last build wrote (its stamp)."""
        stamp = self.published.get(path)
        return stamp is not None and self.last is not None and stamp == self.last.stamps.get(path)

    # -- after the build --------------------------------------------------------

    def structure(self, site: Site) -> str:
        """Everything the model is made from but the pages' HTML bodies (module
        docstring)."""
        content = str(self.options.content_dir)
        files = [(path, value) for path, value in sorted(self.inputs.digests.items())
                 if not (path.endswith(".md") and path.startswith(content))]
        pages = [(page.lang, page.key, str(page._source.path), page._source.derived,
                  page.is_fallback, dict(page._source.front), page._compiled.outline_digest)
                 for page in site.all_pages()]
        return digest(repr((engine_version(), self.options.base_url, files, pages,
                            sorted(site.translation_behind.items()),
                            sorted(site.translation_drafts.items()),
                            sorted(site.drafted_texts))))

    def remember(self, result: BuildResult, plain: bool) -> None:
        """Keep the record of the build just published (and, after a plain build, what it
        made of the pages); count the files that differ from the last build's."""
        assert result.model is not None
        site, content = result.model.site, result.model.content
        if self.keep_model:
            self._model, self._model_inputs = result.model, dict(self.inputs.digests)
        if plain:
            self._structure = self.structure(site)
            self.memo.remember_site(content, site, self.options.content_dir, result.warnings)
        everyone = dict(result.everyone)
        if self._kept and self.last is not None:
            everyone.update(self.last.everyone)
        outputs = {path: Output(new.digest, new.reads, new.searchable)
                   for path, new in result.published.items()}
        for new in result.published.values():
            if new.payload is not None and new.links is not None:
                self.memo.remember_link_facts(new.digest, new.links)
        last = self.last
        search = (last.search if last is not None and not self.search
                  else searchable_key(result.published))
        record = Record(self.inputs_key(), self.inputs, self._structure, outputs, everyone,
                        result.stamps, self._spare if not plain else {},
                        [plain_diagnostic(d) for d in result.warnings],
                        result.pages, search, result.history)
        self.store.commit(self.folder, record.plain())
        before = last.outputs if last is not None else {}
        result.report.written = sum(
            1 for path in outputs.keys() | before.keys()
            if (outputs[path].digest if path in outputs else None)
            != (before[path].digest if path in before else None)) if last else len(outputs)
        self.last = record
        self.published = dict(result.stamps)
        self._kept = {}


def build_with_cache(options: BuildOptions, cache: Cache) -> BuildResult:
    """Build into options.out_dir, redoing only what changed since the last build (module
    docstring). Raises what `build_site` raises; the memo keeps what was made."""
    from duet.build import BuildResult, build_site

    started = time.perf_counter()
    active().stage("scan")
    cache.scan()
    last = cache.unchanged()
    if last is not None:
        return BuildResult(dict(last.pages), [Diagnostic(*w) for w in last.warnings],  # type: ignore[arg-type]
                           time.perf_counter() - started, files=len(last.outputs))
    plain = cache.last is None
    try:
        result = build_site(options) if plain else build_site(options, cache)
    except (ContentError, WriteError):
        cache.store.commit()  # what was computed is right whatever became of the build
        raise
    cache.remember(result, plain)
    return dataclasses.replace(result, seconds=time.perf_counter() - started)


def open_cache(options: BuildOptions, **kwargs: bool) -> Cache:
    """The cache of builds into options.out_dir, in options.cache_dir."""
    assert options.cache_dir is not None
    return Cache(options, Store(store_folder(options.cache_dir, options.out_dir)), **kwargs)


def store_folder(cache_dir: Path, out_dir: Path) -> Path:
    """Where builds into `out_dir` keep their store: one folder per output folder, so
    that each prunes only its own memo (the dev server's and `_site/`'s apart)."""
    return cache_dir / f"build-{digest(str(out_dir.resolve()))[:16]}"
