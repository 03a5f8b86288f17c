"""What one build leaves for the next: input fingerprints, output records and
the expensive intermediate results, kept in memory (the dev server) and in a
git-ignored folder (`.duet-cache/`, the command line).

Inputs are recognised by their stat (size, mtime, inode) and hashed only when
that changes; a file modified within a second of the last scan is hashed again
whatever its stat says, because a quick second write can keep the same mtime.
The state is pickles: a small manifest read by every build (enough to see
that nothing changed) and a larger memo of loaded pages and compiled Markdown,
read only when something did and kept in shards so that a small edit rewrites
a small part of it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import re
import shutil
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .digests import digest
from .lazytext import packing_lazy_fields
from .load import IGNORED_NAMES

PACKAGE_DIR = Path(__file__).resolve().parent
RACY_NANOSECONDS = 1_000_000_000
MANIFEST, TARGET = "manifest.pickle", "target.txt"
MODEL, MODEL_PATCH = "model.pickle", "model-patch.pickle"
"""The last site model, and what changed in it since (see `incremental.BuildState`)."""
MEMO_SHARDS = 128
"""The memo is stored in this many files, and a build rewrites only those whose
entries changed: after a one-page edit, a handful of small ones."""
ShardKeys = tuple[frozenset[Any], frozenset[Any], frozenset[Any]]
MemoPart = tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any]]
StoredModel = Callable[[], AbstractContextManager[tuple[str, object] | None]]
"""The last site model to store: a context giving the file to write and what to write
in it, in the form to pickle (None: it cannot be stored)."""
MapPaths = Callable[[Callable[[str], str | None], list[str]], list[str | None]]
"""Runs a function over paths, in order (`parallel.map_cheap_in_order`)."""


@functools.cache
def code_version() -> str:
    """A fingerprint of the engine itself: a changed engine invalidates every cache.

    Taken once per process, as near its start as possible: the code that runs is
    the code that was imported, whatever the files say later."""
    parts = [digest(path.read_bytes()) for path in sorted(PACKAGE_DIR.glob("*.py"))]
    return digest("".join(parts))


def installed_versions() -> dict[str, str]:
    """The version of every distribution on `sys.path`, by normalised name, as the names
    of their `.dist-info` folders give it (the first found wins, as for an import).

    What `importlib.metadata.version` answers, without importing it: that import
    takes longer than loading this project's whole site."""
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
class Stamp:
    """What a file looked like: stat fields that change on a write, and its content hash."""

    size: int
    mtime_ns: int
    inode: int
    hash: str


Snapshot = dict[str, Stamp]
"""Every input file, by path, as os.walk spells it from the folder given."""


def scan(folders: list[Path], previous: Snapshot, previous_time: int,
         skip_ignored: tuple[bool, ...], map_paths: MapPaths | None = None
         ) -> tuple[Snapshot, int]:
    """Stamp every file below `folders`, hashing only files that look changed (with
    `map_paths`, on every core when there are many)."""
    started = time.time_ns()
    stamps: dict[str, Stamp | None] = {}  # None until hashed, to keep the walk's order
    unknown: list[tuple[str, os.stat_result]] = []
    for folder, skip in zip(folders, skip_ignored, strict=True):
        for directory, dirnames, filenames in os.walk(folder, followlinks=True):
            if skip:
                dirnames[:] = [name for name in dirnames if not IGNORED_NAMES.match(name)]
            for name in filenames:
                if skip and IGNORED_NAMES.match(name):
                    continue
                path = os.path.join(directory, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                known = previous.get(path)
                if _still(known, info, previous_time):
                    stamps[path] = known
                else:
                    stamps[path] = None
                    unknown.append((path, info))
    paths = [path for path, _ in unknown]
    hashes = (map_paths(file_hash, paths) if map_paths is not None
              else [file_hash(path) for path in paths])
    for (path, info), content_hash in zip(unknown, hashes, strict=True):
        if content_hash is not None:  # None: gone or unreadable since the walk
            stamps[path] = Stamp(info.st_size, info.st_mtime_ns, info.st_ino, content_hash)
    return {path: stamp for path, stamp in stamps.items() if stamp is not None}, started


def rescan(previous: Snapshot, changed: Iterable[str], folders: list[Path],
           skip_ignored: tuple[bool, ...]) -> Snapshot | None:
    """`previous` with only the `changed` files stamped again, or None when only a
    full scan can tell what changed.

    `changed` are paths as a file watcher reports them (absolute, resolved).
    A folder that appeared or went, a new file in a folder not seen before, or a
    path outside the folders all need the full scan."""
    roots = [(str(folder.resolve()) + os.sep, str(folder) + os.sep, skip)
             for folder, skip in zip(folders, skip_ignored, strict=True)]
    snapshot = dict(previous)
    for path in changed:
        found = _as_scanned(path, roots)
        if found is None:
            return None
        key, spelled, ignored = found
        if ignored:
            continue
        if os.path.isdir(key):
            return None
        stamp = _stamp(key, None, 0)
        if stamp is not None:
            folder = os.path.dirname(key) + os.sep
            if key not in previous and folder != spelled and not any(
                    known.startswith(folder) for known in previous):
                return None
            snapshot[key] = stamp
        elif key in snapshot:
            del snapshot[key]
        elif any(known.startswith(key + os.sep) for known in previous):
            return None
    return snapshot


def _as_scanned(path: str, roots: list[tuple[str, str, bool]]) -> tuple[str, str, bool] | None:
    """(the path as `scan` spells it, its folder as given, whether scan skips it), or None
    for a path outside every folder."""
    for resolved, spelled, skip in roots:
        if path.startswith(resolved):
            relative = path[len(resolved):]
            ignored = skip and any(IGNORED_NAMES.match(part) for part in relative.split(os.sep))
            return spelled + relative, spelled, ignored
    return None


def _stamp(path: str, known: Stamp | None, known_time: int) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    if _still(known, info, known_time):
        return known
    content_hash = file_hash(path)
    if content_hash is None:
        return None
    return Stamp(info.st_size, info.st_mtime_ns, info.st_ino, content_hash)


def _still(known: Stamp | None, info: os.stat_result, known_time: int) -> bool:
    """The file's stat is the one `known` was taken from, and not from a racy moment."""
    return (known is not None and known.size == info.st_size
            and known.mtime_ns == info.st_mtime_ns and known.inode == info.st_ino
            and info.st_mtime_ns < known_time - RACY_NANOSECONDS)


def file_hash(path: str) -> str | None:
    """The digest of a file's bytes; None if it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return digest(handle.read())
    except OSError:
        return None


@dataclass(frozen=True)
class OutputRecord:
    """One published file: what it was made from, its hash, and its stat when written."""

    deps: tuple[str, ...]
    hash: str
    size: int
    mtime_ns: int
    inode: int
    searchable: bool = False
    """An HTML page marked for the search index (`data-pagefind-body`)."""

    def still_on_disk(self, path: str) -> bool:
        try:
            info = os.stat(path)
        except OSError:
            return False
        return (info.st_size, info.st_mtime_ns, info.st_ino) == (
            self.size, self.mtime_ns, self.inode)


@dataclass
class Manifest:
    """The small part: enough to see that nothing changed and to say what was built."""

    inputs: Snapshot = field(default_factory=dict)
    scanned_at: int = 0
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    search_digest: str = ""
    link_universe: str = ""
    model_token: str = ""
    """The stored site model built from `inputs` (another token: a model of a build
    that did not finish)."""
    plan_basis: str = ""
    """What the outputs' fingerprints were computed against besides the model:
    templates, site file, catalogs."""
    structure: str = ""
    """The fingerprint of the model's pages, all but their bodies (`incremental.Tokens`)."""


@dataclass
class Memo:
    """The large part: results that are slow to compute, keyed by what they came from."""

    pages: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    compiled: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    links: dict[str, Any] = field(default_factory=dict)


def _sizes(memo: Memo) -> tuple[int, int, int]:
    """A memo only gains entries between being pruned and stored: equal sizes, same memo."""
    return len(memo.pages), len(memo.compiled), len(memo.links)


def _shard(key: object) -> int:
    return zlib.crc32(repr(key).encode("utf-8", "surrogatepass")) % MEMO_SHARDS


def _memo_file(shard: int) -> str:
    return f"memo-{shard:03d}.pickle"


class CacheFolder:
    """One build target's cache: `.duet-cache/build-<hash of the output folder>/`.

    The state is only used when the engine and every option are the same as
    when it was written; otherwise the build starts from nothing.
    """

    def __init__(self, root: Path, out_dir: Path, key: str) -> None:
        self.root = root
        self.folder = root / f"build-{digest(str(out_dir.resolve()))[:16]}"
        self.out_dir = out_dir
        self.key = key
        self._stored: dict[int, ShardKeys] = {}
        """The keys each memo file holds, as read or last written."""
        self._shard_of: dict[Any, int] = {}
        """The shard of every key read or written (computing it costs a repr)."""
        self._writer: tuple[int, tuple[int, int, int]] | None = None
        """The process writing the memo, and the memo's sizes when it started."""

    def read_manifest(self) -> Manifest | None:
        return self._read(MANIFEST)  # type: ignore[return-value]

    def read_memo(self) -> Memo | None:
        """The memo, from every shard that is readable (a missing one only means less
        is reused: its keys name what their values were computed from)."""
        memo, found = Memo(), False
        for shard in range(MEMO_SHARDS):
            part = self._read(_memo_file(shard))
            if not isinstance(part, tuple):
                continue
            pages, compiled, links = part
            for entries, into in ((pages, memo.pages), (compiled, memo.compiled),
                                  (links, memo.links)):
                into.update(entries)
                self._shard_of.update(dict.fromkeys(entries, shard))
            self._stored[shard] = (frozenset(pages), frozenset(compiled), frozenset(links))
            found = True
        return memo if found else None

    def read_model(self, name: str) -> object | None:
        """What `write` stored of the site model in `name` (MODEL or MODEL_PATCH)."""
        return self._read(name)

    def write(self, manifest: Manifest, memo: Memo | None,
              model: StoredModel | None = None) -> None:
        """Replace the stored state; each file is renamed into place whole."""
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / TARGET).write_text(str(self.out_dir.resolve()), encoding="utf-8")
            written = self.wait_for_writer()
            if memo is not None and written != _sizes(memo):
                self._write_memo(memo)
            if model is not None and written is None:  # not written in the background
                self._write_model(model)
            self._write(MANIFEST, manifest)
        self._forget_vanished_targets()

    def _write_model(self, model: StoredModel) -> None:
        with model() as stored:
            if stored is not None:
                self._write(*stored)

    def write_memo_in_background(self, memo: Memo, model: StoredModel | None = None) -> None:
        """Start writing the memo in a forked process; `write` waits for it.

        A large build calls this once the memo is final, so that the memo (most
        of the cache) is written on the other core while this process stages,
        checks and publishes the site. Its entries only name what they were
        computed from, so one written for a build that then fails is still right."""
        if not hasattr(os, "fork") or self._writer is not None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        pid = os.fork()
        if pid == 0:  # the child: write, and leave without running the parent's exit code
            written = False
            try:
                for shard, part, _ in self._changed_shards(memo):
                    self._write(_memo_file(shard), part)
                if model is not None:
                    self._write_model(model)
                written = True
            finally:
                os._exit(0 if written else 1)
        # What the shards hold is left as read: should the memo gain entries before
        # `write`, the shards that differ from that are written again, these included.
        self._writer = (pid, _sizes(memo))

    def wait_for_writer(self) -> tuple[int, int, int] | None:
        """Wait for the memo writer, if one runs: the memo's sizes when it started, or
        None when there is none or it failed (its shards are then written again)."""
        if self._writer is None:
            return None
        (pid, sizes), self._writer = self._writer, None
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # reaped elsewhere: its result is unknown
            status = -1
        if status != 0:
            self._stored.clear()
            return None
        return sizes

    def _write_memo(self, memo: Memo) -> None:
        """Write the shards whose set of keys changed (a key's value never changes)."""
        for shard, part, keys in self._changed_shards(memo):
            self._write(_memo_file(shard), part)
            self._stored[shard] = keys

    def _changed_shards(self, memo: Memo) -> list[tuple[int, MemoPart, ShardKeys]]:
        """Each shard whose set of keys differs from the stored one, with its entries.

        A shard is looked at only if it gained a key never seen before or holds a
        different number of keys than stored: after one edit, a handful of the 128.
        (A shard that lost a key and got back an older one of the same count keeps
        its file: an entry too many or too few is a cache miss, never a wrong page.)"""
        kinds = (memo.pages, memo.compiled, memo.links)
        if len(self._shard_of) > 1.2 * sum(map(len, kinds)) + 50:  # forget dropped keys
            self._shard_of = {key: self._shard_of[key] for entries in kinds
                              for key in entries if key in self._shard_of}
        shard_of = self._shard_of
        dirty = set()
        for entries in kinds:
            for key in [key for key in entries if key not in shard_of]:
                dirty.add(shard_of.setdefault(key, _shard(key)))
        counts = [Counter(map(shard_of.__getitem__, entries)) for entries in kinds]
        for shard in range(MEMO_SHARDS):
            stored = self._stored.get(shard)
            if stored is None or any(len(keys) != count[shard]
                                     for keys, count in zip(stored, counts, strict=True)):
                dirty.add(shard)
        parts: dict[int, MemoPart] = {shard: ({}, {}, {}) for shard in dirty}
        for index, entries in enumerate(kinds):
            for key, value in entries.items():
                part = parts.get(shard_of[key])
                if part is not None:
                    part[index][key] = value
        changed = []
        for shard, part in sorted(parts.items()):
            keys = (frozenset(part[0]), frozenset(part[1]), frozenset(part[2]))
            if self._stored.get(shard) != keys:
                changed.append((shard, part, keys))
        return changed

    def forget(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(self.folder)

    def _read(self, name: str) -> object | None:
        try:
            with open(self.folder / name, "rb") as handle:
                key, value = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
                AttributeError, ImportError):
            return None
        return value if key == self.key else None

    def _write(self, name: str, value: object) -> None:
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as stream, packing_lazy_fields():
                pickle.dump((self.key, value), stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def _forget_vanished_targets(self) -> None:
        """Drop the caches of output folders that no longer exist (temporary builds)."""
        for target in self.root.glob(f"build-*/{TARGET}"):
            with contextlib.suppress(OSError):
                if not Path(target.read_text(encoding="utf-8")).exists():
                    shutil.rmtree(target.parent)
