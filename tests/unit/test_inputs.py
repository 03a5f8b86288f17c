"""The inputs of a build: a rescan of the files a watcher saw change equals a full scan."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from conftest import MINI, ROOT

from duet.build import BuildOptions
from duet.incremental.inputs import rescan_inputs, scan_inputs


def options(root: Path) -> BuildOptions:
    return BuildOptions(root / "content", root / "site", root / "templates", root / "static",
                        root / "locales")


def test_random_changes_rescanned_equal_a_full_scan(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "content")
    for name in ("templates", "static", "locales"):
        shutil.copytree(ROOT / name, tmp_path / name)
    rng = random.Random(7)
    last = scan_inputs(options(tmp_path))
    for step in range(40):
        files = sorted(path for path in tmp_path.rglob("*") if path.is_file())
        target = rng.choice(files)
        action = rng.randrange(4)
        if action == 0:
            target.write_text(target.read_text(encoding="utf-8") + f"\n{step}\n",
                              encoding="utf-8")
        elif action == 1:
            target.unlink()
        elif action == 2:
            target = target.with_name(f"new-{step}.en.md")
            target.write_text("---\ntitle: New\n---\nText.\n", encoding="utf-8")
        else:
            target = target.parent / f".{target.name}.swp"  # an editor's scratch file
            target.write_text("x", encoding="utf-8")
        last = rescan_inputs(options(tmp_path), last, {str(target.resolve())})
        full = scan_inputs(options(tmp_path))
        assert (last.digests, last.pages) == (full.digests, full.pages), step


def test_a_new_folder_means_a_full_scan(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "content")
    for name in ("templates", "static", "locales"):
        shutil.copytree(ROOT / name, tmp_path / name)
    last = scan_inputs(options(tmp_path))
    (tmp_path / "content" / "more").mkdir()
    (tmp_path / "content" / "more" / "a.en.md").write_text("---\ntitle: A\n---\n")
    rescanned = rescan_inputs(options(tmp_path), last,
                              {str((tmp_path / "content" / "more").resolve())})
    assert rescanned.digests == scan_inputs(options(tmp_path)).digests
