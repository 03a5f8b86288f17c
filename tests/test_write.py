from pathlib import Path

import pytest

from duet.write import WriteError, discard_leftovers, publish, stage_output


def test_publish_replaces_the_site_and_drops_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    publish(stage_output(out, {"a.html": b"1", "old.html": b"x"}, None), out)
    publish(stage_output(out, {"a.html": b"2", "d/b.html": b"3"}, None), out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "a.html", "d/b.html"]
    assert (out / "a.html").read_bytes() == b"2"
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_static_files_are_copied(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "site.css").write_text("body{}")
    out = tmp_path / "_site"
    publish(stage_output(out, {}, static), out)
    assert (out / "static" / "site.css").read_text() == "body{}"


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    (tmp_path / "._site.staging-abc").mkdir()
    discard_leftovers(out)
    assert not list(tmp_path.iterdir())


def test_unwritable_parent_raises_write_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(WriteError):
        stage_output(blocker / "_site", {"a.html": b"1"}, None)
