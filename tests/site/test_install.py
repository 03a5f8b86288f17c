"""`pip install .` gives a `duet` command that builds, checks and serves a project
folder as `python build.py` does, from any folder inside it, and says what it needs
anywhere else.

The wheel is built from a copy of the package (nothing is written into the
repository) and installed, with its dependencies, into a fresh virtual
environment."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, build, snapshot

pytestmark = pytest.mark.slow  # builds a wheel and installs it into a fresh environment

PROJECT = ("content", "templates", "static", "locales", "explainer")


@pytest.fixture(scope="module")
def duet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `duet` command of a fresh environment with the wheel installed."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "duet", source / "duet",
                    ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(work / "dist"), str(source)],
                   check=True, timeout=600)
    [wheel] = (work / "dist").glob("duet-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check",
                    "--quiet", "install", str(wheel)], check=True, timeout=900)
    return venv / "bin" / "duet"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this repository's project folders, without the engine beside them."""
    for name in PROJECT:
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_wheel_holds_the_engine_and_its_files(duet: Path) -> None:
    packages = duet.parent.parent / "lib"
    [package] = packages.glob("python3*/site-packages/duet")
    assert (package / "serve" / "livereload.js").is_file()
    assert (package / "drift" / "dashboard.html").is_file()
    assert {path.relative_to(package) for path in package.rglob("*.py")} == {
        path.relative_to(ROOT / "duet") for path in (ROOT / "duet").rglob("*.py")}
    defaults = sorted(path.name for path in (ROOT / "duet" / "templates").iterdir())
    assert sorted(path.name for path in (package / "templates").iterdir()) == defaults


def test_the_installed_version_is_the_declared_one(duet: Path) -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = subprocess.run([str(duet), "--version"], capture_output=True, text=True,
                            timeout=120)
    assert (result.returncode, result.stdout) == (0, f"duet {declared}\n")


def test_duet_check_works_from_a_folder_inside_the_project(duet: Path, project: Path) -> None:
    result = subprocess.run([str(duet), "check", "--quiet"], cwd=project / "content" / "data",
                            capture_output=True, text=True, timeout=600)
    assert (result.returncode, result.stderr) == (0, "")
    assert (project / "_site" / "index.html").is_file()


def test_duet_builds_a_project_folder_as_build_py_does(duet: Path, project: Path,
                                                       tmp_path_factory: pytest.TempPathFactory
                                                       ) -> None:
    result = subprocess.run([str(duet), "--strict"], cwd=project, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ") and result.stdout.count("\n") == 1
    assert (project / ".duet-cache").is_dir()
    reference = tmp_path_factory.mktemp("reference") / "_site"
    build(ROOT / "content", reference, cache_dir=None)
    assert snapshot(project / "_site") == snapshot(reference)


def test_duet_elsewhere_says_which_folders_it_needs(duet: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(duet)], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "content/, templates/, static/, locales/" in line and "duet new" in line
    assert not (tmp_path / "_site").exists()


def test_duet_serve_serves_the_project_with_its_reload_script(duet: Path,
                                                              project: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(duet), "serve", "--port", str(port)], cwd=project,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = b""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=5) as reply:
                    page = reply.read()
            except OSError:
                time.sleep(0.2)
        assert b"/__duet/livereload.js" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__duet/livereload.js",
                                    timeout=5) as reply:
            assert reply.read() == (ROOT / "duet" / "serve" / "livereload.js").read_bytes()
        assert not (project / "_site").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_installed_duet_makes_a_new_project_that_builds(duet: Path, tmp_path: Path) -> None:
    made = subprocess.run([str(duet), "new", "site", "--languages", "ja,en"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    built = subprocess.run([str(duet), "--strict"], cwd=tmp_path / "site",
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert "0 warning(s)" in built.stdout
    assert (tmp_path / "site" / "_site" / "ja" / "glossary" / "index.html").is_file()
