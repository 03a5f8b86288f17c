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
*spare*) is brought up to date and exchanged with the published one
(spare.py). The pure steps' results live in memo.py; the inputs are read by
inputs.py; everything is kept in one SQLite file (store.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duet.diagnostics import Diagnostic
from duet.digests import digest
from duet.incremental import kept as kept_models
from duet.incremental import spare
from duet.incremental.inputs import Inputs, engine_version, rescan_inputs, scan_inputs
from duet.incremental.kept import KeptModel
from duet.incremental.memo import Memo
from duet.incremental.store import FOLDERS_FILE, LARGE_FILE, MEMO_FILE, Store
from duet.load.content import Content, PagesLoader
from duet.model.reads import BodyReads
from duet.model.site import Compile, Site
from duet.publish.linkcheck import LinkFacts, link_facts
from duet.publish.write import NewFile, discard, identity, spare_folder
from duet.render.templates import Rendered

if TYPE_CHECKING:
    from duet.build import BuildOptions

SEARCH_PREFIX = "pagefind/"
SEARCHABLE = b"data-pagefind-body"


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
    scan: Inputs
    """The inputs as this build scanned them (their stats spare the next scan reading
    the files that have not changed)."""


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

    def __init__(self, options: BuildOptions, store: Store, *, search: bool = True,
                 lasting: bool = True) -> None:
        self.options = options
        self.store = store
        self.memo = Memo(options, store)
        """The stages' pure steps, from the store (memo.py)."""
        self.search = search
        """Index the site for search (the dev server indexes after a quiet moment)."""
        self.lasting = lasting
        """Keep the model in the store for a build in another process (the command line's;
        the dev server keeps it in memory)."""
        self.record_key = f"build:{engine_version()}:{options.out_dir.resolve()}"
        self._trusted: BuildRecord | None = None
        self._changes: set[str] | None = None
        self._published_here = False
        """The output folder is the one this process's last build published (the dev
        server's, its own: what it wrote is taken to be there)."""
        self._structure = ""
        self._records: dict[str, OutputRecord] = {}
        self._kept_model: KeptModel | None = None
        self._model_to_store = False

    # -- before loading ------------------------------------------------------

    def note_changes(self, paths: set[str]) -> None:
        """The files a watcher saw change since the last build: the next one reads just
        these again (inputs.rescan_inputs)."""
        self._changes = {*(self._changes or ()), *paths}

    def last(self) -> BuildRecord | None:
        """The last build's record, if the published folder is still what it wrote."""
        return self._trusted

    def unchanged(self) -> BuildRecord | None:
        """Scan the inputs and check the published folder; the last build's record when
        nothing it was made from has changed (and its warnings are not errors now)."""
        changes, self._changes = self._changes, None
        record = self._trusted or self.store.folder(self.record_key)
        last_scan = (self.memo.inputs if self.memo.inputs.digests
                      else record.scan if record is not None else None)
        self.memo.inputs = (rescan_inputs(self.options, self.memo.inputs, changes)
                            if changes is not None and self.memo.inputs.digests
                            else scan_inputs(self.options, last_scan))
        if self._trusted is None or not self._published_here:
            self._trusted = _still_published(record, self.options.out_dir)
        last = self._trusted
        if (last is None or last.inputs != self._inputs_key()
                or (self.options.strict and last.warnings)
                or (self.search and last.search != _search_key(last.outputs))):
            return None
        return last

    def _inputs_key(self) -> str:
        return digest(repr((engine_version(), self.memo.inputs.digest, self.options.base_url)))

    # -- stages 1 and 2: the kept model -------------------------------------------

    def kept_model(self, load: PagesLoader, compile_all: Compile) -> KeptModel | None:
        """The model this process made last, or the one kept in the store, brought up to
        date (kept.py), when only page bodies changed since; the changed files loaded
        with `load`."""
        kept = kept_models.take_kept(self._kept_model, self.memo, load, compile_all,
                                     self.store if self.lasting else None)
        self._kept_model = kept
        if kept is not None:
            self.store.used |= kept.store_keys
        return kept

    def keep_model(self, content: Content, site: Site,
                   warnings: tuple[list[Diagnostic], list[Diagnostic]]) -> None:
        """Keep the model just made for the next build: stored once the build publishes,
        unless it builds from nothing (a fresh clone, `--clean`: often a build no other
        follows, as in CI; the next build makes the model from the memo and stores it)."""
        self._kept_model = kept_models.keep(content, site, self.memo, warnings,
                                            set(self.store.used))
        self._model_to_store = self.lasting and self.last() is not None

    # -- stage 3: what to render -----------------------------------------------

    def plan(self, site: Site) -> Plan:
        """Outputs the last build wrote that are still right: same structure (module
        docstring), and every body they read unchanged."""
        self._structure = self._structure_of(site)
        last = self.last()
        if last is None or last.structure != self._structure:
            return Plan({})
        bodies = {page_id: page._compiled.html_digest for page_id, page in site.pages.items()}
        return Plan({path: record for path, record in last.outputs.items()
                     if record.reads is not None and all(
                         bodies.get(page_id) == read for page_id, read in record.reads.items())})

    def _structure_of(self, site: Site) -> str:
        model = self._kept_model
        assert model is not None and model.site is site  # kept by load_and_model
        return digest(repr((model.head.shape, model.outlines, site.derived_from_bodies())))

    def new_site(self, plan: Plan, rendered: Rendered, static: Mapping[str, bytes]
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
        for path, payload in static.items():
            file_digest = digest(payload)
            old = last.outputs.get(path) if last else None
            same = old is not None and old.digest == file_digest
            files[path] = NewFile(file_digest, None if same else payload)
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
        """Bring the spare folder up to date (spare.py), record it and this build, and
        exchange it with the published site; the number of files that differ from the
        published site's. Raises OSError (the published site is then untouched)."""
        out = self.options.out_dir
        folder, stamps = spare.prepare_spare(self.store, out, files)
        records = {path: self._records.get(path) or OutputRecord(new.digest, None)
                   for path, new in files.items()}
        last = self.last()
        search = (_search_key(records) if self.search or last is None else last.search)
        record = BuildRecord(spare.record_folder(self.store, folder, files, stamps),
                             self._inputs_key(),
                             self._structure, records, pages, warnings, search,
                             stamps, self.memo.inputs)
        for new in files.values():
            self.store.keep(f"links:{new.digest}")
        self.store.set_folder(self.record_key, record)
        self.store.keep_folders({self.record_key, spare.folder_key(record.live),
                                 spare.folder_key(identity(out) or "")})  # the next spare's
        self.store.commit()
        self._trusted = record
        self._published_here = True
        spare.exchange(folder, out)
        if self._model_to_store and self._kept_model is not None:
            kept_models.save(self.store, self._kept_model)
            self._model_to_store = False
        published = {path: old.digest for path, old in last.outputs.items()} if last else {}
        return sum(1 for path in files.keys() | published.keys()
                   if (files[path].digest if path in files else None) != published.get(path))


def _still_published(record: BuildRecord | None, out: Path) -> BuildRecord | None:
    """`record`, if the output folder is the one it describes and every file in it is
    the file written (a file replaced or removed by hand means a full build)."""
    if record is None or record.live != identity(out):
        return None
    return record if spare.stamps(out, record.stamps) == record.stamps else None


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


def store_folder(cache_dir: Path, out_dir: Path) -> Path:
    """Where builds into `out_dir` keep their store: one folder per output folder, so
    that each prunes only its own memo (the dev server's and `_site/`'s apart)."""
    return cache_dir / f"build-{digest(str(out_dir.resolve()))[:16]}"


def open_reuse(options: BuildOptions, **kwargs: Any) -> Reuse:
    """The reuse for builds into options.out_dir, its store in options.cache_dir."""
    assert options.cache_dir is not None
    return Reuse(options, Store(store_folder(options.cache_dir, options.out_dir)), **kwargs)


def drop_cache(options: BuildOptions) -> None:
    """Forget everything earlier builds into options.out_dir left (`--clean`): the store
    and the spare folder."""
    if options.cache_dir is not None:
        folder = store_folder(options.cache_dir, options.out_dir)
        for name in (MEMO_FILE, FOLDERS_FILE):
            for suffix in ("", "-wal", "-shm"):
                (folder / f"{name}{suffix}").unlink(missing_ok=True)
        (folder / LARGE_FILE).unlink(missing_ok=True)
    discard(spare_folder(options.out_dir))

