from pathlib import Path

from duet.publish.write import (
    NewFile,
    discard_leftovers,
    identity,
    publish,
    stage_site,
    swap_in,
    update_folder,
)


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_replaces_the_site_and_drops_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    publish(stage_site(out, {"a.html": b"1", "old.html": b"x"}), out)
    publish(stage_site(out, {"a.html": b"2", "d/e/b.html": b"3"}), out)
    assert files_in(out) == {"a.html": b"2", "d/e/b.html": b"3"}
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_the_first_site_is_staged_beside_a_folder_not_there_yet(tmp_path: Path) -> None:
    out = tmp_path / "new" / "_site"
    publish(stage_site(out, {"index.html": b"1"}), out)
    assert list(files_in(tmp_path)) == ["new/_site/index.html"]


def test_a_swap_keeps_the_old_site_and_both_folders_keep_their_identity(
        tmp_path: Path) -> None:
    out = tmp_path / "_site"
    publish(stage_site(out, {"a.html": b"old"}), out)
    staging = stage_site(out, {"a.html": b"new"})
    old_id, new_id = identity(out), identity(staging)
    assert swap_in(staging, out)
    assert files_in(out) == {"a.html": b"new"} and files_in(staging) == {"a.html": b"old"}
    assert (identity(out), identity(staging)) == (new_id, old_id)


def test_a_folder_is_brought_up_to_date_writing_only_what_differs(tmp_path: Path) -> None:
    published = tmp_path / "_site"
    publish(stage_site(published, {"same.html": b"s", "x/kept.css": b"k"}), published)
    spare = stage_site(published, {"same.html": b"s", "gone/deep/old.html": b"o",
                                   "x/kept.css": b"k0", "y/f.js": b"1"})
    holds = {"same.html": "s", "gone/deep/old.html": "o", "x/kept.css": "k0", "y/f.js": "1"}
    untouched = (spare / "same.html").stat().st_ino
    update_folder(spare, holds, {
        "same.html": NewFile("s", b"s"),
        "x/kept.css": NewFile("k", None),  # the published copy, linked
        "y/g.js": NewFile("2", b"2"),  # a folder emptied and filled again
        "gone/new.html": NewFile("n", b"n"),
    }, published)
    assert files_in(spare) == {"same.html": b"s", "x/kept.css": b"k", "y/g.js": b"2",
                               "gone/new.html": b"n"}
    assert not (spare / "gone" / "deep").exists()
    assert (spare / "same.html").stat().st_ino == untouched
    assert (spare / "x/kept.css").stat().st_ino == (published / "x/kept.css").stat().st_ino


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    (tmp_path / "._site.staging-abc").mkdir()
    (tmp_path / "._site.old-abc").mkdir()
    (tmp_path / "._site.spare").mkdir()
    (tmp_path / "other").mkdir()
    discard_leftovers(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["._site.spare", "other"]
