from pathlib import Path

from duet.write import (
    Folders,
    discard_leftovers,
    link_files,
    new_staging_folder,
    publish,
    write_new_file,
)


def staged(out: Path, files: dict[str, bytes]) -> Path:
    """A staging folder holding `files`, written as a build writes them."""
    staging = new_staging_folder(out)
    folders = Folders(f"{staging}/")
    for path, payload in files.items():
        folders.make_for(path)
        write_new_file(f"{staging}/{path}", payload)
    return staging


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_publish_replaces_the_site_and_drops_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    publish(staged(out, {"a.html": b"1", "old.html": b"x"}), out)
    publish(staged(out, {"a.html": b"2", "d/e/b.html": b"3"}), out)
    assert files_in(out) == ["a.html", "d/e/b.html"]
    assert (out / "a.html").read_bytes() == b"2"
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_the_first_site_is_staged_beside_a_folder_not_there_yet(tmp_path: Path) -> None:
    out = tmp_path / "new" / "_site"
    publish(staged(out, {"index.html": b"1"}), out)
    assert files_in(tmp_path) == ["new/_site/index.html"]


def test_published_files_are_linked_and_the_missing_reported(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    publish(staged(out, {"a/b/c.html": b"1", "d.html": b"2"}), out)
    staging = new_staging_folder(out)
    missing = link_files(f"{out}/", f"{staging}/", ["a/b/c.html", "gone/x.html", "d.html"])
    assert missing == ["gone/x.html"]
    assert (staging / "a/b/c.html").stat().st_ino == (out / "a/b/c.html").stat().st_ino
    assert files_in(staging) == ["a/b/c.html", "d.html"]


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    (tmp_path / "._site.staging-abc").mkdir()
    (tmp_path / "._site.old-abc").mkdir()
    (tmp_path / "other").mkdir()
    discard_leftovers(out)
    assert [p.name for p in tmp_path.iterdir()] == ["other"]
