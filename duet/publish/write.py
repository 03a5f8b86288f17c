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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class NewFile:
    """A file of the new site: its digest, and its bytes, or None where they are those of
    the file of the same name in the published site."""

    digest: str
    payload: bytes | None


def stage_site(out_dir: Path, files: Mapping[str, bytes]) -> Path:
    """A new folder beside `out_dir` holding `files` (output path → bytes)."""
    staging = new_staging_folder(out_dir)
    try:
        folders = Folders(f"{staging}/")
        for path, payload in files.items():
            folders.make_for(path)
            write_new_file(f"{staging}/{path}", payload)
    except OSError:
        discard(staging)
        raise
    return staging


def update_folder(folder: Path, holds: Mapping[str, str], files: Mapping[str, NewFile],
                  published: Path) -> None:
    """Make `folder`, which holds `holds` (output path → digest), hold `files`: a file that
    differs is written anew (its bytes, or a hard link to the published copy), a file
    that goes is removed, with the folders it leaves empty. Raises OSError.

    Files are replaced, never written into: they may be hard links shared with the
    published site."""
    root = f"{folder}/"
    for path in sorted(holds.keys() - files.keys()):
        os.unlink(root + path)
        parent = path.rpartition("/")[0]
        while parent and not os.listdir(root + parent):
            os.rmdir(root + parent)
            parent = parent.rpartition("/")[0]
    made = {""}  # folders known to exist
    for path, new in files.items():
        if holds.get(path) == new.digest:
            continue
        if path in holds:
            os.unlink(root + path)
        elif (parent := folder_of(path)) not in made:
            os.makedirs(root + parent, exist_ok=True)
            made.add(parent)
        if new.payload is None:
            os.link(f"{published}/{path}", root + path)
        else:
            write_new_file(root + path, new.payload)


def folder_of(path: str) -> str:
    return path.rpartition("/")[0]


def identity(folder: Path) -> str | None:
    """Which folder this is on disk (device and inode), or None if there is none: a
    rename or an exchange moves the name, not the identity."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return None
    return f"{info.st_dev}:{info.st_ino}"


def spare_folder(out_dir: Path) -> Path:
    """Where the site before the published one is kept, to be brought up to date and
    exchanged with it by the next build."""
    out = out_dir.resolve()
    return out.with_name(f".{out.name}.spare")


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
