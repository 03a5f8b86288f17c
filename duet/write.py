"""Stage 4, write: stage the whole site in a folder beside the output, then
swap it in with one atomic rename, so a failed or killed build never leaves
a half-written site and stale files vanish."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

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


def link_files(source: str, target: str, paths: list[str]) -> list[str]:
    """Hard-link each of `paths` from the folder `source` into `target` (both ending in
    '/'), making folders as needed; the paths that were not there."""
    folders = Folders(target)
    missing = []
    for path in paths:
        folders.make_for(path)
        try:
            os.link(source + path, target + path)
        except FileNotFoundError:
            missing.append(path)
    return missing


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


def publish(staging: Path, out_dir: Path,
            remove_old: Callable[[Path], None] | None = None) -> None:
    """Put the staged folder at `out_dir` atomically and remove the old site
    (with `remove_old`, if given)."""
    remove_old = remove_old or discard
    out_dir = out_dir.resolve()
    try:
        if out_dir.exists():
            if _exchange(staging, out_dir):
                remove_old(staging)  # now holds the old site
                return
            old = staging.with_name(staging.name.replace("staging", "old"))
            os.rename(out_dir, old)
            os.rename(staging, out_dir)
            remove_old(old)
        else:
            os.rename(staging, out_dir)
    except OSError as exc:
        discard(staging)
        raise WriteError(f"cannot replace {out_dir}: {exc.strerror or exc}") from exc


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
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), str(b))
