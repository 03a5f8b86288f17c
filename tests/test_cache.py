"""Input snapshots: a full scan, and the dev server's rescan of just the files a
watcher reported, which must agree with a full scan or admit it cannot tell.
The memo, written in a background process, reads back whole."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from duet.cache import CacheFolder, Manifest, Memo, Snapshot, rescan, scan

SKIPS = (True, False)


def folders(root: Path) -> list[Path]:
    return [root / "content", root / "templates"]


def full_scan(root: Path) -> Snapshot:
    return scan(folders(root), {}, 0, SKIPS)[0]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "content" / "data").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "content" / "index.en.md").write_text("one")
    (tmp_path / "content" / "data" / "figures.yaml").write_text("[]")
    (tmp_path / "templates" / "base.html").write_text("<html>")
    return tmp_path


def watched(path: Path) -> str:
    """A path as a watcher reports it: absolute and resolved."""
    return str(path.resolve())


def test_a_changed_file_is_stamped_again(root: Path) -> None:
    before = full_scan(root)
    (root / "content" / "index.en.md").write_text("two, longer")
    after = rescan(before, [watched(root / "content" / "index.en.md")], folders(root), SKIPS)
    assert after == full_scan(root) != before


def test_a_new_file_in_a_known_folder_and_a_deleted_file(root: Path) -> None:
    before = full_scan(root)
    (root / "content" / "about.en.md").write_text("new")
    (root / "content" / "data" / "figures.yaml").unlink()
    changed = [watched(root / "content" / "about.en.md"),
               watched(root / "content" / "data" / "figures.yaml")]
    assert rescan(before, changed, folders(root), SKIPS) == full_scan(root)


def test_files_a_scan_skips_are_skipped(root: Path) -> None:
    before = full_scan(root)
    (root / "content" / ".index.en.md.swp").write_text("editor state")
    changed = [watched(root / "content" / ".index.en.md.swp")]
    assert rescan(before, changed, folders(root), SKIPS) == before == full_scan(root)


@pytest.mark.parametrize("case", ["new folder", "deleted folder", "outside", "a folder"])
def test_what_only_a_full_scan_can_tell(root: Path, case: str) -> None:
    before = full_scan(root)
    if case == "new folder":
        (root / "content" / "highlands").mkdir()
        (root / "content" / "highlands" / "talent.en.md").write_text("x")
        changed = [watched(root / "content" / "highlands" / "talent.en.md")]
    elif case == "deleted folder":
        (root / "content" / "data" / "figures.yaml").unlink()
        (root / "content" / "data").rmdir()
        changed = [watched(root / "content" / "data")]
    elif case == "outside":
        changed = [watched(root / "elsewhere.txt")]
    else:
        (root / "content" / "new").mkdir()
        changed = [watched(root / "content" / "new")]
    assert rescan(before, changed, folders(root), SKIPS) is None


def test_random_edits_agree_with_a_full_scan(root: Path) -> None:
    rng = random.Random(20261129)
    names = [root / "content" / f"page-{n}.en.md" for n in range(6)]
    names += [root / "content" / "data" / "places.yaml", root / "templates" / "page.html"]
    current = full_scan(root)
    for step in range(60):
        changed = []
        for path in rng.sample(names, rng.randint(1, 3)):
            if path.exists() and rng.random() < 0.3:
                path.unlink()
            else:
                path.write_text(f"step {step} " * rng.randint(1, 4))
            changed.append(watched(path))
        rescanned = rescan(current, changed, folders(root), SKIPS)
        current = full_scan(root)
        assert rescanned == current, f"step {step}"


def test_the_folders_given_keep_their_spelling(root: Path) -> None:
    here = os.getcwd()
    os.chdir(root)
    try:
        relative = [Path("content"), Path("templates")]
        before = scan(relative, {}, 0, SKIPS)[0]
        (root / "templates" / "base.html").write_text("<html lang>")
        after = rescan(before, [watched(root / "templates" / "base.html")], relative, SKIPS)
        assert after == scan(relative, {}, 0, SKIPS)[0]
        assert "templates/base.html" in (after or {})
    finally:
        os.chdir(here)


def a_cache(root: Path) -> CacheFolder:
    (root / "site").mkdir(exist_ok=True)  # the cache of a vanished output folder is dropped
    return CacheFolder(root / "cache", root / "site", "key")


def a_memo(entries: int) -> Memo:
    return Memo(pages={("page", n): f"page {n}" for n in range(entries)},
                compiled={("body", n): f"<p>{n}</p>" for n in range(entries)},
                links={f"hash-{n}": ({f"id-{n}"}, [], "") for n in range(entries)})


def test_a_memo_written_in_the_background_reads_back_whole(tmp_path: Path) -> None:
    folder = a_cache(tmp_path)
    memo = a_memo(300)
    folder.write_memo_in_background(memo)
    memo.links["late"] = ({"found-by-the-link-check"}, [], "")  # after the writer started
    folder.write(Manifest(), memo)
    assert a_cache(tmp_path).read_memo() == memo


def test_a_background_writer_that_fails_is_made_up_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent, real_write = os.getpid(), CacheFolder._write

    def full_disk_in_the_child(self: CacheFolder, name: str, value: object) -> None:
        if os.getpid() != parent:
            raise OSError(28, "No space left on device")
        real_write(self, name, value)

    monkeypatch.setattr(CacheFolder, "_write", full_disk_in_the_child)
    folder = a_cache(tmp_path)
    memo = a_memo(50)
    folder.write_memo_in_background(memo)
    assert folder.wait_for_writer() is None  # failed: nothing counts as stored
    folder.write(Manifest(), memo)
    assert a_cache(tmp_path).read_memo() == memo


def test_an_edit_rewrites_only_the_shards_whose_keys_changed(tmp_path: Path) -> None:
    a_cache(tmp_path).write(Manifest(), a_memo(500))
    folder = a_cache(tmp_path)
    memo = folder.read_memo()
    assert memo is not None and folder._changed_shards(memo) == []
    memo.compiled[("body", "new")] = "<p>new</p>"  # a page compiled again
    del memo.compiled[("body", 7)]  # and its old body pruned
    del memo.links["hash-8"]
    changed = folder._changed_shards(memo)
    assert 1 <= len(changed) <= 3
    folder.write(Manifest(), memo)
    assert a_cache(tmp_path).read_memo() == memo
