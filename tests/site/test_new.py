"""`duet new`: the projects it makes build at once with no warning, in every language
asked for, right to left where the language is; a page added in each language builds
too; `duet serve` serves one; bad requests are refused with a clear message."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import ROOT, NewSite, run_duet, snapshot
from htmlparse import parse_html

pytestmark = pytest.mark.slow  # every project is made and built by the command, in a process

LANGUAGES = {"ja-en": ["ja", "en"], "fr-de-en": ["fr", "de", "en"], "ar-en": ["ar", "en"]}
PAGES = ("", "example/", "glossary/", "about/", "search/")
EXAMPLE_TITLES = {"ja": "例のページ", "en": "An example page", "fr": "Une page d’exemple",
                  "de": "Eine Beispielseite", "ar": "صفحة مثال"}
"""What the example page is called in each language (written here, not read from the
starter's words)."""
SEARCH_WORD = {"ja": "検索", "en": "Search", "fr": "Rechercher", "de": "Suche", "ar": "بحث"}
MSGID = re.compile(r"""_\(\s*(["'])(.+?)\1\s*[,)]""")


def page(site: Path, lang: str, path: str) -> str:
    return (site / lang / path / "index.html").read_text(encoding="utf-8")


def copy_project(new_site: NewSite, target: Path) -> Path:
    """A copy of a made project, without what its build left."""
    shutil.copytree(new_site.project, target,
                    ignore=shutil.ignore_patterns("_site", ".duet-cache", "._site.*"))
    return target


@pytest.mark.parametrize("name", list(LANGUAGES))
def test_a_new_project_builds_strict_at_once_with_no_warning(new_sites: dict[str, NewSite],
                                                             name: str) -> None:
    built = new_sites[name].build
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""
    langs = LANGUAGES[name]
    counts = ", ".join(f"4 {lang}" for lang in langs)
    assert re.fullmatch(rf"built {4 * len(langs)} pages \({counts}\), \d+ files \(\d+ changed\), "
                        r"0 warning\(s\) in [\d.]+ s\n", built.stdout), built.stdout


@pytest.mark.parametrize("name", list(LANGUAGES))
def test_every_language_has_every_page_in_its_own_words(new_sites: dict[str, NewSite],
                                                        name: str) -> None:
    site = new_sites[name].site
    for lang in LANGUAGES[name]:
        for path in PAGES:
            document = parse_html(page(site, lang, path))
            [html] = document.find_all("html")
            assert html.attrs["lang"] == lang
            assert html.attrs["dir"] == ("rtl" if lang == "ar" else "ltr")
            switcher = [a.attrs["hreflang"] for a in document.find_all("a")
                        if "hreflang" in a.attrs]
            assert switcher == LANGUAGES[name], (lang, path)
        [title] = parse_html(page(site, lang, "example/")).find_all("h1")
        assert title.text == EXAMPLE_TITLES[lang]
        search = parse_html(page(site, lang, "search/"))
        assert SEARCH_WORD[lang] in [b.text for b in search.find_all("button")]
        assert (site / lang / "404.html").is_file()
    assert (site / "sitemap.xml").is_file() and (site / "robots.txt").is_file()
    assert list((site / "pagefind").glob("pagefind-entry.json"))


def test_the_root_page_offers_each_language_in_its_own_direction(
        new_sites: dict[str, NewSite]) -> None:
    root = parse_html((new_sites["ar-en"].site / "index.html").read_text(encoding="utf-8"))
    sections = {s.attrs["lang"]: s.attrs["dir"] for s in root.find_all("section")}
    assert sections == {"ar": "rtl", "en": "ltr"}


def test_the_theme_lays_out_with_logical_properties_only() -> None:
    """Right to left is the same stylesheet mirrored: no side is named physically."""
    css = (ROOT / "duet" / "starter" / "static" / "site.css").read_text(encoding="utf-8")
    assert not re.findall(r"(?:margin|padding|border)-(?:left|right)|(?<![-\w])(?:left|right)"
                          r"\s*:|text-align\s*:\s*(?:left|right)|float\s*:", css)


@pytest.mark.parametrize("name", list(LANGUAGES))
def test_each_catalog_translates_every_string_of_the_theme(new_sites: dict[str, NewSite],
                                                           name: str) -> None:
    project = new_sites[name].project
    own = sorted((project / "templates").glob("*.html"))
    engine = [path for path in sorted((ROOT / "duet" / "templates").glob("*.html"))
              if path.name not in {theirs.name for theirs in own}]
    used = {match.group(2) for path in [*own, *engine]
            for match in MSGID.finditer(path.read_text(encoding="utf-8"))}
    assert len(used) >= 10
    for lang in LANGUAGES[name]:
        path = project / "locales" / lang / "LC_MESSAGES" / "messages.po"
        if lang == "en":  # the theme's own language
            assert not path.exists()
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle)
        translated = {message.id: message.string for message in catalog if message.id}
        assert set(translated) == used
        assert all(translated.values()), [k for k, v in translated.items() if not v]
        assert sum(k == v for k, v in translated.items()) <= 1, translated  # fr 'Sources'


def test_the_project_has_its_readme_and_ignores_what_builds_leave(
        new_sites: dict[str, NewSite]) -> None:
    project = new_sites["ja-en"].project
    ignored = (project / ".gitignore").read_text(encoding="utf-8").split()
    assert {"_site/", ".duet-cache/"} <= set(ignored)
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "duet serve" in readme and "duet check" in readme and "日本語" in readme
    assert not (project / "Makefile").exists()


def test_a_page_added_in_each_language_builds_and_is_linked(new_sites: dict[str, NewSite],
                                                            tmp_path: Path) -> None:
    project = copy_project(new_sites["fr-de-en"], tmp_path / "project")
    titles = {"fr": "Calendrier", "de": "Zeitplan", "en": "Timeline"}
    for lang, title in titles.items():
        (project / "content" / f"timeline.{lang}.md").write_text(
            f"---\ntitle: {title}\n---\n[→](@/example#a-section) [→](term:example-term)\n\n"
            f"## 2025 {{#y2025}}\n\n{title} 2025.\n", encoding="utf-8")
    site_yaml = project / "content" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace(
        "menu: [index, example, glossary, about]",
        "menu: [index, example, timeline, glossary, about]"), encoding="utf-8")
    first = run_duet("--strict", cwd=project)
    assert first.returncode == 0 and first.stderr == "", first.stderr
    assert "15 pages (5 fr, 5 de, 5 en)" in first.stdout and "0 warning(s)" in first.stdout
    (project / "content" / "timeline.de.md").write_text(
        "---\ntitle: Zeitplan\n---\n## 2026 {#y2026}\n\nZeitplan.\n", encoding="utf-8")
    mismatch = run_duet("--strict", cwd=project)
    assert mismatch.returncode == 1 and "timeline.de.md" in mismatch.stderr
    assert "Traceback" not in mismatch.stderr
    (project / "content" / "timeline.de.md").write_text(
        "---\ntitle: Zeitplan\n---\n## 2025 {#y2025}\n\nZeitplan 2025.\n", encoding="utf-8")
    again = run_duet("--strict", cwd=project)
    assert again.returncode == 0, again.stderr
    for lang, title in titles.items():
        document = parse_html(page(project / "_site", lang, "timeline/"))
        assert [h.text for h in document.find_all("h1")] == [title]
        assert "y2025" in document.ids()
        home = parse_html(page(project / "_site", lang, ""))
        assert f"/{lang}/timeline/" in [a.attrs.get("href") for a in home.find_all("a")]


def test_readers_are_told_when_a_translation_is_behind_or_a_machine_draft(
        new_sites: dict[str, NewSite], tmp_path: Path) -> None:
    """The starter theme shows the engine's notices, in the reader's language, once
    the translations are recorded."""
    project = copy_project(new_sites["ja-en"], tmp_path / "project")
    assert run_duet("translations", "--accept-all", cwd=project).returncode == 0
    example = project / "content" / "example.en.md"
    example.write_text(example.read_text(encoding="utf-8").replace(
        "Replace this page with one of your own.", "Replace this page with yours."),
        encoding="utf-8")
    assert run_duet(cwd=project).returncode == 0
    behind = parse_html(page(project / "_site", "ja", "example/"))
    [notice] = [p for p in behind.find_all("p") if p.attrs.get("role") == "note"]
    assert "英語" in notice.text and "<time datetime=" in page(project / "_site", "ja", "example/")
    assert 'role="note"' not in page(project / "_site", "en", "example/")
    assert run_duet("translations", "--accept", str(example), cwd=project).returncode == 0
    assert run_duet("translations", "--accept", str(example.with_name("example.ja.md")),
                    "--machine-draft", "MT", cwd=project).returncode == 0
    assert run_duet(cwd=project).returncode == 0
    drafted = parse_html(page(project / "_site", "ja", "example/"))
    assert [p.text for p in drafted.find_all("p") if p.attrs.get("role") == "note"] == [
        "このページの一部は機械翻訳で、まだ誰も確認していません。"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_duet_serve_serves_a_new_project_on_this_computer(new_sites: dict[str, NewSite],
                                                          tmp_path: Path) -> None:
    project = copy_project(new_sites["ja-en"], tmp_path / "project")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from duet.cli import run; run()", "serve", "--port", str(port)],
        cwd=project, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        body = ""
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ja/example/",
                                            timeout=5) as response:
                    body = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.2)
        assert "例のページ" in body
        assert not (project / "_site").exists()  # the preview is built elsewhere
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_derived_traditional_chinese_edition_is_made_from_the_simplified(
        tmp_path: Path) -> None:
    made = run_duet("new", "site", "--languages", "zh,en", "--derive", "zh-hant=zh",
                    cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "site"
    assert not list((project / "content").glob("*.zh-hant.md"))
    assert "derive: {from: zh, convert: s2twp}" in (
        project / "content" / "site.yaml").read_text(encoding="utf-8")
    built = run_duet("--strict", cwd=project)
    assert built.returncode == 0 and "0 warning(s)" in built.stdout, built.stderr
    assert "<h1>示例頁面</h1>" in page(project / "_site", "zh-hant", "example/")
    assert "<h1>示例页面</h1>" in page(project / "_site", "zh", "example/")


def test_a_language_without_starter_words_is_made_and_its_gaps_reported(
        tmp_path: Path) -> None:
    made = run_duet("new", "site", "--languages", "sw,en", cwd=tmp_path)
    assert made.returncode == 0
    assert "no starter text in Kiswahili ('sw')" in made.stderr
    built = run_duet(cwd=tmp_path / "site")
    assert built.returncode == 0
    assert "locales/sw/LC_MESSAGES/messages.po" in built.stderr
    assert run_duet("--strict", cwd=tmp_path / "site").returncode == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--languages", "xx,en"], "'xx' is not a language CLDR knows"),
    (["--languages", "ja"], "two or more languages"),
    (["--languages", "ja,en,ja"], "language 'ja' is named twice"),
    (["--languages", "ja,en", "--derive", "zh-hant=zh"], "'zh' is not one of --languages"),
    (["--languages", "zh,en", "--derive", "zh-hant=zh:s2x"], "the conversion must be one of"),
    (["--languages", "Ja En"], "is not a language tag"),
    ([], "the following arguments are required: --languages"),
])
def test_requests_it_cannot_make_are_usage_errors(tmp_path: Path, args: list[str],
                                                  message: str) -> None:
    result = run_duet("new", "site", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_left_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = snapshot(tmp_path)
    result = run_duet("new", "site", "--languages", "ja,en", cwd=tmp_path)
    assert result.returncode == 1
    assert "already exists and is not an empty folder" in result.stderr
    assert snapshot(tmp_path) == before and len(list(tmp_path.iterdir())) == 1


def test_duet_locales_finds_nothing_to_translate_and_duet_check_passes(
        new_sites: dict[str, NewSite], tmp_path: Path) -> None:
    project = copy_project(new_sites["ar-en"], tmp_path / "project")
    catalogs = {path: path.read_bytes() for path in (project / "locales").rglob("*.po*")}
    assert project / "locales" / "messages.pot" in catalogs
    result = run_duet("locales", cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"locales/ar/LC_MESSAGES/messages.po: updated, 0 of \d+ ",
                     result.stdout), result.stdout
    assert {path: path.read_bytes() for path in catalogs} == catalogs
    checked = run_duet("check", cwd=project / "content")  # from a folder inside the project
    assert checked.returncode == 0 and "0 warning(s)" in checked.stdout, checked.stderr
