"""Incremental builds: the plain pipeline of build.py, with what earlier builds made
taken from the store (store.py) instead of made again.

Three things are reused, each keyed by what made it:

- a page file's checked front matter, by the file's bytes;
- a compiled body, by the body's text and everything the compiler reads;
- a rendered file, by the site's structure and the bodies it read.

The **structure** is one digest of everything a template can see but the
pages' HTML bodies: the engine and its libraries, every input file that is not
a page (site.yaml, data, templates, catalogs, static files, the site's hooks),
each page file's path and front matter, and what the model reads of each
compiled body (headings, glossary terms, link targets; not their lines). The
model, the views and everything templates see apart from bodies are made from
these alone. Bodies are read through `Page.body`, which records the read
(reads.py). So a file rendered last time is still right when the structure is
the same and every body it read has the same HTML: nothing about a template's
spelling is trusted, and a clean build is what every test compares with.

Writing follows what changed too: the folder the last swap put aside (the
*spare*) is brought up to date and exchanged with the published one (see
`Reuse.publish`).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2
import jinja2.bccache

from duet.diagnostics import Diagnostic, Diagnostics
from duet.digests import digest
from duet.incremental.store import Store
from duet.load.content import (
    IGNORED_NAMES,
    LoadedPage,
    PageRequest,
    PagesLoader,
    split_front_matter,
)
from duet.model.markdown import CompiledMarkdown, GlossaryIndex
from duet.model.reads import BodyReads
from duet.model.site import Compile, CompileJob, Site
from duet.publish.linkcheck import LinkFacts, link_facts
from duet.publish.write import (
    NewFile,
    discard,
    identity,
    new_staging_folder,
    spare_folder,
    swap_in,
    update_folder,
)
from duet.render.templates import Rendered

if TYPE_CHECKING:
    from duet.build import BuildOptions

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "pyyaml", "babel", "pagefind",
             "markupsafe")
SEARCH_PREFIX = "pagefind/"
SEARCHABLE = b"data-pagefind-body"
T = TypeVar("T")


@functools.cache
def engine_version() -> str:
    """The engine's code, the libraries it uses and Python: a change to any of them
    makes every key different. Taken once per process, from the code imported."""
    code = "".join(digest(path.read_bytes()) for path in sorted(PACKAGE_DIR.rglob("*.py")))
    versions = installed_versions()
    return digest(repr((code, sys.version, [versions.get(name, "-") for name in LIBRARIES])))


def installed_versions() -> dict[str, str]:
    """The version of every distribution on `sys.path`, by normalised name, read from the
    names of their `.dist-info` folders (importing importlib.metadata costs more than
    building this project's site)."""
    versions: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith(".dist-info"):
                name, _, version = entry.removesuffix(".dist-info").partition("-")
                versions.setdefault(re.sub(r"[-_.]+", "-", name).lower(), version)
    return versions


@dataclass(frozen=True)
class Inputs:
    """Every input file as a build found it: its digest, and the bytes of page files."""

    digests: dict[str, str]
    pages: dict[str, bytes]

    @functools.cached_property
    def digest(self) -> str:
        return digest(repr(sorted(self.digests.items())))


def scan_inputs(options: BuildOptions) -> Inputs:
    """Read every file below the source folders (content, templates, static, locales and
    the site's hooks)."""
    digests: dict[str, str] = {}
    pages: dict[str, bytes] = {}
    content = str(options.content_dir)
    for folder in options.source_folders():
        for path in _files_below(folder):
            try:
                with open(path, "rb") as stream:
                    data = stream.read()
            except OSError:
                continue  # gone since it was listed, or unreadable: the load reports it
            digests[path] = digest(data)
            if path.endswith(".md") and path.startswith(content):
                pages[path] = data
    return Inputs(digests, pages)


def _files_below(folder: Path) -> Iterator[str]:
    for directory, folders, files in os.walk(folder, followlinks=True):
        folders[:] = sorted(name for name in folders if not IGNORED_NAMES.match(name))
        for name in sorted(files):
            if not IGNORED_NAMES.match(name):
                yield os.path.join(directory, name)


@dataclass(frozen=True)
class OutputRecord:
    digest: str
    reads: BodyReads | None
    """The bodies a rendered file read; None for a file copied or made by the search."""
    searchable: bool = False


@dataclass
class BuildRecord:
    """What a build into one output folder published."""

    live: str
    """The identity of the folder it published (write.identity)."""
    inputs: str
    structure: str
    outputs: dict[str, OutputRecord]
    pages: dict[str, int]
    warnings: list[Diagnostic]
    search: str
    """A digest of the searchable pages the search index was made from."""
    stamps: dict[str, tuple[int, int, int]]
    """Each file's inode, size and modification time, as written."""


@dataclass
class Plan:
    """Which outputs a build renders: those the last build's records do not vouch for."""

    reusable: Mapping[str, OutputRecord]
    considered: list[str] = field(default_factory=list)

    def wants(self, path: str) -> bool:
        self.considered.append(path)
        return path not in self.reusable


class Reuse:
    """What builds into one output folder share: the store and the last build's record.

    A build that fails leaves the record as it was; what it computed stays in
    the store's memo (every entry is right whatever becomes of the build)."""

    def __init__(self, options: BuildOptions, store: Store, *, search: bool = True) -> None:
        self.options = options
        self.store = store
        self.search = search
        """Index the site for search (the dev server indexes after a quiet moment)."""
        self.record_key = f"build:{engine_version()}:{options.out_dir.resolve()}"
        self.inputs = Inputs({}, {})
        self._trusted: BuildRecord | None = None
        self._front_digests: dict[str, str] = {}
        self._structure = ""
        self._records: dict[str, OutputRecord] = {}

    # -- before loading ------------------------------------------------------

    def last(self) -> BuildRecord | None:
        """The last build's record, if the published folder is still what it wrote."""
        return self._trusted

    def unchanged(self) -> BuildRecord | None:
        """Scan the inputs and check the published folder; the last build's record when
        nothing it was made from has changed (and its warnings are not errors now)."""
        self.inputs = scan_inputs(self.options)
        if self._trusted is None:
            self._trusted = self.store.folder(self.record_key)
        last = self._trusted = self._still_published(self._trusted)
        if (last is None or last.inputs != self._inputs_key()
                or (self.options.strict and last.warnings)
                or (self.search and last.search != _search_key(last.outputs))):
            return None
        return last

    def _still_published(self, record: BuildRecord | None) -> BuildRecord | None:
        """`record`, if the output folder is the one it describes and every file in it is
        the file written (a file replaced or removed by hand means a full build)."""
        out = self.options.out_dir
        if record is None or record.live != identity(out):
            return None
        return record if _stamps(out, record.stamps) == record.stamps else None

    def _inputs_key(self) -> str:
        return digest(repr((engine_version(), self.inputs.digest, self.options.base_url)))

    # -- what the templates give: their anchors, their UI strings, their code -----

    def from_templates(self, name: str, compute: Callable[[Diagnostics], T],
                       diagnostics: Diagnostics) -> T:
        """`compute(diagnostics)`, a pure function of the templates and the site's code
        (and the engine), answered from the memo when they are unchanged."""
        code = tuple(str(folder) for folder in (self.options.templates_dir,
                                                  self.options.hooks_dir) if folder)
        key = digest(repr((name, engine_version(), code, sorted(
            item for item in self.inputs.digests.items() if item[0].startswith(code)))))
        found = self.store.get(key)
        if found is None:
            captured = Diagnostics()
            found = (compute(captured), captured.items)
            self.store.put(key, found)
        diagnostics.items.extend(found[1])
        return found[0]  # type: ignore[no-any-return]

    def bytecode_cache(self) -> jinja2.BytecodeCache:
        return StoredBytecode(self.store)

    # -- stage 1 and 2: front matter and compiled bodies from the memo ----------

    def pages_loader(self, load_all: PagesLoader) -> PagesLoader:
        """`load_all`, answered from the memo for page files whose bytes it has seen; a
        page is kept there without its body, which its file gives back."""
        store, inputs = self.store, self.inputs

        def load(requests: list[PageRequest]) -> list[LoadedPage]:
            keys = []
            for path, relative, config in requests:
                keys.append(digest(repr(("page", engine_version(), path, relative,
                                         config.codes, inputs.digests.get(path)))))
                data = inputs.pages.get(path)
                if data is not None:
                    self._front_digests[path] = digest(data.split(b"\n---", 1)[0])
            found = store.get_many(keys)
            missing = [index for index, key in enumerate(keys) if key not in found]
            fresh = dict(zip(missing, load_all([requests[index] for index in missing]),
                             strict=True))
            results: list[LoadedPage] = []
            for index, key in enumerate(keys):
                path = requests[index][0]
                if index in fresh:
                    page, problems = fresh[index]
                    if path in inputs.pages:
                        store.put(key, (replace(page, body="") if page else None, problems))
                    results.append(fresh[index])
                    continue
                page, problems = found[key]
                if page is not None:
                    text = inputs.pages[path].decode("utf-8-sig").replace(
                        "\r\n", "\n").replace("\r", "\n")
                    page = replace(page, body=split_front_matter(text)[1])
                results.append((page, problems))
            return results

        return load

    def compiler(self, compile_all: Compile) -> Compile:
        """`compile_all`, answered from the memo for bodies it has compiled before; the
        HTML of a body is fetched from the store only when a page reads it."""
        store = self.store

        def html(html_digest: str) -> Any:
            found = store.get(f"html:{html_digest}")
            if found is None:
                raise LookupError(f"the build cache lost a page body ({html_digest}); "
                                  "build again with --clean")
            return found

        def compile_cached(jobs: list[CompileJob]) -> list[CompiledMarkdown]:
            glossaries: dict[int, str] = {}
            keys = [_compile_key(job, glossaries) for job in jobs]
            found = store.get_many(keys)
            missing = {key: job for key, job in zip(keys, jobs, strict=True)
                       if key not in found}
            for key, result in zip(missing, compile_all(list(missing.values())), strict=True):
                store.put(key, (result.facts(), result.outline))
                store.put(f"html:{result.html_digest}", result.html)
                found[key] = result
            compiled = []
            for key in keys:
                value = found[key]
                if isinstance(value, tuple):
                    facts, outline = value
                    store.keep(f"html:{facts[-1]}")
                    value = CompiledMarkdown.from_facts(facts, html)
                    value.__dict__["outline"] = outline
                compiled.append(value)
            return compiled

        return compile_cached

    # -- stage 3: what to render -----------------------------------------------

    def plan(self, site: Site) -> Plan:
        """Outputs the last build wrote that are still right: same structure (module
        docstring), and every body they read unchanged."""
        self._structure = self._structure_of(site)
        last = self.last()
        if last is None or last.structure != self._structure:
            return Plan({})
        pages = site.pages
        reusable = {}
        for path, record in last.outputs.items():
            if record.reads is None:
                continue
            if all(page_id in pages and pages[page_id]._compiled.html_digest == read
                   for page_id, read in record.reads.items()):
                reusable[path] = record
        return Plan(reusable)

    def _structure_of(self, site: Site) -> str:
        content = str(self.options.content_dir)
        files = [(path, self._front_digests.get(path, value)
                  if path.startswith(content) and path.endswith(".md") else value)
                 for path, value in sorted(self.inputs.digests.items())]
        pages = [(page.lang, page.key, page.is_fallback, page.content_lang,
                  page._compiled.outline) for page in site.all_pages()]
        return digest(repr((engine_version(), self.options.base_url, files, pages,
                            site.derived_from_bodies())))

    def new_site(self, plan: Plan, rendered: Rendered, static: Mapping[str, Path]
                 ) -> tuple[dict[str, NewFile], Mapping[str, LinkFacts]]:
        """Every file of the new site (rendered, reused or copied), and its pages' link
        facts, looked up when asked for."""
        files: dict[str, NewFile] = {}
        records: dict[str, OutputRecord] = {}
        facts = _LinkFacts(self.store, files, self.options.out_dir)
        for path in plan.considered:
            if path in rendered:
                done = rendered[path]
                record = OutputRecord(digest(done.payload), done.reads,
                                      SEARCHABLE in done.payload)
                files[path] = NewFile(record.digest, done.payload)
                if done.links is not None:
                    facts.known[path] = done.links
                    self.store.put(f"links:{record.digest}", done.links)
            else:
                record = plan.reusable[path]
                files[path] = NewFile(record.digest, None)
            records[path] = record
        last = self.last()
        for path, source in static.items():
            file_digest = self.inputs.digests.get(str(source)) or digest(source.read_bytes())
            old = last.outputs.get(path) if last else None
            same = old is not None and old.digest == file_digest
            files[path] = NewFile(file_digest, None if same else source.read_bytes())
            records[path] = OutputRecord(file_digest, None)
        self._records = records
        return files, facts

    # -- stages 4 and 5: checked, indexed, published -----------------------------

    def pages_to_check(self, files: Mapping[str, NewFile],
                       facts: Mapping[str, LinkFacts]) -> list[str]:
        """Pages whose links must be checked: only the written ones when the site keeps
        the published one's files and no page changed its ids; otherwise all."""
        last = self.last()
        every = [path for path in files if path.endswith(".html")]
        written = [path for path in every if files[path].payload is not None]
        if last is None or files.keys() != {
                path for path in last.outputs if not path.startswith(SEARCH_PREFIX)}:
            return every
        for path in written:
            before = self.store.get(f"links:{last.outputs[path].digest}")
            if before is None or before.ids != facts[path].ids:
                return every
        return written

    def pages_to_index(self, files: Mapping[str, NewFile]) -> list[str] | None:
        """The pages to index, or None to keep the published index: it was made from the
        same pages, or this build does not index."""
        last = self.last()
        if last is not None and (not self.search or last.search == _search_key(self._records)):
            return None
        return sorted(path for path, record in self._records.items() if record.searchable)

    def carry_search(self, files: dict[str, NewFile]) -> None:
        """Keep the published search index as it is."""
        last = self.last()
        for path, record in (last.outputs.items() if last else ()):
            if path.startswith(SEARCH_PREFIX):
                files[path] = NewFile(record.digest, None)
                self._records[path] = record

    def publish(self, files: Mapping[str, NewFile], pages: dict[str, int],
                warnings: list[Diagnostic]) -> int:
        """Bring the spare folder up to date, record it, and exchange it with the published
        site, which becomes the next build's spare; the number of files written or
        removed. Raises OSError (the published site is then untouched).

        A folder's contents are recorded under its identity, and that record is
        dropped before the folder is touched, so a build killed at any moment
        leaves every record true (a folder without one is written anew)."""
        out = self.options.out_dir
        spare = spare_folder(out)
        spare_id = identity(spare)
        holds = self.store.folder(f"folder:{engine_version()}:{spare_id}") if spare_id else None
        if spare_id is not None:
            self.store.set_folder(f"folder:{engine_version()}:{spare_id}", None)
        if holds is None:
            discard(spare)
            target, holds = new_staging_folder(out), {}
        else:
            target = spare
        try:
            update_folder(target, holds, files, out)
        except OSError:
            discard(target)  # unrecorded, so of no use; the space it takes is freed
            raise
        manifest = {path: new.digest for path, new in files.items()}
        records = {path: self._records.get(path) or OutputRecord(new.digest, None)
                   for path, new in files.items()}
        last = self.last()
        search = (_search_key(records) if self.search or last is None else last.search)
        record = BuildRecord(identity(target) or "", self._inputs_key(), self._structure,
                             records, pages, warnings, search,
                             _stamps(target, dict.fromkeys(files, (0, 0, 0))))
        for new in files.values():
            self.store.keep(f"links:{new.digest}")
        self.store.set_folder(f"folder:{engine_version()}:{record.live}", manifest)
        self.store.set_folder(self.record_key, record)
        self.store.commit()
        self._trusted = record
        if swap_in(target, out) and target != spare:
            os.rename(target, spare)
        published = {path: old.digest for path, old in last.outputs.items()} if last else {}
        return sum(1 for path in manifest.keys() | published.keys()
                   if manifest.get(path) != published.get(path))


class StoredBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in the store: Jinja checks each against its source."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(f"jinja:{engine_version()}:{bucket.key}")
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store.put(f"jinja:{engine_version()}:{bucket.key}", bucket.bytecode_to_string())


def _stamps(folder: Path, paths: Mapping[str, object]) -> dict[str, tuple[int, int, int]]:
    """(inode, size, modification time) of each of `paths` in `folder`; missing files get
    (0, 0, 0)."""
    root = f"{folder}/"
    stamps = {}
    for path in paths:
        try:
            info = os.stat(root + path)
        except FileNotFoundError:
            stamps[path] = (0, 0, 0)
            continue
        stamps[path] = (info.st_ino, info.st_size, info.st_mtime_ns)
    return stamps


def _compile_key(job: CompileJob, glossaries: dict[int, str]) -> str:
    glossary: GlossaryIndex = job.glossary
    if id(glossary) not in glossaries:
        glossaries[id(glossary)] = digest(repr(glossary.forms))
    return digest(repr(("md", engine_version(), job.source, job.links,
                        glossaries[id(glossary)], job.autolink_terms, job.line_offset)))


def _search_key(records: Mapping[str, OutputRecord]) -> str:
    return digest(repr(sorted((path, record.digest) for path, record in records.items()
                              if record.searchable)))


class _LinkFacts(Mapping[str, LinkFacts]):
    """Link facts by output path: from the store, or read from the published file."""

    def __init__(self, store: Store, files: Mapping[str, NewFile], out_dir: Path) -> None:
        self.store = store
        self.files = files
        self.out_dir = out_dir
        self.known: dict[str, LinkFacts] = {}

    def __getitem__(self, path: str) -> LinkFacts:
        found = self.known.get(path)
        if found is None:
            new = self.files[path]
            found = self.store.get(f"links:{new.digest}")
            if found is None:
                payload = new.payload or (self.out_dir / path).read_bytes()
                found = link_facts(payload)
                self.store.put(f"links:{new.digest}", found)
            self.known[path] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return (path for path in self.files if path.endswith(".html"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def open_reuse(options: BuildOptions, **kwargs: Any) -> Reuse | None:
    """The reuse for builds into options.out_dir, with the store in options.cache_dir."""
    if options.cache_dir is None:
        return None
    return Reuse(options, Store(options.cache_dir), **kwargs)


def drop_cache(options: BuildOptions) -> None:
    """Forget everything earlier builds left (`--clean`): the store and the spare folder."""
    if options.cache_dir is not None:
        for name in ("store.sqlite3", "store.sqlite3-wal", "store.sqlite3-shm"):
            (options.cache_dir / name).unlink(missing_ok=True)
    discard(spare_folder(options.out_dir))

