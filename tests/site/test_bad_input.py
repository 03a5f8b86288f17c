"""Broken content, one case per folder in tests/fixtures/broken/.

Each case holds only the files that differ from the mini fixture plus an
`expect.yaml`:

    exit: 1                      # what the build must exit with
    remove: [about.en.md]        # optional: mini files the case deletes
    diagnostics:                 # each must be printed as path:line:col: message
      - {path: about.en.md, line: 2, col: 8, message: "unknown key"}

Cases that cannot be plain files (bytes that are not UTF-8, a symbolic link,
a huge file, an output folder that is read-only or full) get their setup
from CONTENT_SETUPS or OUTPUT_PLACES below, by case name. Every case builds
the valid site first and asserts the failed build left it byte for byte as
it was, printed no traceback and wrote every problem as `path:line:col: message`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from conftest import MINI, ROOT, build, snapshot

pytestmark = pytest.mark.slow  # every broken fixture is built by build.py in its own process

BROKEN = ROOT / "tests" / "fixtures" / "broken"
CASES = sorted(path.name for path in BROKEN.iterdir() if (path / "expect.yaml").is_file())
DIAGNOSTIC_LINE = re.compile(r"^(?P<path>\S[^:]*):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")
SUMMARY_LINE = re.compile(r"^build failed")


def run_build(content: Path, out: Path, cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The command line an editor runs, in a fresh process with its own cache."""
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out",
               str(out), "--templates", str(ROOT / "templates"), "--static",
               str(ROOT / "static"), "--hooks", str(ROOT / "explainer"), "--strict", *extra]
    if "--locales" not in extra:
        command += ["--locales", str(ROOT / "locales")]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


# Setups for cases whose input cannot be a checked-in file.

def _not_utf8(content: Path, tmp_path: Path) -> list[str]:
    (content / "about.en.md").write_bytes(b"---\ntitle: Caf\xe9 au lait\n---\nAbout.\n")
    return []


def _bom_and_crlf(content: Path, tmp_path: Path) -> list[str]:
    """Windows editors save with a byte-order mark and CRLF: the site must not change."""
    for relative in ("site.yaml", "about.en.md", "about.zh.md", "data/figures.yaml",
                     "data/glossary.yaml"):
        path = content / relative
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    return []


def _very_large_file(content: Path, tmp_path: Path) -> list[str]:
    body = ("A paragraph of the about page that goes on and on. " * 20 + "\n\n") * 3500
    (content / "about.en.md").write_text("---\ntitle: About\n---\n" + body, encoding="utf-8")
    return []


def _symlink_out(content: Path, tmp_path: Path) -> list[str]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.en.md").write_text("---\ntitle: Secret\n---\nSecret.\n")
    (outside / "secret.zh.md").write_text("---\ntitle: 秘密\n---\n秘密。\n")
    (content / "secret.en.md").symlink_to(outside / "secret.en.md")
    (content / "secret.zh.md").symlink_to(outside / "secret.zh.md")
    (content / "elsewhere").symlink_to(outside, target_is_directory=True)
    return []


def _catalog_gap(content: Path, tmp_path: Path) -> list[str]:
    """The zh catalog loses the translation of one UI string."""
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    catalog = locales / "zh" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text(encoding="utf-8")
    emptied, count = re.subn(r'(msgid "Breadcrumb"\nmsgstr )"[^"\n]*"', r'\1""', text)
    assert count == 1, "the zh catalog no longer has a 'Breadcrumb' entry to empty"
    catalog.write_text(emptied, encoding="utf-8")
    return ["--locales", str(locales)]


CONTENT_SETUPS: dict[str, Callable[[Path, Path], list[str]]] = {
    "not-utf8": _not_utf8,
    "bom-crlf": _bom_and_crlf,
    "very-large-file": _very_large_file,
    "symlink-out": _symlink_out,
    "missing-translation-catalog": _catalog_gap,
}


# Output folders with a problem of their own. Each yields (out, previous site built?).

OutputPlace = Callable[[Path, Path], contextlib.AbstractContextManager[tuple[Path, bool]]]


@contextlib.contextmanager
def _beside(tmp_path: Path, content: Path) -> Iterator[tuple[Path, bool]]:
    out = tmp_path / "site"
    build(content, out, cache_dir=None)
    yield out, True


@contextlib.contextmanager
def _inside_content(tmp_path: Path, content: Path) -> Iterator[tuple[Path, bool]]:
    yield content / "_site", False


@contextlib.contextmanager
def _tmpfs(tmp_path: Path, size: str) -> Iterator[Path]:
    """A small file system of our own; skips where this process may not mount one."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root; the ENOSPC path is also covered "
                    "in-process by test_full_disk_in_process")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                           str(mount_point)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


@contextlib.contextmanager
def _read_only(tmp_path: Path, content: Path) -> Iterator[tuple[Path, bool]]:
    """The output folder and its parent cannot be written to."""
    if os.geteuid() != 0:
        parent = tmp_path / "locked"
        parent.mkdir()
        out = parent / "site"
        build(content, out, cache_dir=None)
        for folder in (parent, *[p for p in out.rglob("*") if p.is_dir()], out):
            folder.chmod(0o555)
        try:
            yield out, True
        finally:
            for folder in (parent, out, *[p for p in out.rglob("*") if p.is_dir()]):
                folder.chmod(0o755)
        return
    with _tmpfs(tmp_path, "64m") as disk:
        out = disk / "site"
        build(content, out, cache_dir=None)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        yield out, True


@contextlib.contextmanager
def _full_disk(tmp_path: Path, content: Path) -> Iterator[tuple[Path, bool]]:
    """The output folder's disk has no byte left."""
    with _tmpfs(tmp_path, "16m") as disk:
        out = disk / "site"
        build(content, out, cache_dir=None)
        with (disk / "filler").open("wb") as filler, contextlib.suppress(OSError):
            while True:
                filler.write(b"\0" * 65536)
        yield out, True


OUTPUT_PLACES: dict[str, OutputPlace] = {
    "output-in-content": _inside_content,
    "read-only-output": _read_only,
    "full-disk": _full_disk,
}


def overlay(case: Path, content: Path, expect: dict) -> None:
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if relative.as_posix() == "expect.yaml" or source.is_dir():
            continue
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for relative in expect.get("remove", []):
        (content / relative).unlink()


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line and not SUMMARY_LINE.match(line)]


@pytest.mark.parametrize("name", CASES)
def test_broken_case(name: str, tmp_path: Path) -> None:
    case = BROKEN / name
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    place = OUTPUT_PLACES.get(name, _beside)
    with place(tmp_path, content) as (out, built):
        before = snapshot(out) if built else {}
        overlay(case, content, expect)
        extra = CONTENT_SETUPS[name](content, tmp_path) if name in CONTENT_SETUPS else []
        result = run_build(content, out, tmp_path, *extra)
        after = snapshot(out) if out.exists() else {}

    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == expect["exit"], result.stderr
    if expect["exit"] == 0:
        assert after == before, "a valid build of the same content changed the site"
        return
    assert after == before, "a failed build changed the previous site"
    assert built or not out.exists(), "a refused build created its output folder"
    assert not list(out.parent.glob(f".{out.name}.staging-*")), "staging left behind"
    lines = problem_lines(result.stderr)
    assert lines, "the build failed without saying why"
    for line in lines:
        assert DIAGNOSTIC_LINE.match(line) or expect.get("folder_message"), (
            f"not 'path:line:col: message': {line!r}")
    for wanted in expect["diagnostics"]:
        assert any(_matches(line, wanted) for line in lines), (
            f"expected {wanted} among:\n" + "\n".join(lines))


def _matches(line: str, wanted: dict) -> bool:
    # `unprivileged`: the message when not run as root (a read-only folder made so by
    # chmod, EACCES, rather than a disk remounted read-only, EROFS)
    expected = wanted.get("unprivileged", wanted["message"]) if os.geteuid() else wanted["message"]
    found = DIAGNOSTIC_LINE.match(line)
    if found is None:
        path, _, message = line.partition(": ")
        return ("line" not in wanted and path.endswith(wanted["path"])
                and expected in message)
    return (found["path"].endswith(wanted["path"])
            and ("line" not in wanted or int(found["line"]) == wanted["line"])
            and ("col" not in wanted or int(found["col"]) == wanted["col"])
            and expected in found["message"])


def test_there_are_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("failing", ["every write", "staging only"])
def test_full_disk_in_process(mini_content: Path, tmp_path: Path, failing: str,
                              monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    """ENOSPC simulated where a tmpfs cannot be mounted: every write of a file fails, or
    only the staged site's (the search index has started by then and must stop)."""
    from duet import cli
    from duet.publish import write

    out = tmp_path / "site"
    build(mini_content, out, cache_dir=None)
    before = snapshot(out)
    (mini_content / "about.en.md").write_text(
        "---\ntitle: About us\n---\n## Source {#source}\n\nNew words.\n")

    def no_space(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    def no_space_staged(path: str, payload: bytes) -> os.stat_result:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    if failing == "every write":
        monkeypatch.setattr(Path, "write_bytes", no_space)
    monkeypatch.setattr(write, "write_new_file", no_space_staged)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["--content", str(mini_content), "--out", str(out), "--strict",
                     "--templates", str(ROOT / "templates"), "--static", str(ROOT / "static"),
                     "--locales", str(ROOT / "locales"), "--hooks", str(ROOT / "explainer")],
                    project_root=tmp_path)
    monkeypatch.undo()
    stderr = capsys.readouterr().err
    assert code == 1
    assert "No space left on device" in stderr and "previous site is unchanged" in stderr
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".site.staging-*"))
    assert not list(tmp_path.glob(".site.search-*"))


@pytest.mark.parametrize("wrong, message", [
    ("content", "the content folder does not exist"),
    ("templates", "the templates folder does not exist"),
    ("static", "the static folder does not exist"),
    ("out", "the output folder is a file"),
])
def test_wrong_folders_are_reported(wrong: str, message: str, tmp_path: Path) -> None:
    folders = {"content": MINI, "templates": ROOT / "templates", "static": ROOT / "static",
               "out": tmp_path / "site"}
    folders[wrong] = tmp_path / "a-file"
    folders[wrong].write_text("not a folder\n")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--content", str(folders["content"]),
         "--out", str(folders["out"]), "--templates", str(folders["templates"]),
         "--static", str(folders["static"]), "--locales", str(ROOT / "locales"),
         "--hooks", str(ROOT / "explainer")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"a-file:1:1: {message}" in result.stderr
    assert (tmp_path / "a-file").read_text() == "not a folder\n"
