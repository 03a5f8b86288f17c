"""Incremental builds: redo only what an edit affects, and stay byte-identical
to a build from nothing.

The whole site model is still built on every change (loading and checking is
cheap, and links must be checked across the whole site); what is reused is the
expensive part: parsed pages and compiled Markdown (keyed by their source text
and everything the compiler reads), rendered files and the search index.

Every output file gets a fingerprint of the values it is made from, computed
from the new site model before anything is rendered:

- `site`: site.yaml and the base URL; `catalog:<lang>`: that language's catalog;
- the template closure: the page's template and every template it extends,
  includes or imports (all templates when one names another dynamically);
- `structure`: every page's front matter, address, headings, parent and
  children (titles and menus appear on every page, so a change there renders
  everything);
- the page's own compiled body (for a parallel reading, the bodies of every
  language), the data collections of its language, and the glossary entries it
  shows: those its body links (their definitions become tooltips) and those
  the other data collections refer to. Templates that show the glossary as a
  whole, or a data item, depend on the whole glossary and where it is used.

An output is rendered again when its fingerprint differs from the one recorded
when it was written, or when the file on disk is not the one written then.
The fingerprints are computed from values, not from which files changed, so a
renamed page, a changed glossary form or a fallback page whose other-language
source changed are all caught by the same rule.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import re
import secrets
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import meta

from . import assets as static_assets
from . import linkcheck
from .cache import (
    MODEL,
    MODEL_PATCH,
    CacheFolder,
    Manifest,
    Memo,
    OutputRecord,
    Snapshot,
    StoredModel,
    code_version,
    installed_versions,
    rescan,
    scan,
)
from .diagnostics import Diagnostic, Diagnostics
from .digests import digest
from .i18n import extract_ui_strings, load_translations
from .load import (
    DATA_DIR,
    SITE_FILE,
    Content,
    Language,
    LoadedPage,
    PageRequest,
    PagesLoader,
    SourcePage,
    load_collection_at,
    load_page_captured,
)
from .markdown import CompiledMarkdown
from .model import (
    GLOSSARY,
    BuiltModel,
    Compile,
    CompileJob,
    Page,
    Site,
    build_model,
    patch_site_model,
)
from .parallel import MIN_PARALLEL_CHEAP_ITEMS, map_cheap_in_order
from .render import Rendered, asset_global, make_environment, map_serially, template_anchors
from .search import BUNDLE_DIR, Indexing
from .termtips import TERM_LINK
from .views import View, build_views
from .write import (
    Folders,
    WriteError,
    ancestors,
    discard,
    discard_leftovers,
    link_files,
    new_staging_folder,
    publish,
    scratch_prefix,
    write_new_file,
)

if TYPE_CHECKING:
    from .build import BuildOptions

PACKAGE_DIR = Path(__file__).resolve().parent
code_version()  # fingerprint the engine as imported
LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "pyyaml", "babel", "pagefind")
SEARCH_PREFIX = BUNDLE_DIR + "/"
MODEL_PATCH_PAGES = 1000
"""A stored model is stored again whole once this many pages changed since."""
STATIC_PREFIX = "static/"
SEARCHABLE = b"data-pagefind-body"
BACKGROUND_REMOVAL_FILES = 1000
"""Old sites with more files than this are removed in the background."""
Deps = tuple[str, ...]
LinkFacts = tuple[set[str], list[str], str]
"""A page's ids, its link targets, and a fingerprint of its ids."""

Description = tuple[str, LinkFacts | None]
"""A rendered file's hash, and its link facts when they are new."""

WIDE_GLOSSARY = re.compile(
    r"term_usage|data_of|site\.data|show\.(?:data|definitions)\b"
    r"|collections(?!\.(?!(?:items|values|keys|get|glossary)\b)\w)")
"""Template text that may show any glossary entry: the glossary collection,
where terms are used, another page's data, or the data collections taken as a
whole (`collections.figures` names one collection and is not such a read)."""

OTHER_BODIES = re.compile(r"\b(?!data\b)\w+\.(?:body|terms)\b")
"""Template text that may read a page's body or terms other than its own `body`."""


@dataclass(frozen=True)
class TemplateFacts:
    closure: str
    wide_glossary: bool
    other_bodies: bool


@dataclass
class Plan:
    """Every output file of the new site with its fingerprint, and which to render."""

    deps: dict[str, Deps]
    render: set[str]
    static: dict[str, Path | bytes]
    """Static files: their source, or their bytes when rewritten (assets.py)."""

    def needs_render(self, path: str) -> bool:
        return path in self.render


class BuildState:
    """What builds of one output folder share: the cache and the last build's records.

    `in_place` writes changed files straight into the output folder, one atomic
    rename each, and leaves the search index to `refresh_search`: the dev server's
    way, fast for one edit. Otherwise the new site is staged beside the old one
    (unchanged files hard-linked, changed ones written) and swapped in at once.
    """

    def __init__(self, options: BuildOptions, folder: CacheFolder | None = None, *,
                 in_place: bool = False, parallel: bool = True) -> None:
        self.options = options
        self._out_prefix = os.path.join(options.out_dir, "")
        self.folder = folder
        self.in_place = in_place
        self.parallel = parallel
        self.autosave = True
        self._wrote_here = False
        """Store the cache after every build (the dev server stores it when it stops)."""
        self.manifest = (folder.read_manifest() if folder else None) or Manifest()
        self._memo: Memo | None = None if folder else Memo()
        self._used_pages: set[tuple[Any, ...]] = set()
        self._used_compiled: set[tuple[Any, ...]] = set()
        self._pruned = False
        """The memo holds just what this build used (pruned before the build's end)."""
        self._templates: dict[str, Any] = {}
        self._catalogs: dict[str, tuple[str, Any, set[str], list[Diagnostic]]] = {}
        self._templates_seen: tuple[Snapshot | None, str] = (None, "")
        self._assets: tuple[str, static_assets.Assets] | None = None
        self._last_model: tuple[Snapshot, BuiltModel] | None = None
        """The last model built without errors, and the inputs it was built from."""
        self._model_token = ""
        """Names that model in the manifest and the stored model (`Manifest.model_token`)."""
        self._model_base: tuple[str, set[tuple[str, str]]] | None = None
        """The stored model that model patches, and the pages changed since."""
        self._storing: StoredModel | None = None
        """What this build stores of its model (decided once, in case it is stored twice)."""
        self._prestaged: tuple[Path, int, int, list[str]] | None = None
        """The staging folder being filled with the published files in a forked process:
        the folder, the process, the pipe it reports missing files on, the files."""
        self._patched: tuple[str, list[tuple[str, str]]] | None = None
        """This build's model patched the one named by this token: the pages it changed."""
        self._planned = ("", "")
        """This build's plan basis and model structure (`Manifest.plan_basis`, `.structure`)."""
        self._model_keys: dict[tuple[str, str], tuple[Any, ...]] = {}
        """The memo key of each page's compiled body in that model."""
        self._compile_keys: list[tuple[Any, ...]] = []
        """The memo keys of the bodies last passed to the cached compile, in order."""
        self._changes: set[str] | None = None
        self._last_scan: Snapshot | None = None
        """The inputs as the last scan found them, whether its build succeeded or not."""

    @classmethod
    def open(cls, options: BuildOptions) -> BuildState:
        """The state left by the last build into options.out_dir (none without a cache dir)."""
        if options.cache_dir is None:
            return cls(options)
        return cls(options, CacheFolder(options.cache_dir, options.out_dir, cache_key(options)))

    @property
    def memo(self) -> Memo:
        if self._memo is None:
            self._memo = (self.folder.read_memo() if self.folder else None) or Memo()
        return self._memo

    # -- inputs ------------------------------------------------------------

    def note_changes(self, paths: Iterable[str]) -> None:
        """The files a watcher saw change since the last build (absolute paths): the next
        scan stamps just these instead of every input."""
        self._changes = {*(self._changes or ()), *paths}

    def scan_inputs(self) -> Snapshot:
        options = self.options
        folders = [options.content_dir, options.templates_dir, options.static_dir,
                   options.locales_dir]
        skips = (True, False, False, False)
        changes, self._changes = self._changes, None
        snapshot = (rescan(self._last_scan, changes, folders, skips)
                    if changes is not None and self._last_scan is not None else None)
        if snapshot is None:
            snapshot, self._scanned_at = scan(folders, self.manifest.inputs,
                                              self.manifest.scanned_at, skips,
                                              map_cheap_in_order if self.parallel else None)
        self._last_scan = snapshot
        return snapshot

    def up_to_date(self, inputs: Snapshot, strict: bool) -> bool:
        """Nothing changed since the last build, and its files are still in place."""
        manifest = self.manifest
        if not manifest.outputs or inputs != manifest.inputs:
            return False
        if strict and manifest.warnings:
            return False
        return all(self.on_disk(path, record) for path, record in manifest.outputs.items())

    def on_disk(self, path: str, record: OutputRecord) -> bool:
        """The file the record describes is still in the output folder, unchanged.

        The dev server's folder is its own: once it has built into it, what it wrote
        is taken to be there (its first build checks, as the folder may have gone)."""
        return ((self.in_place and self._wrote_here)
                or record.still_on_disk(self._out_prefix + path))

    def last_result(self) -> tuple[dict[str, int], list[Diagnostic], int]:
        manifest = self.manifest
        return dict(manifest.pages), list(manifest.warnings), len(manifest.outputs)

    # -- stage 1: loading, with parsed pages reused ---------------------------

    def pages_loader(self, inputs: Snapshot) -> PagesLoader:
        """`load.load_pages`, answered from the cache for files whose bytes are known; the
        others are loaded on every core when there are many."""
        memo = self.memo
        map_pages = map_cheap_in_order if self.parallel else map_serially

        def load(requests: list[PageRequest]) -> list[LoadedPage]:
            keys: list[tuple[Any, ...] | None] = []
            for path, relative, config in requests:
                stamp = inputs.get(path)
                keys.append(None if stamp is None else (path, relative, stamp.hash,
                                                        config.codes))
            missing = [index for index, key in enumerate(keys)
                       if key is None or key not in memo.pages]
            fresh = dict(zip(missing, map_pages(load_page_captured,
                                                [requests[index] for index in missing]),
                             strict=True))
            for index, loaded in fresh.items():
                key = keys[index]
                if key is not None:
                    memo.pages[key] = loaded
            self._used_pages.update(key for key in keys if key is not None)
            return [fresh[index] if key is None else memo.pages[key]
                    for index, key in enumerate(keys)]

        return load

    def collection_loader(self, inputs: Snapshot) -> Callable[[str, Content, Diagnostics], None]:
        """`load.load_collection`, answered from the cache for data files whose bytes are
        known (a collection defined twice is left to the real one to report)."""
        memo = self.memo

        def load(path: str, content: Content, diagnostics: Diagnostics) -> None:
            stamp = inputs.get(path)
            if stamp is None or Path(path).stem in content.data:
                load_collection_at(path, content, diagnostics)
                return
            key = ("data", path, stamp.hash, content.config.codes)
            cached = memo.pages.get(key)
            if cached is None:
                scratch, captured = Content(content.config), Diagnostics()
                load_collection_at(path, scratch, captured)
                cached = (scratch.data, scratch.missing_text, captured.items)
                memo.pages[key] = cached
            self._used_pages.add(key)
            content.data.update(cached[0])
            content.missing_text.extend(cached[1])
            diagnostics.items.extend(cached[2])

        return load

    def template_anchors(self, inputs: Snapshot,
                         diagnostics: Diagnostics) -> dict[str, set[str]]:
        key = ("anchors", self._templates_digest(inputs))
        if key not in self._templates:
            captured = Diagnostics()
            self._templates[key] = (template_anchors(self.options.templates_dir, captured),
                                    captured.items)
        anchors, items = self._templates[key]
        diagnostics.items.extend(items)
        return anchors

    def ui_strings(self, inputs: Snapshot) -> list[Any]:
        """The strings templates and engine mark for translation, kept in the memo (the
        engine's own code is part of the cache's key)."""
        key = ("strings", self._templates_digest(inputs))
        if key not in self._templates:
            memo = self.memo.pages
            if key not in memo:
                memo[key] = extract_ui_strings(self.options.templates_dir, PACKAGE_DIR)
            self._templates[key] = memo[key]
        self._used_pages.add(key)
        return self._templates[key]  # type: ignore[no-any-return]

    def translations(self, inputs: Snapshot, language: Language,
                     diagnostics: Diagnostics) -> tuple[Any, set[str]]:
        from .i18n import catalog_path

        stamp = inputs.get(str(catalog_path(self.options.locales_dir, language.code)))
        version = stamp.hash if stamp else "missing"
        cached = self._catalogs.get(language.code)
        if cached is None or cached[0] != version:
            captured = Diagnostics()
            translations, translated = load_translations(
                self.options.locales_dir, language.code, language.locale, captured)
            cached = (version, translations, translated, captured.items)
            self._catalogs[language.code] = cached
        diagnostics.items.extend(cached[3])
        return cached[1], cached[2]

    def environment(self, inputs: Snapshot, code: str, translations: Any) -> jinja2.Environment:
        """The Jinja environment of one language, kept while its templates and catalog
        stay the same (compiling the templates again costs more than rendering a page)."""
        key = ("environment", self._templates_digest(inputs), code,
               self._catalogs[code][0] if code in self._catalogs else "missing")
        if key not in self._templates:
            for old in [k for k in self._templates if k[0] == "environment" and k[2] == code]:
                del self._templates[old]
            self._templates[key] = make_environment(self.options.templates_dir, translations)
        env: jinja2.Environment = self._templates[key]
        env.globals["asset"] = asset_global(self.assets(inputs).names)
        return env

    def assets(self, inputs: Snapshot) -> static_assets.Assets:
        """The static files' fingerprinted names and rewritten bytes (assets.py), kept
        while the static files stay the same."""
        static_dir = self.options.static_dir
        root = str(static_dir) + os.sep
        hashes = {Path(path).relative_to(static_dir).as_posix(): stamp.hash
                  for path, stamp in inputs.items() if path.startswith(root)}
        key = digest(repr(sorted(hashes.items())))
        if self._assets is None or self._assets[0] != key:
            self._assets = (key, static_assets.fingerprint(
                hashes, lambda name: (static_dir / name).read_bytes()))
        return self._assets[1]

    # -- stage 2: compiled Markdown reused ------------------------------------

    def cached(self, compile_all: Compile) -> Compile:
        """`compile_all` that compiles only bodies it has not compiled before."""
        compiled = self.memo.compiled

        def compile_with_cache(jobs: list[CompileJob]) -> list[CompiledMarkdown]:
            glossaries: dict[int, str] = {}
            keys = []
            for _, links, glossary, autolink, offset, source_digest in jobs:
                if id(glossary) not in glossaries:
                    glossaries[id(glossary)] = digest(repr(glossary.forms))
                keys.append((source_digest, links.base_path, links.lang,
                             glossaries[id(glossary)], autolink, offset))
            missing = {key: job for key, job in zip(keys, jobs, strict=True)
                       if key not in compiled}
            if missing:
                results = compile_all(list(missing.values()))
                compiled.update(zip(missing, results, strict=True))
            self._used_compiled.update(keys)
            self._compile_keys = keys
            return [compiled[key] for key in keys]

        return compile_with_cache

    def site_model(self, content: Content, template_anchors: dict[str, set[str]],
                   inputs: Snapshot, diagnostics: Diagnostics, compile_all: Compile) -> Site:
        """`model.build_site_model`, or the last build's model patched when only page
        bodies changed since (the dev server's common case: an edit to one page)."""
        compile_with_cache = self.cached(compile_all)
        last, self._last_model = self._last_model or self._stored_model(), None
        built, self._patched, self._storing = None, None, None
        if last is not None and self._only_pages_changed(last[0], inputs):
            built = patch_site_model(last[1], content, template_anchors, diagnostics,
                                     compile_with_cache)
            if built is not None:
                self._patched = (self._model_token, built.compiled)
                if self._model_base is not None:
                    self._model_base[1].update(built.compiled)
        if built is None:
            self._model_keys, self._model_base = {}, None
            built = build_model(content, template_anchors, diagnostics, compile_with_cache)
        self._model_keys.update(zip(built.compiled, self._compile_keys, strict=True))
        self._used_compiled.update(self._model_keys.values())
        if not diagnostics.errors:
            self._last_model, self._model_token = (inputs, built), secrets.token_hex(8)
        return built.site

    def _stored_model(self) -> tuple[Snapshot, BuiltModel] | None:
        """The model the last build stored with its manifest (a stored model, and the
        pages changed since, if the last build patched it), its pages' sources and
        compiled bodies taken back from the memo (None if any is missing)."""
        token = self.manifest.model_token
        if self.folder is None or not token:
            return None
        stored, patch = self.folder.read_model(MODEL), self.folder.read_model(MODEL_PATCH)
        if not isinstance(stored, tuple) or len(stored) != 2:
            return None
        base, model = stored
        if token == base:
            changes: dict[tuple[str, str], tuple[Any, Any]] = {}
        elif isinstance(patch, tuple) and len(patch) == 3 and patch[:2] == (token, base):
            changes = patch[2]
        else:
            return None
        if not isinstance(model, BuiltModel):
            return None
        memo = self.memo
        keys = {}
        try:
            for page in model.site.pages.values():
                page_id = (page.lang, page.key)
                source, keys[page_id] = changes.get(page_id, (page.source, page.compiled))
                page.source = memo.pages[source][0]
                page.compiled = memo.compiled[keys[page_id]]
        except (KeyError, TypeError, IndexError):
            return None
        model.sources = [page.source for page in model.site.pages.values()
                         if not page.is_fallback]
        self._model_keys = keys  # type: ignore[assignment]
        self._model_token, self._model_base = token, (base, set(changes))
        return self.manifest.inputs, model

    def _model_to_store(self, memo: Memo | None) -> StoredModel | None:
        """The last model, to store with this build's manifest: the pages changed since
        the one stored last, or the whole model when there is none or they are many."""
        if self._storing is None and self._last_model is not None and memo is not None:
            model, base = self._last_model[1], self._model_base
            if base is None or len(base[1]) > MODEL_PATCH_PAGES:
                self._storing = functools.partial(self._stored_form, model, memo)
                self._model_base = (self._model_token, set())
            else:
                self._storing = functools.partial(self._stored_patch, model, memo, base[0],
                                                  sorted(base[1]))
        return self._storing

    def _page_keys(self, memo: Memo, sources: Iterable[SourcePage]) -> dict[int, Any] | None:
        """The memo key of each of `sources`, by `id` (None if one is not in the memo)."""
        wanted = {id(source) for source in sources}
        found = {id(value[0]): key for key, value in memo.pages.items()
                 if isinstance(value, tuple) and value and id(value[0]) in wanted}
        return found if len(found) == len(wanted) else None

    @contextlib.contextmanager
    def _stored_form(self, model: BuiltModel,
                     memo: Memo) -> Iterator[tuple[str, object] | None]:
        """The model with its pages' sources and compiled bodies replaced by their memo
        keys while it is pickled (the memo stores them already), then put back; None
        if the memo does not hold every page the model was built from."""
        pages = list(model.site.pages.values())
        page_keys = self._page_keys(memo, (page.source for page in pages))
        if page_keys is None or len(self._model_keys) != len(pages):
            yield None
            return
        kept = [(page.source, page.compiled) for page in pages], model.sources
        try:
            for page in pages:
                page.source = page_keys[id(page.source)]  # type: ignore[assignment]
                page.compiled = self._model_keys[(page.lang, page.key)]  # type: ignore[assignment]
            model.sources = []  # the pages' own, when read back
            yield MODEL, (self._model_token, model)
        finally:
            for page, (source, compiled) in zip(pages, kept[0], strict=True):
                page.source, page.compiled = source, compiled
            model.sources = kept[1]

    @contextlib.contextmanager
    def _stored_patch(self, model: BuiltModel, memo: Memo, base: str,
                      changed: list[tuple[str, str]]) -> Iterator[tuple[str, object] | None]:
        """What changed since the stored model named `base`: the memo keys of the changed
        pages' sources and compiled bodies."""
        pages = [model.site.pages[page_id] for page_id in changed]
        page_keys = self._page_keys(memo, (page.source for page in pages))
        if page_keys is None:
            yield None
            return
        yield MODEL_PATCH, (self._model_token, base, {
            (page.lang, page.key): (page_keys[id(page.source)],
                                    self._model_keys[(page.lang, page.key)])
            for page in pages})

    def _only_pages_changed(self, before: Snapshot, after: Snapshot) -> bool:
        """Whether the content folder holds the same files as before, and the only ones
        that changed are pages (not the site file, not data)."""
        content = str(self.options.content_dir) + os.sep
        data = content + DATA_DIR + os.sep
        if any(path.startswith(content) for path in before.keys() ^ after.keys()):
            return False
        return all(path.endswith(".md") and not path.startswith(data)
                   for path, stamp in after.items()
                   if path.startswith(content) and before[path] != stamp)

    # -- stage 3: what to render ----------------------------------------------

    def plan(self, site: Site, inputs: Snapshot) -> Plan:
        """Fingerprint every output of the new site; mark the ones to render."""
        options = self.options
        facts = self._template_facts(inputs)
        site_stamp = inputs.get(str(options.content_dir / SITE_FILE))
        catalogs = {code: (self._catalogs[code][0] if code in self._catalogs else "missing")
                    for code in site.config.codes}
        assets = self.assets(inputs)  # a page names each static file by its fingerprint
        site_hash = (site_stamp.hash if site_stamp else "") + assets.fingerprint
        basis = digest(repr((self._templates_digest(inputs), site_hash, catalogs)))
        manifest = self.manifest
        # the pages this model changed in the manifest's, with the same templates,
        # site file and catalogs: every other output keeps its fingerprint
        patched = self._patched if (
            self._patched is not None and self._patched[0] == manifest.model_token != ""
            and basis == manifest.plan_basis) else None
        tokens = Tokens(site, site_hash, catalogs, facts,
                        manifest.structure if patched else None)
        if patched is not None:
            deps = tokens.outputs_after_patch(patched[1], {
                path: record.deps for path, record in manifest.outputs.items()
                if not path.startswith((SEARCH_PREFIX, STATIC_PREFIX))})
        else:
            deps = tokens.all_outputs()
        self._planned = (basis, tokens.structure)
        static: dict[str, Path | bytes] = {}
        static_root = str(options.static_dir)
        for path, stamp in inputs.items():
            if path.startswith(static_root + os.sep):
                relative = STATIC_PREFIX + Path(path).relative_to(static_root).as_posix()
                deps.setdefault(relative, ("static", stamp.hash))
                static[relative] = Path(path)
        for name, fingerprinted in assets.names.items():
            relative = STATIC_PREFIX + fingerprinted
            deps.setdefault(relative, ("asset", fingerprinted))
            static[relative] = assets.rewritten.get(fingerprinted, options.static_dir / name)
        render = set()
        for path, fingerprint in deps.items():
            record = self.manifest.outputs.get(path)
            if record is None or record.deps != fingerprint or not self.on_disk(path, record):
                render.add(path)
        return Plan(deps, render, static)

    def _templates_digest(self, inputs: Snapshot) -> str:
        """The templates' fingerprint in this snapshot (asked several times a build)."""
        if self._templates_seen[0] is not inputs:
            root = str(self.options.templates_dir) + os.sep
            self._templates_seen = (inputs, digest("".join(
                f"{path}\0{stamp.hash}\0" for path, stamp in sorted(
                    item for item in inputs.items() if item[0].startswith(root)))))
        return self._templates_seen[1]

    def _template_facts(self, inputs: Snapshot) -> dict[str, TemplateFacts]:
        key = ("facts", self._templates_digest(inputs))
        if key not in self._templates:
            self._templates[key] = template_facts(self.options.templates_dir)
        return self._templates[key]  # type: ignore[no-any-return]

    # -- stage 4: writing ----------------------------------------------------

    def stage(self, plan: Plan, rendered: Rendered) -> Update:
        """The new site's files: what changed, what stays, what goes."""
        old = self.manifest.outputs
        written: dict[str, bytes] = {}
        records: dict[str, OutputRecord] = {}
        describe = self.describer()
        known = self.memo.links
        same_ids = True  # every file written replaces one of the same name, with the same ids
        for path in plan.render:
            if path in plan.static:
                source = plan.static[path]
                payload = source if isinstance(source, bytes) else source.read_bytes()
                payload_hash, facts = describe(path, payload)
            elif path in rendered:
                payload, (payload_hash, facts) = rendered[path]
            else:
                continue
            if facts is not None:
                self.memo.links[payload_hash] = facts
            record = old.get(path)
            if record is not None and record.hash == payload_hash and self.on_disk(path, record):
                records[path] = dataclasses.replace(record, deps=plan.deps[path])
            else:
                written[path] = payload
                records[path] = OutputRecord(plan.deps[path], payload_hash, 0, 0, 0,
                                             path.endswith(".html") and SEARCHABLE in payload)
                if same_ids and (record is None or path.endswith(".html")):
                    before = known.get(record.hash) if record is not None else None
                    after = known.get(payload_hash)
                    same_ids = before is not None and after is not None and before[2] == after[2]
        for path, fingerprint in plan.deps.items():
            if path not in records:
                record = old[path]
                records[path] = (record if record.deps == fingerprint
                                 else dataclasses.replace(record, deps=fingerprint))
        removed = sorted(path for path in old
                         if path not in records and not path.startswith(SEARCH_PREFIX))
        search = {path: record for path, record in old.items() if path.startswith(SEARCH_PREFIX)}
        return Update(self, records, written, removed, search, same_ids and not removed)

    def describer(self) -> Callable[[str, bytes], Description]:
        """`render.Describe` for this build: a file's hash and, for an HTML page whose
        link facts are not known yet, its link facts (taken where the page is
        rendered, so the link check reads no page and runs on every core)."""
        known = self.memo.links

        def describe(path: str, payload: bytes) -> Description:
            payload_hash = digest(payload)
            if not path.endswith(".html") or payload_hash in known:
                return payload_hash, None
            return payload_hash, link_facts(payload)

        return describe

    def store_memo_early(self, update: Update) -> None:
        """On a large command-line build, prune the memo to what this build used and start
        writing it on another core, while the site is staged, checked and published."""
        memo = self._memo
        if (self.folder is None or memo is None or not self.autosave or self.in_place
                or not self.parallel or len(memo.compiled) < MIN_PARALLEL_CHEAP_ITEMS):
            return
        self._prune(memo, update)
        self._pruned = True
        self.folder.write_memo_in_background(memo, self._model_to_store(memo))

    def prestage(self) -> None:
        """Swap mode: remove what a killed build left beside the output folder; on a
        large site, start hard-linking the published files into a new staging folder
        in a forked process, while this one loads, models and plans.

        Most files of a rebuild are unchanged, and linking 20,000 of them is a
        fifth of a second of system calls; `Update.write_staging` then corrects
        the folder for what the plan found changed, added or removed."""
        if self.in_place:
            return
        out = self.options.out_dir
        discard_leftovers(out)
        published = [path for path in self.manifest.outputs
                     if not path.startswith(SEARCH_PREFIX)]
        if (not self.parallel or not hasattr(os, "fork")
                or len(published) < MIN_PARALLEL_CHEAP_ITEMS):
            return
        try:
            staging = new_staging_folder(out)
            report, reporter = os.pipe()
            pid = os.fork()
        except OSError:
            return
        if pid == 0:  # the child: link, report the files that were not there, leave
            linked = False
            try:
                os.close(report)
                missing = link_files(f"{out}/", f"{staging}/", published)
                with os.fdopen(reporter, "wb") as stream:
                    stream.write("\n".join(missing).encode("utf-8"))
                linked = True
            finally:
                os._exit(0 if linked else 1)
        os.close(reporter)
        self._prestaged = (staging, pid, report, published)

    def take_prestaged(self) -> tuple[Path, set[str]] | None:
        """The staging folder `prestage` filled and the files linked into it, once the
        process is done (None if there is none or it failed: the folder is gone)."""
        if self._prestaged is None:
            return None
        (staging, pid, report, published), self._prestaged = self._prestaged, None
        with os.fdopen(report, "rb") as stream:
            missing = stream.read().decode("utf-8").split("\n")
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            status = -1
        if status != 0:
            discard(staging)
            return None
        return staging, set(published).difference(missing)

    def drop_prestaged(self) -> None:
        """Stop filling a staging folder the build does not use, and remove it."""
        if self._prestaged is None:
            return
        (staging, pid, report, _), self._prestaged = self._prestaged, None
        os.close(report)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        discard(staging)

    def settle(self) -> None:
        """Wait for a memo being written in the background, and remove a staging folder
        the build did not get to use (a build that failed leaves no process behind)."""
        if self.folder is not None:
            self.folder.wait_for_writer()
        self.drop_prestaged()

    def remember(self, update: Update, inputs: Snapshot, pages: dict[str, int],
                 warnings: list[Diagnostic]) -> None:
        """Record the published site and store the cache for the next build."""
        self.manifest = Manifest(inputs, self._scanned_at, update.records, pages, warnings,
                                 self.manifest.search_digest, update.link_universe,
                                 self._model_token if self._last_model else "", *self._planned)
        self._wrote_here = True
        memo = self._memo
        if (memo is not None and not self._pruned
                and (self.autosave or self._outgrown(memo))):
            self._prune(memo, update)
        self._used_pages, self._used_compiled, self._pruned = set(), set(), False
        if self.autosave:
            self.save()

    def _prune(self, memo: Memo, update: Update) -> None:
        """Keep what this build used: its pages, compiled bodies and pages' link facts."""
        live = {record.hash for path, record in update.records.items()
                if path.endswith(".html")}
        for entries, used in ((memo.pages, self._used_pages),
                              (memo.compiled, self._used_compiled), (memo.links, live)):
            for stale in entries.keys() - used:  # most are used: drop the rest in place
                del entries[stale]

    def _outgrown(self, memo: Memo) -> bool:
        """Whether a fifth of the memo is left over from older builds: the dev server
        prunes it then, not after every save (pruning walks every page)."""
        return (len(memo.pages) > 1.2 * len(self._used_pages) + 50
                or len(memo.compiled) > 1.2 * len(self._used_compiled) + 50)

    def save(self) -> None:
        if self.folder is not None:
            self.folder.write(self.manifest, self._memo, self._model_to_store(self._memo))

    def refresh_search(self) -> bool:
        """Rebuild the search index of an in-place output folder; True if it changed."""
        out = self.options.out_dir
        wanted = search_input(self.manifest.outputs)
        if self.manifest.search_digest == wanted:
            return False
        pages = searchable_pages(self.manifest.outputs)
        target = out / BUNDLE_DIR
        scratch = scratch_prefix(out, "search")
        old = Path(tempfile.mkdtemp(prefix=scratch, dir=out.parent))
        bundle = (Indexing({page: out / page for page in pages}, out.parent,
                           scratch).finish() if pages else None)
        try:
            if target.exists():
                os.replace(target, old)
            if bundle is not None:
                os.rename(bundle, target)
        except OSError:
            if bundle is not None:
                discard(bundle)
            raise
        finally:
            discard(old)
        self.manifest.search_digest = wanted
        return True


def discard_in_background(path: Path) -> None:
    """Remove the old site's folder in a detached process.

    The new site is already in place; unlinking tens of thousands of entries
    takes seconds on some disks, and nothing waits for it (the next build
    removes whatever a killed removal left)."""
    try:
        child = os.fork()
    except (AttributeError, OSError):
        discard(path)
        return
    if child == 0:
        try:
            if os.fork() == 0:
                try:
                    os.setsid()
                    discard(path)
                finally:
                    os._exit(0)
        finally:
            os._exit(0)
    os.waitpid(child, 0)


def search_input(records: Mapping[str, OutputRecord]) -> str:
    """A fingerprint of what the search index is made from: the pages marked
    `data-pagefind-body`. An edit elsewhere leaves the index as it was, and it
    is not built again."""
    return digest(repr([(path, records[path].hash) for path in searchable_pages(records)]))


def searchable_pages(records: Mapping[str, OutputRecord]) -> list[str]:
    return sorted(path for path, record in records.items() if record.searchable)


class Update:
    """The difference between the published site and the new one, and how to apply it."""

    def __init__(self, state: BuildState, records: dict[str, OutputRecord],
                 written: dict[str, bytes], removed: list[str],
                 search: dict[str, OutputRecord], same_files_and_ids: bool = False) -> None:
        self.state = state
        self.records = records
        self.same_files_and_ids = same_files_and_ids
        """The new site has the files the published one has, and its pages the same ids:
        no link into the site can have broken, only the written pages' own."""
        self.written = written
        self.removed = removed
        self.search = search
        self.out = state.options.out_dir
        self.staging: Path | None = None
        self.indexing: Indexing | None = None
        self.reuse_search = False
        """The published index was made from the same pages (set by start_search)."""
        self.indexed = 0
        """Files of a fresh search bundle (the summary counts them as changed)."""
        self.link_universe = state.manifest.link_universe
        self.search_digest = search_input(records)
        self.stamps: dict[str, os.stat_result] = {}
        """The stat of each file written into the staged site, taken as it was written."""

    @property
    def changes_site(self) -> bool:
        manifest = self.state.manifest
        if self.written or self.removed:
            return True
        if self.state.in_place:
            return False
        return (manifest.search_digest != self.search_digest or not self.search
                or not all(self.state.on_disk(path, record)
                           for path, record in self.search.items()))

    def write_staging(self) -> None:
        """Swap mode: a new folder beside the output, old files linked, new ones written."""
        if self.state.in_place or not self.changes_site:
            self.state.drop_prestaged()
            return
        parent = self.out.resolve().parent
        try:
            prestaged = self.state.take_prestaged()
            if prestaged is not None:
                self.staging, linked = prestaged
                self._correct_staging(linked)
                return
            self.staging = new_staging_folder(self.out)
            staging, out = f"{self.staging}/", f"{self.out}/"
            folders = Folders(staging)
            for path in self.records:  # output paths always use '/'
                folders.make_for(path)
                if path in self.written:
                    self.stamps[path] = write_new_file(staging + path, self.written[path])
                else:
                    os.link(out + path, staging + path)
        except OSError as exc:
            self.discard()
            raise WriteError(f"cannot write the site into {parent}: "
                             f"{exc.strerror or exc}") from exc

    def _correct_staging(self, linked: set[str]) -> None:
        """Make a folder of the published files (`linked`) the new site: the files that
        go removed (with folders left empty), the new and changed ones written, and
        any unchanged file that was not there to link linked now."""
        staging, out = f"{self.staging}/", f"{self.out}/"
        for path in sorted(linked.difference(self.records)):
            os.unlink(staging + path)
            folder = path.rpartition("/")[0]
            while folder and not os.listdir(staging + folder):
                os.rmdir(staging + folder)
                folder = folder.rpartition("/")[0]
        for path in self.records:
            if path in self.written:
                if path in linked:
                    os.unlink(staging + path)
                else:
                    os.makedirs(staging + path.rpartition("/")[0], exist_ok=True)
                self.stamps[path] = write_new_file(staging + path, self.written[path])
            elif path not in linked:
                os.makedirs(staging + path.rpartition("/")[0], exist_ok=True)
                os.link(out + path, staging + path)

    def check_links(self, base_path: str) -> list[str]:
        """linkcheck.check_links over the new site, without reading or checking again what
        cannot have changed: each distinct page is read once, and when no page's ids and
        no file's presence changed, only the new pages' links are checked."""
        if not self.written and not self.removed:
            return []
        manifest = self.state.manifest
        if self.same_files_and_ids and manifest.link_universe:
            to_check: Iterable[str] = [path for path in self.written if path.endswith(".html")]
            ids: Mapping[str, set[str]] = _PageIds(self)
        else:
            facts = {path: self._link_facts(path, record.hash)
                     for path, record in self.records.items() if path.endswith(".html")}
            self.link_universe = digest(repr((
                sorted((path, found[2]) for path, found in facts.items()),
                sorted(path for path in self.records if not path.endswith(".html")))))
            to_check = (facts if self.link_universe != manifest.link_universe
                        else [path for path in self.written if path in facts])
            ids = {path: found[0] for path, found in facts.items()}
        site = _NewSite(self.records)
        problems = []
        for source in to_check:
            for target in self._link_facts(source, self.records[source].hash)[1]:
                problem = linkcheck._problem(source, target, site,  # type: ignore[arg-type]
                                             base_path, ids)  # type: ignore[arg-type]
                if problem:
                    problems.append(f"{source}: {problem}")
        return sorted(problems)

    def _link_facts(self, path: str, payload_hash: str) -> LinkFacts:
        """The link facts of one page, read once per content (new pages' facts were
        taken when they were rendered)."""
        memo = self.state.memo.links
        found = memo.get(payload_hash)
        if found is None:
            found = link_facts((self.out / path).read_bytes())
            memo[payload_hash] = found
        return found  # type: ignore[no-any-return]

    def start_search(self) -> None:
        """Swap mode: start Pagefind over the marked pages, unless no page of the search
        index changed; it runs while the site is written and checked."""
        if self.state.in_place or not self.changes_site:
            return
        self.reuse_search = self._search_current()
        if self.reuse_search:
            return
        pages = searchable_pages(self.records)
        if pages:
            sources = {page: self.written[page] if page in self.written else self.out / page
                       for page in pages}
            parent = self.out.resolve().parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
                self.indexing = Indexing(sources, parent, scratch_prefix(self.out, "search"))
            except OSError as exc:
                raise WriteError(f"cannot write the pages to index into {parent}: "
                                 f"{exc.strerror or exc}") from exc

    def index_search(self) -> None:
        """Swap mode: the fresh Pagefind index into the staged site, or the old one linked."""
        if self.staging is None:
            return
        if self.reuse_search:
            for path in self.search:
                target = self.staging / path
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(self.out / path, target)
            self.records.update(self.search)
            return
        if self.indexing is None:
            return
        indexing, self.indexing = self.indexing, None
        bundle = self.staging / BUNDLE_DIR
        os.rename(indexing.finish(), bundle)
        for file in sorted(bundle.rglob("*")):
            if file.is_file():
                self.records[file.relative_to(self.staging).as_posix()] = OutputRecord(
                    ("search",), "", 0, 0, 0)
                self.indexed += 1

    def _search_current(self) -> bool:
        """The published index was made from exactly the pages the new site marks."""
        manifest = self.state.manifest
        return bool(manifest.search_digest == self.search_digest and self.search
                    and all(self.state.on_disk(path, record)
                            for path, record in self.search.items()))

    def publish(self) -> None:
        if self.staging is not None:
            self._stamp_records(self.staging)
            big = len(self.records) > BACKGROUND_REMOVAL_FILES
            publish(self.staging, self.out, discard_in_background if big else None)
            self.staging = None
            self.state.manifest.search_digest = self.search_digest
            return
        if self.state.in_place:
            self._write_in_place()
        self.records.update(self.search)

    def discard(self) -> None:
        if self.indexing is not None:
            self.indexing.cancel()
            self.indexing = None
        if self.staging is not None:
            discard(self.staging)
            self.staging = None

    def _write_in_place(self) -> None:
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            for path, payload in self.written.items():
                target = self.out / path
                target.parent.mkdir(parents=True, exist_ok=True)
                handle, temporary = tempfile.mkstemp(prefix=".", dir=target.parent)
                with os.fdopen(handle, "wb") as stream:
                    stream.write(payload)
                os.chmod(temporary, 0o644)
                os.replace(temporary, target)
            for path in self.removed:
                with contextlib.suppress(FileNotFoundError):
                    (self.out / path).unlink()
        except OSError as exc:
            raise WriteError(f"cannot write into {self.out}: {exc.strerror or exc}") from exc
        self._stamp_records(self.out)

    def _stamp_records(self, root: Path) -> None:
        """Note each newly written file's stat, by which the next build knows it."""
        folder = f"{root}/"
        for path, record in self.records.items():
            if record.inode == 0:
                info = self.stamps.get(path) or os.stat(folder + path)
                self.records[path] = dataclasses.replace(
                    record, size=info.st_size, mtime_ns=info.st_mtime_ns, inode=info.st_ino)


def link_facts(payload: bytes) -> LinkFacts:
    """The ids and link targets of an HTML page, and a fingerprint of its ids."""
    ids, targets = linkcheck.ids_and_targets(payload.decode("utf-8"))
    return ids, targets, digest(repr(sorted(ids)))


class _PageIds(Mapping[str, set[str]]):
    """The ids of each page of the new site, read from its link facts when asked."""

    def __init__(self, update: Update) -> None:
        self.update = update

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and path.endswith(".html") and path in self.update.records

    def __getitem__(self, path: str) -> set[str]:
        if path not in self:
            raise KeyError(path)
        return self.update._link_facts(path, self.update.records[path].hash)[0]

    def __iter__(self) -> Iterator[str]:
        return (path for path in self.update.records if path.endswith(".html"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _NewSite:
    """The new site's files and folders, answering `(root / path).exists()` the way
    linkcheck asks it of a staged folder, before anything is written (the folders
    are listed when first asked about)."""

    def __init__(self, files: Iterable[str]) -> None:
        self.files = files

    @functools.cached_property
    def entries(self) -> set[str]:
        listed = set()
        for file in self.files:
            listed.add(file)
            listed.update(ancestors(file))
        return listed

    def __truediv__(self, path: str) -> _NewPath:
        return _NewPath(self, path)


@dataclass(frozen=True)
class _NewPath:
    site: _NewSite
    path: str

    def exists(self) -> bool:
        return self.path.rstrip("/") in self.site.entries


class Tokens:
    """Fingerprints of everything an output can show, computed from the site model."""

    def __init__(self, site: Site, site_file: str, catalogs: dict[str, str],
                 facts: dict[str, TemplateFacts], structure: str | None = None) -> None:
        """`structure`: the model's structure when it is known (a patched model keeps
        the structure of the one it patched)."""
        self.site_model = site
        self.facts = facts
        config = site.config
        self.site = digest(site_file + "\0" + config.base_url)
        self.structure = structure or digest("\n".join(
            _page_outline(page, page.source.front_fingerprint, page.compiled.outline)
            for page in site.all_pages()))
        self.bodies: dict[tuple[str, str], str] = {}
        """Each page's body fingerprint, taken when first asked for (after a patched
        model, only the changed pages' are)."""
        self.data: dict[str, str] = {}
        self.terms: dict[str, dict[str, str]] = {}
        self.glossary: dict[str, str] = {}
        self.common: dict[str, str] = {}
        for code in config.codes:
            collections = site.data[code]
            others = {name: items for name, items in collections.items() if name != GLOSSARY}
            # localised data reprs show values only (Record's repr leaves out positions)
            self.data[code] = digest(repr(others))
            self.terms[code] = {item["id"]: digest(repr(item))
                                for item in collections.get(GLOSSARY, [])}
            self.glossary[code] = digest(repr(sorted(self.terms[code].items()))
                                         + repr([item["id"] for item in
                                                 collections.get(GLOSSARY, [])])
                                         + repr(sorted(site.term_usage.items())))
            shown = _terms_in(others)
            self.common[code] = digest("\0".join([
                self.site, self.structure, catalogs.get(code, ""), self.data[code],
                *(f"{term}={self.terms[code].get(term, '')}" for term in sorted(shown))]))

    def all_outputs(self) -> dict[str, Deps]:
        site = self.site_model
        config = site.config
        deps: dict[str, Deps] = {}
        for page in site.all_pages():
            deps[page.output_path] = self._page(page)
        for view in build_views(site, self.facts):
            if view.output_path not in deps:
                deps[view.output_path] = self._view(view)
        default = config.default_language
        deps["index.html"] = self._output(default, self._facts("root.html"), [], [], [],
                                          self._facts("root.html").wide_glossary)
        for code in config.codes:
            facts = self._facts("404.html")
            deps[f"{code}/404.html"] = self._output(code, facts, [], [], [],
                                                    facts.wide_glossary)
        for name in ("sitemap.xml", "robots.txt"):
            facts = self._facts(name)
            deps[name] = self._output(default, facts, [], [], [], facts.wide_glossary)
        return deps

    def outputs_after_patch(self, touched: list[tuple[str, str]],
                            before: dict[str, Deps]) -> dict[str, Deps]:
        """`all_outputs`, from the fingerprints of the model this one patched (`before`,
        static files and search index aside) and the pages whose bodies changed: only
        their pages and parallel readings read those bodies, unless a template reads
        other pages' bodies."""
        if any(facts.other_bodies for facts in self.facts.values()):
            return self.all_outputs()
        deps = dict(before)
        pages = self.site_model.pages
        for page_id in touched:
            deps[pages[page_id].output_path] = self._page(pages[page_id])
        keys = {key for _, key in touched}
        for view in build_views(self.site_model, self.facts):
            if view.original is not None and view.original.key in keys:
                deps[view.output_path] = self._view(view)
        return deps

    def _page(self, page: Page) -> Deps:
        facts = self._facts(page.template)
        return self._output(page.lang, facts, [(page.lang, page.key)], page.terms, [page.lang],
                            facts.wide_glossary or bool(page.data_ref))

    def _view(self, view: View) -> Deps:
        facts = self._facts(view.template)
        original = view.original
        if original is None:
            return self._output(view.lang, facts, [], [], [], facts.wide_glossary)
        codes = self.site_model.config.codes
        pages = [original.translations[code] for code in codes]
        terms = sorted({term for page in pages for term in page.terms})
        return self._output(view.lang, facts, [(code, original.key) for code in codes], terms,
                            list(codes), facts.wide_glossary or bool(original.data_ref))

    @functools.cached_property
    def all_bodies(self) -> str:
        """Every page's body at once, for templates that may show any of them."""
        return digest(repr(sorted((page_id, self._body(page_id))
                                  for page_id in self.site_model.pages)))

    def _body(self, page_id: tuple[str, str]) -> str:
        found = self.bodies.get(page_id)
        if found is None:
            page = self.site_model.pages.get(page_id)
            found = self.bodies[page_id] = page.compiled.fingerprint if page else ""
        return found

    def _facts(self, template: str) -> TemplateFacts:
        return self.facts.get(template) or TemplateFacts(f"missing:{template}", True, True)

    def _output(self, lang: str, facts: TemplateFacts, bodies: list[tuple[str, str]],
                terms: Iterable[str], data_langs: list[str], wide_glossary: bool) -> Deps:
        """The output's fingerprint: a tuple of the fingerprints of what it reads (the
        parts are shared strings, so a tuple costs less than hashing them again)."""
        parts = [self.common[lang], facts.closure,
                 *(self._body(body) for body in bodies),
                 *(f"{term}={self.terms[lang].get(term, '')}" for term in terms),
                 *(self.data[code] for code in data_langs)]
        if wide_glossary:
            parts.append(self.glossary[lang])
        if facts.other_bodies:
            parts.append(self.all_bodies)
        return tuple(parts)


def _page_outline(page: Page, front: str, headings: str) -> str:
    """Everything about a page that other pages can show: all but its body."""
    return "\0".join((
        page.lang, page.key, page.content_lang, str(page.is_fallback), page.url,
        page.output_path, front, headings, page.parent.key if page.parent else "",
        repr([child.key for child in page.children]),
    ))


def _terms_in(value: Any) -> set[str]:
    """Glossary ids a data value refers to: `terms` lists and term links in its texts."""
    found: set[str] = set()
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "terms" and isinstance(item, list):
                found |= {str(term) for term in item}
            else:
                found |= _terms_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= _terms_in(item)
    elif hasattr(value, "html") and isinstance(value.html, str):
        found |= {match.group("term") for match in TERM_LINK.finditer(value.html)}
    return found


def template_facts(templates_dir: Path) -> dict[str, TemplateFacts]:
    """For each template: its closure's fingerprint and what it can read of the site."""
    env = make_environment(templates_dir)
    sources: dict[str, str] = {}
    references: dict[str, set[str] | None] = {}
    for name in sorted(env.list_templates()):
        try:
            source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        except (jinja2.TemplateNotFound, UnicodeDecodeError, OSError):
            continue
        sources[name] = source
        try:
            found = set(meta.find_referenced_templates(env.parse(source, name)))
        except jinja2.TemplateSyntaxError:
            found = {None}  # type: ignore[arg-type]
        references[name] = None if None in found else found  # type: ignore[arg-type]
    facts = {}
    for name in sources:
        closure = _closure(name, references, set(sources))
        text = "".join(sources.get(member, "") for member in sorted(closure))
        facts[name] = TemplateFacts(
            digest("".join(f"{member}\0{sources.get(member, 'missing')}\0"
                           for member in sorted(closure))),
            bool(WIDE_GLOSSARY.search(text)), bool(OTHER_BODIES.search(text)))
    return facts


def _closure(name: str, references: dict[str, set[str] | None], every: set[str]) -> set[str]:
    seen: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        children = references.get(current, set())
        if children is None:
            return seen | every
        pending.extend(children)
    return seen


def cache_key(options: BuildOptions) -> str:
    """Everything besides the inputs that decides the output: engine, libraries, options."""
    installed = installed_versions()
    versions = [installed.get(library, "-") for library in LIBRARIES]
    folders = [options.content_dir, options.templates_dir, options.static_dir,
               options.locales_dir, options.out_dir]
    return digest(repr((code_version(), sys.version, versions, os.getcwd(),
                        [str(folder.resolve()) for folder in folders], options.base_url)))


def drop_cache(options: BuildOptions) -> None:
    """Forget what the last build into options.out_dir left (`--clean`)."""
    if options.cache_dir is not None:
        CacheFolder(options.cache_dir, options.out_dir, "").forget()

