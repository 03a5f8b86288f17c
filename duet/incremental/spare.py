"""Publishing that costs what changed: the spare folder.

The folder the last swap put aside (the site before the published one) is
brought up to date with the new site and exchanged with the published one,
which becomes the next spare. What a folder holds is recorded under its
identity (device and inode, which a rename keeps), and the record is dropped
before the folder is touched, so a build killed at any moment leaves every
record true; a folder without one is written anew.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from duet.incremental.inputs import engine_version
from duet.incremental.store import Store
from duet.publish.write import (
    NewFile,
    discard,
    identity,
    new_staging_folder,
    spare_folder,
    swap_in,
    update_folder,
)

Stamp = tuple[int, int, int]
"""A file's inode, size and modification time."""


def folder_key(folder_id: str) -> str:
    return f"folder:{engine_version()}:{folder_id}"


def prepare_spare(store: Store, out_dir: Path, files: Mapping[str, NewFile]
                  ) -> tuple[Path, dict[str, Stamp]]:
    """The spare folder brought up to date with `files` (or, without a true record of
    it, a new folder holding them), and its files' stamps: those it kept from its
    record, the others read. Its record is dropped first. Raises OSError, having
    removed the folder."""
    spare = spare_folder(out_dir)
    spare_id = identity(spare)
    record = store.folder(folder_key(spare_id)) if spare_id else None
    if spare_id is not None:
        store.set_folder(folder_key(spare_id), None)
    holds, kept = record if record is not None else ({}, {})
    if record is None:
        discard(spare)
        target = new_staging_folder(out_dir)
    else:
        target = spare
    try:
        update_folder(target, holds, files, out_dir)
    except OSError:
        discard(target)  # unrecorded, so of no use; the space it takes is freed
        raise
    untouched = {path for path, new in files.items()
                 if holds.get(path) == new.digest and path in kept}
    written = stamps(target, [path for path in files if path not in untouched])
    return target, {path: kept[path] if path in untouched else written[path] for path in files}


def record_folder(store: Store, folder: Path, files: Mapping[str, NewFile],
                  folder_stamps: dict[str, Stamp]) -> str:
    """Record what `folder` holds, and its files' stamps; its identity."""
    folder_id = identity(folder) or ""
    store.set_folder(folder_key(folder_id), ({path: new.digest for path, new in files.items()},
                                             folder_stamps))
    return folder_id


def exchange(folder: Path, out_dir: Path) -> None:
    """Swap the prepared folder in; the old site becomes the spare."""
    spare = spare_folder(out_dir)
    if swap_in(folder, out_dir) and folder != spare:
        os.rename(folder, spare)


def stamps(folder: Path, paths: Iterable[str]) -> dict[str, Stamp]:
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
