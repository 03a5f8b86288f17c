"""The template contract (docs/themes.md): the engine's default templates where a
theme has none, and a template's mistakes reported at the template's line."""

from __future__ import annotations

from pathlib import Path

import pytest
from minisite import BASE, SITE_YAML, project

from duet.cli import main


def build(root: Path, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    monkeypatch.chdir(root)
    status = main(["--quiet"], project_root=root)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, [line for line in err.splitlines() if "warning:" not in line]


def with_base_line(line: str) -> dict[str, str]:
    """The theme with line 6 of base.html replaced."""
    lines = BASE.splitlines()
    lines[5] = line
    return {"templates/base.html": "\n".join(lines) + "\n"}


def test_a_theme_without_root_404_sitemap_and_robots_gets_the_engines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    status, errors = build(root, capsys, monkeypatch)
    assert (status, errors) == (0, [])
    site = root / "_site"
    chooser = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="/en/"' in chooser and 'href="/fr/"' in chooser and "Français" in chooser
    not_found = (site / "fr" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in not_found and 'noindex' in not_found
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/fr/</loc>" in sitemap
    assert 'hreflang="en" href="https://example.org/en/"' in sitemap
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/sitemap.xml" in robots


def test_a_theme_template_replaces_the_default_and_can_extend_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, {"templates/robots.txt": "User-agent: *\nDisallow: /\n",
                              "templates/404.html": '{% extends "duet/404.html" %}\n'})
    assert build(root, capsys, monkeypatch) == (0, [])
    assert (root / "_site" / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    assert "<h1>" in (root / "_site" / "en" / "404.html").read_text(encoding="utf-8")


def test_a_right_to_left_language_gets_dir_rtl(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    site_yaml = root / "content" / "site.yaml"
    site_yaml.write_text(SITE_YAML.replace("{code: fr, tag: fr, locale: fr, name: Français}",
                                           "{code: ar, tag: ar, locale: ar, name: العربية}")
                         .replace("fr:", "ar:"), encoding="utf-8")
    for name in ("index.fr.md",):
        (root / "content" / name).rename(root / "content" / "index.ar.md")
    assert build(root, capsys, monkeypatch) == (0, [])
    assert '<html lang="ar" dir="rtl">' in (root / "_site/ar/404.html").read_text("utf-8")


@pytest.mark.parametrize(("line", "expected"), [
    ("<p>{{ no_such_name }}</p>", "templates/base.html:6:1: 'no_such_name' is undefined"),
    ("<p>{% if %}</p>", "templates/base.html:6:1: template syntax error: Expected an expression"),
    ('{% include "nav.html" %}', "templates/base.html:6:1: template 'nav.html' does not exist"),
    ("<a href=\"{{ url_for('index', 'finish') }}\">x</a>",
     "templates/base.html:6:1: broken anchor: url_for('index', 'finish'): page 'index' has "
     "no section '#finish'"),
    ("<a href=\"{{ url_for('about') }}\">x</a>",
     "templates/base.html:6:1: broken link: url_for('about'): there is no page 'about'"),
    ('<a href="/en/about/">x</a>',
     "templates/base.html:6:1: broken link '/en/about/': no page en/about/index.html "
     "(in /en/ and 1 more)"),
])
def test_a_templates_mistake_is_reported_at_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        line: str, expected: str) -> None:
    root = project(tmp_path, with_base_line(line))
    (root / "_site").mkdir()
    (root / "_site" / "kept.html").write_text("the previous site")
    status, errors = build(root, capsys, monkeypatch)
    assert status == 1
    assert any(error.startswith(expected) for error in errors), errors
    assert not any(error.startswith("_site") for error in errors), errors
    assert (root / "_site" / "kept.html").read_text() == "the previous site"


def test_a_page_naming_a_template_that_does_not_exist_is_reported_at_the_page(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, {
        "content/index.en.md": "---\ntitle: Home\ntemplate: home.html\n---\nHello.\n"})
    status, errors = build(root, capsys, monkeypatch)
    assert status == 1
    assert errors[0].startswith("content/index.en.md:"), errors
    assert "template 'home.html' does not exist" in errors[0]


def test_sources_reach_the_templates_in_each_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The site-wide sources in the page's language (the default language's text where
    a language has none) and a page's own sources from its front matter."""
    cite = ("{% for s in site_sources %}<p class=site>{{ s.title }}|{{ s.outlet }}|"
            "{{ s.date|date }}|{{ s.url }}</p>{% endfor %}"
            "{% for s in page.sources %}<p class=page>{{ s.title }}|{{ s.outlet }}|"
            "{{ s.date }}|{{ s.url }}</p>{% endfor %}")
    root = project(tmp_path, {
        **with_base_line(cite),
        "content/site.yaml": SITE_YAML + (
            "sources:\n"
            "  - title: {en: The report, fr: Le rapport}\n"
            "    outlet: {en: The Paper}\n"
            "    date: 2025-01-10\n"
            "    url: https://example.org/report\n"),
        "content/index.fr.md": "---\ntitle: Accueil\nsources:\n  - title: Une lettre\n---\n"
                               "Bonjour.\n\n## Début {#start}\n"})
    status, errors = build(root, capsys, monkeypatch)
    assert (status, errors) == (0, [])
    french = (root / "_site" / "fr" / "index.html").read_text(encoding="utf-8")
    english = (root / "_site" / "en" / "index.html").read_text(encoding="utf-8")
    assert ("<p class=site>Le rapport|The Paper|10 janvier 2025|"
            "https://example.org/report</p>") in french
    assert "<p class=page>Une lettre|None|None|None</p>" in french
    assert "<p class=site>The report|The Paper|January 10, 2025|" in english
    assert "class=page" not in english


def test_a_site_without_sources_or_code_needs_neither(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    assert "source" not in SITE_YAML and "hooks" not in SITE_YAML
    assert build(root, capsys, monkeypatch) == (0, [])


@pytest.mark.parametrize(("files", "expected"), [
    ({"templates/404.html": "<!DOCTYPE html>\n{{ nothing }}\n"},
     "templates/404.html:2:1: 'nothing' is undefined (while rendering /en/404.html)"),
    ({"static/help.html": '<a href="/en/nowhere/">x</a>\n'},
     "static/help.html:1:1: broken link '/en/nowhere/'"),
])
def test_a_mistake_in_a_named_template_or_a_static_page_names_that_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        files: dict[str, str], expected: str) -> None:
    status, errors = build(project(tmp_path, files), capsys, monkeypatch)
    assert status == 1
    assert errors[0].startswith(expected), errors
