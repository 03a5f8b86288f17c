"""Stage 4, write: stage the whole site in a folder beside the output, then
swap it in with one atomic rename, so a failed or killed build never leaves
a half-written site and stale files vanish."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import shutil
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duet.publish.linkcheck import LinkFacts

RENAME_EXCHANGE = 2
AT_FDCWD = -100


SCRATCH_KINDS = ("staging", "old", "search")
"""The folders a build makes beside the output folder; a killed build leaves them."""


def scratch_prefix(out_dir: Path, kind: str) -> str:
    """The name prefix of a folder of `kind` that a build makes beside `out_dir`."""
    return f".{out_dir.name}.{kind}-"


class WriteError(Exception):
    """The output folder could not be written; the previous site is untouched."""


def new_staging_folder(out_dir: Path) -> Path:
    """A fresh, empty folder beside `out_dir` to stage the next site in (the folder
    above it made if need be); raises OSError."""
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=scratch_prefix(out_dir, "staging"), dir=parent))


def write_new_file(path: str, payload: bytes) -> os.stat_result:
    """Write a file that does not exist yet; its stat once written. Three system calls
    and no stream object: staging writes tens of thousands of files."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(descriptor, view):]
        return os.fstat(descriptor)
    finally:
        os.close(descriptor)


class Folders:
    """Makes the folder of each file put under a new folder `root` (ending in '/'), once:
    a single `mkdir` where the folder above it is known to exist."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.made = {""}

    def make_for(self, path: str) -> None:
        folder = path.rpartition("/")[0]
        if folder not in self.made:
            if folder.rpartition("/")[0] in self.made:  # the usual case
                os.mkdir(self.root + folder)
            else:
                os.makedirs(self.root + folder, exist_ok=True)
                self.made.update(ancestors(folder))
            self.made.add(folder)


def ancestors(path: str) -> list[str]:
    """'a/b/c' → ['a', 'a/b']."""
    parts = path.split("/")
    return ["/".join(parts[:end]) for end in range(1, len(parts))]


Stamp = tuple[int, int, int]
"""A published file's inode, size and modification time (ns): a hand edit, a file
replaced or removed, changes it."""


@dataclass(frozen=True)
class NewFile:
    """A file of the new site: its digest, and its bytes, or None where they are those of
    the file of the same name in the published site; a rendered file's body reads (own,
    and for every output: model/reads.py), and whether the search index takes it."""

    digest: str
    payload: bytes | None
    reads: dict[tuple[str, str], str] | None = None
    everyone: dict[tuple[str, str], str] = field(default_factory=dict)
    searchable: bool = False
    links: LinkFacts | None = None
    """A rendered page's link facts."""


def stage_site(out_dir: Path, files: Mapping[str, NewFile]) -> tuple[Path, dict[str, Stamp]]:
    """A new folder beside `out_dir` holding `files`, each written, or hard-linked to the
    published copy (its payload None); and each file's stamp. Raises OSError."""
    staging = new_staging_folder(out_dir)
    published = f"{out_dir.resolve()}/"
    stamps: dict[str, Stamp] = {}
    try:
        folders = Folders(f"{staging}/")
        for path, new in files.items():
            folders.make_for(path)
            target = f"{staging}/{path}"
            if new.payload is None:
                os.link(published + path, target)
                info = os.stat(target)
            else:
                info = write_new_file(target, new.payload)
            stamps[path] = (info.st_ino, info.st_size, info.st_mtime_ns)
    except OSError:
        discard(staging)
        raise
    return staging, stamps


def update_folder(folder: Path, files: Mapping[str, NewFile],
                  holds: Mapping[str, tuple[str, Stamp]], present: Collection[str],
                  published: Path) -> dict[str, Stamp]:
    """Make `folder` hold exactly `files`; each file's stamp. `holds` (path → digest and
    stamp) names the files `folder` is known to hold whole; `present`, every file it
    has. A file held with the new digest stays; every other is removed, and a file that
    differs is written anew, or hard-linked to the published copy (its payload None).
    Files are replaced, never written into: they may share their inode with the
    published site. Raises OSError."""
    root = f"{folder}/"
    for path in sorted(set(present) - files.keys()):
        os.unlink(root + path)
        parent = path.rpartition("/")[0]
        while parent and not os.listdir(root + parent):
            os.rmdir(root + parent)
            parent = parent.rpartition("/")[0]
    made = {""}  # folders known to exist
    stamps: dict[str, Stamp] = {}
    for path, new in files.items():
        target = root + path
        held = holds.get(path)
        if held is not None and held[0] == new.digest:
            stamps[path] = held[1]
            continue
        if path in present:
            os.unlink(target)
        elif (parent := path.rpartition("/")[0]) not in made:
            os.makedirs(root + parent, exist_ok=True)
            made.add(parent)
        if new.payload is None:
            os.link(f"{published}/{path}", target)
            info = os.stat(target)
        else:
            info = write_new_file(target, new.payload)
        stamps[path] = (info.st_ino, info.st_size, info.st_mtime_ns)
    return stamps


def spare_folder(out_dir: Path) -> Path:
    """Where the site before the published one is kept, to be brought up to date and
    exchanged with it by the next incremental build."""
    out = out_dir.resolve()
    return out.with_name(f".{out.name}.spare")


def published_stamps(out_dir: Path) -> dict[str, Stamp]:
    """Every file in the published folder, by output path, with its stamp."""
    stamps: dict[str, Stamp] = {}
    root = len(str(out_dir)) + 1

    def walk(folder: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path)
                else:
                    info = entry.stat(follow_symlinks=False)
                    stamps[entry.path[root:]] = (info.st_ino, info.st_size, info.st_mtime_ns)

    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        walk(str(out_dir))
    return stamps


def swap_in(folder: Path, out_dir: Path) -> bool:
    """Put `folder` at `out_dir` atomically; True if the old site is now at `folder`'s
    path (False: there was none, or it has been removed)."""
    out_dir = out_dir.resolve()
    try:
        if not out_dir.exists():
            os.rename(folder, out_dir)
            return False
        if _exchange(folder, out_dir):
            return True
        # named as a scratch folder: one a killed build leaves is removed as a leftover
        old = folder.with_name(scratch_prefix(out_dir, "old") + "swap")
        os.rename(out_dir, old)
        os.rename(folder, out_dir)
        os.rename(old, folder)
        return True
    except OSError as exc:
        raise WriteError(f"cannot replace {out_dir}: {exc.strerror or exc}") from exc


def publish(staging: Path, out_dir: Path) -> None:
    """Put the staged folder at `out_dir` atomically and remove the old site."""
    try:
        swap_in(staging, out_dir)
    finally:
        discard(staging)


def discard(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(path)


def discard_leftovers(out_dir: Path) -> None:
    """Remove the staging, old-site and search folders that a killed build left behind."""
    parent = out_dir.resolve().parent
    for kind in SCRATCH_KINDS:
        for leftover in parent.glob(scratch_prefix(out_dir, kind) + "*"):
            discard(leftover)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with Linux renameat2(RENAME_EXCHANGE).

    Two plain renames leave a moment with no site at all; the exchange does not.
    Returns False where the system call is not available.
    """
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), str(b))


@functools.cache
def _renameat2() -> Any:
    """libc's renameat2, or None; looked up in this process's own symbols (finding libc
    by name runs `ldconfig`)."""
    return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
