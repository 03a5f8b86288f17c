"""The progress line: drawn on a terminal only, after a delay, at a limited rate, and
erased before the summary; nothing at all in a pipe or with --quiet."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI, ROOT

from duet.progress import Progress, active, shown

SUMMARY = re.compile(r"built \d+ pages \(\d+ zh, \d+ en\), \d+ files \(\d+ changed\), "
                     r"0 warning\(s\) in \d+\.\d\d s\n")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_drawn_in_the_first_second_nor_more_than_ten_times_a_second() -> None:
    clock, stream = Clock(), io.StringIO()
    progress = Progress(stream, enabled=True, delay=1.0, clock=clock)
    progress.stage("render", 100)
    progress.advance(10)
    assert stream.getvalue() == ""
    clock.now = 1.0
    progress.advance()
    assert stream.getvalue() == "\rbuilding: render 11/100  1.0 s\x1b[K"
    clock.now = 1.05
    progress.advance()
    assert stream.getvalue().count("\r") == 1
    clock.now = 1.2
    progress.stage("write")
    assert stream.getvalue().endswith("\rbuilding: write  1.2 s\x1b[K")
    progress.finish()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_a_disabled_progress_writes_nothing_but_keeps_the_timings() -> None:
    clock, stream = Clock(), io.StringIO()
    progress = Progress(stream, enabled=False, delay=0.0, clock=clock)
    progress.stage("load")
    clock.now = 2.0
    progress.stage("render", 5)
    progress.advance(5)
    clock.now = 2.5
    progress.finish()
    assert stream.getvalue() == ""
    assert progress.timings == [("load", 2.0), ("render", 0.5)]
    assert progress.table().splitlines() == ["  load      2.00 s", "  render    0.50 s",
                                             "  total     2.50 s"]


def test_a_short_build_that_never_drew_erases_nothing() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True, delay=1.0, clock=Clock())
    progress.stage("load")
    progress.finish()
    assert stream.getvalue() == ""


@pytest.mark.parametrize("enabled", [True, False])
def test_mapped_stages_give_the_same_results_and_count_every_item(enabled: bool) -> None:
    progress = Progress(io.StringIO(), enabled=enabled, delay=0.0)
    calls: list[int] = []

    def map_in_order(function, items):  # type: ignore[no-untyped-def]
        calls.append(len(items))
        return [function(item) for item in items]

    progress.stage("render")
    items = list(range(2500))
    assert progress.mapped(map_in_order)(lambda n: n * 2, items) == [n * 2 for n in items]
    assert progress.done == progress.total == 2500
    assert calls == ([1000, 1000, 500] if enabled else [2500])


def test_shown_makes_a_progress_active_for_the_build_only() -> None:
    before = active()
    assert not before.enabled
    progress = Progress(io.StringIO(), enabled=True)
    with shown(progress):
        assert active() is progress
    assert active() is before


def write_site(content: Path, pages: int) -> None:
    """The mini fixture plus `pages` pages in each language."""
    shutil.copytree(MINI, content)
    for number in range(pages):
        for lang, title in (("en", f"Note {number}"), ("zh", f"笔记 {number}")):
            (content / "topics" / f"note-{number}.{lang}.md").write_text(
                f"---\ntitle: {title}\nweight: {number}\n---\n## {title} {{#part}}\n\n"
                + f"{title}: the plan sets measures. " * 20 + "\n", encoding="utf-8")


def build_command(content: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out",
            str(out), "--strict", "--clean", *extra]


def run_on_terminal(command: list[str]) -> bytes:
    """What `command` writes to a terminal (a pseudo-terminal), progress lines included."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "DUET_PROGRESS_DELAY": "0", "COLUMNS": "100"}
    process = subprocess.Popen(command, stdin=terminal, stdout=terminal, stderr=terminal,
                               cwd=ROOT, env=env)
    os.close(terminal)
    output = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    assert process.wait(timeout=300) == 0, output
    return output.replace(b"\r\n", b"\n")


@pytest.mark.slow
def test_a_build_on_a_terminal_shows_progress_and_a_pipe_gets_the_summary_alone(
        tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_site(content, 300)
    shown_output = run_on_terminal(build_command(content, tmp_path / "out")).decode()
    lines = re.findall(r"\rbuilding: ([a-z ]+?)(?: (\d+)/(\d+))?  \d+\.\d s\x1b\[K",
                       shown_output)
    stages = [stage for stage, _, _ in lines]
    assert "render" in stages and "model" in stages
    assert any(done and int(done) > 0 for stage, done, _ in lines if stage == "render")
    # erased, then the summary line of today, alone on its line
    before, _, summary = shown_output.rpartition("\r\x1b[K")
    assert before and SUMMARY.fullmatch(summary)

    quiet = run_on_terminal(build_command(content, tmp_path / "out", "--quiet"))
    assert quiet == b""

    piped = subprocess.run(build_command(content, tmp_path / "out"), cwd=ROOT,
                           capture_output=True, env={**os.environ, "DUET_PROGRESS_DELAY": "0"},
                           timeout=300)
    assert piped.returncode == 0 and piped.stderr == b""
    assert SUMMARY.fullmatch(piped.stdout.decode())


@pytest.mark.slow
def test_verbose_adds_the_stage_table_after_the_summary(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_site(content, 2)
    result = subprocess.run(build_command(content, tmp_path / "out", "--verbose"), cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    summary, *table = result.stdout.splitlines(keepends=True)
    assert SUMMARY.fullmatch(summary)
    names = [line.split()[0] for line in table]
    assert names[0] == "scan" and names[-1] == "total"
    assert {"load", "model", "render", "publish"} <= set(names)
