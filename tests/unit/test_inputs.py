"""The inputs of a build: a rescan of the files a watcher saw change equals a full scan,
and a scan trusts a file's stat only as far as it can."""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest
from conftest import MINI, ROOT

from duet.build import BuildOptions
from duet.incremental import inputs
from duet.incremental.inputs import rescan_inputs, scan_inputs


def options(root: Path) -> BuildOptions:
    return BuildOptions(root / "content", root / "site", root / "templates", root / "static",
                        root / "locales")


def test_random_changes_rescanned_equal_a_full_scan(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "content")
    for name in ("templates", "static", "locales"):
        # text files only (`duet locales` leaves compiled catalogs, *.mo, beside the .po)
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
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
        assert last.digests == full.digests, step
        assert last.page_bytes.keys() == full.page_bytes.keys(), step


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


SETTLED_NS = 50_000_000
"""A shorter wait than the engine's, still longer than a tick of the file system's clock."""


def settled_project(root: Path, monkeypatch: pytest.MonkeyPatch) -> BuildOptions:
    """A project whose files have settled by the time it is scanned."""
    monkeypatch.setattr(inputs, "SETTLED_NS", SETTLED_NS)
    shutil.copytree(MINI, root / "content")
    for name in ("templates", "static", "locales"):
        shutil.copytree(ROOT / name, root / name)
    time.sleep(2 * SETTLED_NS / 1e9)
    return options(root)


def test_a_settled_file_whose_stat_is_unchanged_is_not_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = scan_inputs(settled_project(tmp_path, monkeypatch))
    page = str(tmp_path / "content" / "about.en.md")
    assert first.stats.keys() == first.digests.keys()
    opened: list[str] = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: (
        opened.append(str(path)), real_open(path, *a, **k))[1])
    again = scan_inputs(options(tmp_path), first)
    assert opened == [] and again.digests == first.digests
    assert again.page(page) == Path(page).read_bytes() and opened == [page]  # when asked


def test_a_changed_file_is_read_again_even_with_its_size_and_time_restored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = scan_inputs(settled_project(tmp_path, monkeypatch))
    page = tmp_path / "content" / "about.en.md"
    before = page.stat()
    page.write_bytes(page.read_bytes().replace(b"About the", b"Above the"))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` would leave it
    again = scan_inputs(options(tmp_path), first)
    assert again.digests[str(page)] != first.digests[str(page)]
    full = scan_inputs(options(tmp_path))
    assert again.digests == full.digests and again.page(str(page)) == full.page(str(page))


def test_a_file_read_just_after_it_changed_is_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = scan_inputs(settled_project(tmp_path, monkeypatch))
    page = tmp_path / "content" / "about.en.md"
    page.write_bytes(page.read_bytes() + b"\n")
    again = scan_inputs(options(tmp_path), first)
    assert str(page) not in again.stats  # a change in the same tick would leave its stat
    assert again.stats.keys() == first.stats.keys() - {str(page)}


def test_a_page_changed_after_the_scan_is_found_changed_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = scan_inputs(settled_project(tmp_path, monkeypatch))
    page = tmp_path / "content" / "about.en.md"
    again = scan_inputs(options(tmp_path), first)  # the page's bytes not read yet
    page.write_text("---\ntitle: Changed\n---\n", encoding="utf-8")
    assert again.page(str(page)) == page.read_bytes()  # the build uses what is there now
    after = scan_inputs(options(tmp_path), again)  # and the next scan sees the change
    assert after.digests[str(page)] != again.digests[str(page)]
