"""Shared fixtures: the project root, a copy of the mini site, a build helper."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from duet.build import BuildOptions, BuildResult, build_site
from duet.diagnostics import Diagnostics
from duet.load.hooks import Hook, load_hook

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini" / "content"
SITE_HOOK: Hook = load_hook(ROOT / "explainer", Diagnostics())
"""The project's own hooks, for tests that load content without building it."""
BROWSER_TESTS = ROOT / "tests" / "browser"
CHROMIUM = Path("/usr/bin/chromium")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Without Chromium, every browser test skips here, before its fixtures start a
    browser: from one place, so that pytest reports them in one line that says what to
    install. (A module that skipped itself whole would leave `pytest tests/browser`
    collecting nothing, which pytest reports as a failure.)"""
    if item.path.is_relative_to(BROWSER_TESTS) and not (
            CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"browser tests skipped: no Chromium at {CHROMIUM} "
                    "(as root: apt-get install chromium fonts-noto-cjk)")


@pytest.fixture
def mini_content(tmp_path: Path) -> Path:
    """A writable copy of the mini fixture's content folder."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


def build(content: Path, out: Path, *, strict: bool = True, **overrides: object) -> BuildResult:
    options = BuildOptions.for_project(ROOT, content_dir=content, out_dir=out, strict=strict,
                                       **overrides)
    return build_site(options)


@contextlib.contextmanager
def recorded_dev_server(content: Path, cache_dir: Path, **options: Any) -> Iterator[Any]:
    """A running dev server (`DevServer(..., **options)`) on `content`, with its
    translations recorded first."""
    from duet.serve.server import DevServer

    assert run_cli("translations", "--content", str(content), "--accept-all").returncode == 0
    server = DevServer(BuildOptions.for_project(ROOT, content_dir=content, cache_dir=cache_dir),
                       port=0, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run `build.py` as a user would, in a fresh process."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def run_duet(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the `duet` command (its console script's entry point) in `cwd`, in a fresh
    process, as a user would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", "from duet.cli import run; run()", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


NEW_SITES = {"ja-en": "ja,en", "fr-de-en": "fr,de,en", "ar-en": "ar,en"}
"""The projects `duet new` makes for the tests, by name: their --languages."""


@dataclass(frozen=True)
class NewSite:
    project: Path
    site: Path
    build: subprocess.CompletedProcess[str]
    """What `duet --strict` said when it built the project as made."""


@pytest.fixture(scope="session")
def new_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, NewSite]:
    """Each of NEW_SITES made by `duet new` and built once by `duet --strict`: shared
    by the tests that read them (tests that change a project work on a copy)."""
    folder = tmp_path_factory.mktemp("new")
    sites = {}
    for name, languages in NEW_SITES.items():
        made = run_duet("new", name, "--languages", languages, cwd=folder)
        assert made.returncode == 0, made.stderr
        project = folder / name
        sites[name] = NewSite(project, project / "_site",
                              run_duet("--strict",
                                       cwd=project))
    return sites
