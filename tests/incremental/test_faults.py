"""A build killed at any moment leaves the previous site complete and unchanged, or,
when the kill comes after the atomic swap (while the build stores its cache), the
new site complete: never a mix of the two.

The read-only and full-disk output folders are cases of tests/site/test_bad_input.py
(`read-only-output`, `full-disk`, and test_full_disk_in_process)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINI, ROOT, snapshot

pytestmark = pytest.mark.slow  # builds killed at random moments, in a loop

PAGES = 120
KILLS = 6
SEED = 20250110


def write_large_site(content: Path, words: str) -> None:
    """The mini site plus PAGES pages in each language, so a build lasts a while."""
    shutil.copytree(MINI, content, dirs_exist_ok=True)
    paragraph_en = f"Optics Valley {words} grows and the plan sets measures for it. " * 12
    paragraph_zh = f"光谷{words}发展，规划为此提出若干措施。" * 12
    for number in range(PAGES):
        for lang, title, paragraph in (("en", f"Note {number}", paragraph_en),
                                       ("zh", f"笔记 {number}", paragraph_zh)):
            sections = "\n\n".join(f"## {title} {part} {{#part-{part}}}\n\n{paragraph}"
                                   for part in range(4))
            (content / "topics" / f"note-{number}.{lang}.md").write_text(
                f"---\ntitle: {title}\nweight: {number}\n---\n{sections}\n"
                f"\nBack to [topics](@/topics#overview).\n", encoding="utf-8")


def command(content: Path, out: Path) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out",
            str(out), "--templates", str(ROOT / "templates"), "--static", str(ROOT / "static"),
            "--locales", str(ROOT / "locales"), "--hooks", str(ROOT / "explainer"), "--strict",
            "--quiet"]


def build_fully(content: Path, out: Path, cwd: Path) -> float:
    """Build to the end; returns how long it took (to choose moments to kill at)."""
    started = time.monotonic()
    result = subprocess.run(command(content, out), cwd=cwd, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def build_and_kill(content: Path, out: Path, cwd: Path, after: float) -> bool:
    """Start a build in its own process group and SIGKILL the whole group `after` s in.

    False when the build finished first (a busy machine can be that slow to kill)."""
    process = subprocess.Popen(command(content, out), cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=after)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return True
    assert process.returncode == 0, stderr
    return False


def pages(files: dict[str, bytes]) -> set[str]:
    """The paths of a site, leaving out the search bundle (named by content hashes)."""
    return {path for path in files if not path.startswith("pagefind/")}


def marker(path: str, words: str) -> bytes:
    """Text that only the pages written from `words` contain (see write_large_site)."""
    return (f"{words}发展" if path.startswith("zh/") else f"{words} grows").encode()


def leftovers(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir()
                  if path.name.startswith((f".{out.name}.staging-", f".{out.name}.old-")))


def wait_for_no_leftovers(out: Path, patience: float = 60.0) -> list[str]:
    """The old site is removed by a detached process on large sites: give it time."""
    deadline = time.monotonic() + patience
    while leftovers(out) and time.monotonic() < deadline:
        time.sleep(0.2)
    return leftovers(out)


def test_killed_builds_leave_the_previous_site(tmp_path: Path) -> None:
    content, out, work = tmp_path / "content", tmp_path / "out" / "site", tmp_path / "work"
    work.mkdir()
    write_large_site(content, "first")
    duration = build_fully(content, out, work)
    before = snapshot(out)
    assert sum(path.endswith(".html") for path in before) > 2 * PAGES

    moments = random.Random(SEED)
    kills = 0
    for round_number in range(KILLS):
        words = f"round {round_number}"
        write_large_site(content, words)  # every page changes
        if build_and_kill(content, out, work, moments.uniform(0.05, duration * 0.8)):
            kills += 1
            now = snapshot(out)
            if now != before:  # killed after the swap, while it stored its cache
                assert pages(now) == pages(before)
                assert all(marker(path, words) in body for path, body in now.items()
                           if "/topics/note-" in path and "/parallel/" not in path), \
                    "a killed build left a mix of the old site and the new one"
                before = now
        else:
            finished = snapshot(out)
            assert pages(finished) == pages(before) and finished != before
            before = finished
    assert kills, "every build finished before it could be killed"

    build_fully(content, out, work)
    after = snapshot(out)
    assert after != before and pages(after) == pages(before)
    assert not wait_for_no_leftovers(out), "staging or old folders left behind"
    fresh_out, fresh_work = tmp_path / "fresh" / "site", tmp_path / "fresh-work"
    fresh_work.mkdir()
    build_fully(content, fresh_out, fresh_work)
    assert snapshot(fresh_out) == after, "the build after the kills differs from a fresh one"
