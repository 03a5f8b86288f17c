"""When a file last changed: the commit that changed it (with git), or its mtime.

Asked only for the files that drifted, all at once: one `git status` and one
`git log`, read until every file has been seen."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GIT_TIMEOUT = 20


@dataclass(frozen=True)
class Change:
    """A file's last change: its date and, when committed, the commit's short hash."""

    date: dt.date
    commit: str | None = None
    uncommitted: bool = False
    """With git: the file differs from its last commit (or was never committed)."""

    def describe(self, lang: str) -> str:
        """`zh changed 2025-03-02 in 1a2b3c4`, as the drift warning says it."""
        where = (f" in {self.commit}" if self.commit
                 else ", not committed yet" if self.uncommitted else "")
        return f"{lang} changed {self.date.isoformat()}{where}"


History = Callable[[list[Path]], dict[Path, Change]]
"""The last change of each file asked for (a file it knows nothing of may be left out)."""


def file_history(paths: list[Path]) -> dict[Path, Change]:
    """The commit of each file's last change where git knows it, its mtime otherwise."""
    changes = no_history(paths)
    if not paths:
        return changes
    top = _git(["rev-parse", "--show-toplevel"], Path(paths[0]).resolve().parent)
    if not top:
        return changes
    root = Path(top.strip())
    relative = {_relative(path, root): path for path in paths}
    wanted = {name: path for name, path in relative.items() if name is not None}
    dirty = _dirty(root, list(wanted))
    for name in dirty & wanted.keys():
        if wanted[name] in changes:
            changes[wanted[name]] = Change(changes[wanted[name]].date, uncommitted=True)
    for name, change in _last_commits(root, [n for n in wanted if n not in dirty]).items():
        changes[wanted[name]] = change
    return changes


def no_history(paths: list[Path]) -> dict[Path, Change]:
    """The file dates alone (what the record-only check uses without git)."""
    return {path: change for path in paths if (change := mtime_change(path)) is not None}


def mtime_change(path: Path) -> Change | None:
    try:
        return Change(dt.date.fromtimestamp(path.stat().st_mtime))
    except OSError:
        return None


def _relative(path: Path, root: Path) -> str | None:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _git(args: list[str], cwd: Path) -> str | None:
    """A git command's output; None without git, outside a repository, or on failure."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _dirty(root: Path, names: list[str]) -> set[str]:
    """The files among `names` that differ from the last commit or were never committed."""
    if not names:
        return set()
    out = _git(["status", "--porcelain", "-z", "--untracked-files=all", "--", *names], root)
    if out is None:
        return set()
    dirty: set[str] = set()
    entries = iter(out.split("\0"))
    for entry in entries:
        if len(entry) > 3:
            dirty.add(entry[3:])
            if entry[0] in "RC":
                next(entries, None)  # a rename's or copy's original name follows
    return dirty


def _last_commits(root: Path, names: list[str]) -> dict[str, Change]:
    """The last commit of each file, from one `git log` read until all were seen."""
    found: dict[str, Change] = {}
    if not names:
        return found
    try:
        process = subprocess.Popen(
            ["git", "-c", "core.quotepath=off", "log", "--format=%x01%h %cs", "--name-only",
             "--", *names],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            encoding="utf-8", env={**os.environ, "GIT_PAGER": "cat"})
    except OSError:
        return found
    assert process.stdout is not None
    wanted = set(names)
    current: Change | None = None
    try:
        for line in process.stdout:
            line = line.rstrip("\n")
            if line.startswith("\x01"):
                commit, _, day = line[1:].partition(" ")
                current = Change(dt.date.fromisoformat(day), commit)
            elif current is not None and line in wanted and line not in found:
                found[line] = current
                if len(found) == len(wanted):
                    break
    finally:
        process.kill()
        process.stdout.close()
        process.wait()
    return found


PlainChange = tuple[str, str | None, bool]
"""A `Change` as plain data: its date (ISO), commit and whether it is uncommitted."""


class RecordedHistory:
    """`file_history`, remembering each answer: what a build learnt from git and the file
    dates is one of its inputs, asked again before the build is taken as still right."""

    def __init__(self, history: History = file_history) -> None:
        self.history = history
        self.answers: dict[str, PlainChange] = {}

    def __call__(self, paths: list[Path]) -> dict[Path, Change]:
        changes = self.history(paths)
        self.answers.update((str(path), plain_change(change)) for path, change in changes.items())
        return changes


def plain_change(change: Change) -> PlainChange:
    return change.date.isoformat(), change.commit, change.uncommitted


def same_history(answers: dict[str, PlainChange], history: History = file_history) -> bool:
    """Whether the files' last changes are still those `answers` recorded."""
    if not answers:
        return True
    paths = [Path(path) for path in answers]
    now = {str(path): plain_change(change) for path, change in history(paths).items()}
    return now == answers
