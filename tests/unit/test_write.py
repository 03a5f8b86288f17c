from pathlib import Path

from duet.publish.write import (
    NewFile,
    discard_leftovers,
    publish,
    published_stamps,
    stage_site,
    swap_in,
    update_folder,
)


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def written(files: dict[str, bytes]) -> dict[str, NewFile]:
    return {path: NewFile(path, payload) for path, payload in files.items()}


def put(out: Path, files: dict[str, NewFile]) -> dict[str, tuple[int, int, int]]:
    staging, stamps = stage_site(out, files)
    publish(staging, out)
    return stamps


def test_publish_replaces_the_site_and_drops_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    put(out, written({"a.html": b"1", "old.html": b"x"}))
    put(out, written({"a.html": b"2", "d/e/b.html": b"3"}))
    assert files_in(out) == {"a.html": b"2", "d/e/b.html": b"3"}
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_the_first_site_is_staged_beside_a_folder_not_there_yet(tmp_path: Path) -> None:
    out = tmp_path / "new" / "_site"
    put(out, written({"index.html": b"1"}))
    assert list(files_in(tmp_path)) == ["new/_site/index.html"]


def test_a_file_kept_is_linked_from_the_published_site_and_stamped(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    first = put(out, written({"kept.css": b"k", "a.html": b"1"}))
    second = put(out, {"kept.css": NewFile("k", None), "a.html": NewFile("2", b"2")})
    assert files_in(out) == {"kept.css": b"k", "a.html": b"2"}
    assert second["kept.css"] == first["kept.css"]  # the same file: nothing was copied
    assert second == published_stamps(out)
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]  # the old site is gone


def test_a_hand_edit_changes_the_published_stamp(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    stamps = put(out, written({"a.html": b"1", "b/c.html": b"2"}))
    with (out / "b/c.html").open("ab") as handle:
        handle.write(b"by hand")
    (out / "extra.html").write_bytes(b"added by hand")
    found = published_stamps(out)
    assert found["a.html"] == stamps["a.html"]
    assert found["b/c.html"] != stamps["b/c.html"] and "extra.html" in found


def test_a_swap_keeps_the_old_site_beside(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    put(out, written({"a.html": b"old"}))
    staging, _ = stage_site(out, written({"a.html": b"new"}))
    assert swap_in(staging, out)
    assert files_in(out) == {"a.html": b"new"} and files_in(staging) == {"a.html": b"old"}


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    (tmp_path / "._site.staging-abc").mkdir()
    (tmp_path / "._site.old-abc").mkdir()
    (tmp_path / "other").mkdir()
    discard_leftovers(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other"]


def test_a_folder_is_brought_up_to_date_writing_only_what_differs(tmp_path: Path) -> None:
    published = tmp_path / "_site"
    put(published, written({"same.html": b"s", "x/kept.css": b"k"}))
    spare, stamps = stage_site(published, written({
        "same.html": b"s", "gone/deep/old.html": b"o", "x/kept.css": b"k0", "y/f.js": b"1",
        "doubtful.html": b"d"}))
    holds = {path: (new_digest, stamps[path]) for path, new_digest in
             [("same.html", "same.html"), ("gone/deep/old.html", "o"), ("x/kept.css", "k0")]}
    present = published_stamps(spare)
    untouched = (spare / "same.html").stat().st_ino
    new = update_folder(spare, {
        "same.html": NewFile("same.html", b"s"),
        "x/kept.css": NewFile("k", None),  # the published copy, linked
        "y/g.js": NewFile("2", b"2"),  # a folder emptied and filled again
        "gone/new.html": NewFile("n", b"n"),
        "doubtful.html": NewFile("doubtful.html", b"d"),  # present, not held: written again
    }, holds, present, published)
    assert files_in(spare) == {"same.html": b"s", "x/kept.css": b"k", "y/g.js": b"2",
                               "gone/new.html": b"n", "doubtful.html": b"d"}
    assert not (spare / "gone" / "deep").exists()
    assert (spare / "same.html").stat().st_ino == untouched
    assert (spare / "x/kept.css").stat().st_ino == (published / "x/kept.css").stat().st_ino
    assert new == published_stamps(spare)
    assert new["doubtful.html"] != present["doubtful.html"]
