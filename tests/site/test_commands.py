"""The commands a project's editors have: `duet --version`, `duet check`, `duet locales`,
and `duet` run from any folder inside a project."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import ROOT
from minisite import BASE, project

from duet.cli import main


def run(argv: list[str], cwd: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    status = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def test_version_is_the_projects(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert run(["--version"], tmp_path, capsys, monkeypatch)[:2] == (0, f"duet {declared}\n")


def test_duet_finds_the_project_from_a_folder_inside_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path / "site")
    inside = root / "content" / "notes"
    inside.mkdir()
    status, _, _ = run(["--quiet"], inside, capsys, monkeypatch)
    assert status == 0
    assert (root / "_site" / "fr" / "index.html").is_file()
    assert not (inside / "_site").exists()


def test_outside_any_project_duet_says_what_it_needs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    status, _, err = run([], tmp_path, capsys, monkeypatch)
    assert status == 2
    assert "is not in a project folder" in err and "content/" in err


def test_check_fails_on_a_warning_that_a_plain_build_lets_pass(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    (root / "content" / "about.en.md").write_text("---\ntitle: About\n---\nAbout.\n")
    built, _, warned = run(["--quiet"], root, capsys, monkeypatch)
    assert built == 0 and "warning: missing translation" in warned
    checked, _, err = run(["check", "--quiet"], root, capsys, monkeypatch)
    assert checked == 1
    assert "content/about.en.md" in err and "build failed" in err


def test_locales_extracts_creates_updates_and_compiles_catalogs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    theme = {"templates/base.html": BASE.replace(
        "<p>{{ page.title }}</p>", '<p class="greeting">{{ _("Good morning") }}</p>')}
    root = project(tmp_path, theme)
    catalog = root / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    status, out, _ = run(["locales"], root, capsys, monkeypatch)
    assert status == 0
    assert 'msgid "Good morning"' in (root / "locales" / "messages.pot").read_text()
    assert 'msgid "Good morning"\nmsgstr ""' in catalog.read_text(encoding="utf-8")
    assert "locales/fr/LC_MESSAGES/messages.po: created, 2 of 2 untranslated" in out
    assert not (root / "locales" / "en").exists()  # the theme's own language
    # a translation is kept by the next update, compiled, and used by the build
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        'msgid "Good morning"\nmsgstr ""', 'msgid "Good morning"\nmsgstr "Bonjour"'),
        encoding="utf-8")
    assert run(["locales"], root, capsys, monkeypatch)[0] == 0
    assert 'msgstr "Bonjour"' in catalog.read_text(encoding="utf-8")
    assert catalog.with_suffix(".mo").read_bytes().count(b"Bonjour") == 1
    # "Page not found", of the engine's 404.html, is still to translate: check names it
    status, _, err = run(["check", "--quiet"], root, capsys, monkeypatch)
    assert status == 1 and "'Page not found' (used in duet/404.html" in err
    assert "'duet locales' adds the strings a catalog lacks" in err
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        'msgid "Page not found"\nmsgstr ""', 'msgid "Page not found"\nmsgstr "Page introuvable"'),
        encoding="utf-8")
    assert run(["check", "--quiet"], root, capsys, monkeypatch)[0] == 0
    page = (root / "_site" / "fr" / "index.html").read_text(encoding="utf-8")
    assert '<p class="greeting">Bonjour</p>' in page
    assert "Page introuvable" in (root / "_site" / "fr" / "404.html").read_text("utf-8")


def test_a_broken_catalog_is_named_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    catalog = root / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid "x"\nthis is not po\n', encoding="utf-8")
    status, _, err = run(["locales"], root, capsys, monkeypatch)
    assert status == 1 and "locales/fr/LC_MESSAGES/messages.po" in err
    assert catalog.read_text(encoding="utf-8") == 'msgid "x"\nthis is not po\n'
