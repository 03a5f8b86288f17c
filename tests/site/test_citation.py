"""Cite this page: every page of the real site offers its citation in the reader's
language as plain text, BibTeX and CSL-JSON, readable without scripts, dated by the
last substantive change (front matter `updated:`, else site.yaml's `citation: date`)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build

from duet.render.citation import bibtex

CONTENT = ROOT / "content"
SITE_DATE = yaml.safe_load((CONTENT / "site.yaml").read_text(encoding="utf-8"))[
    "citation"]["date"]


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cite") / "_site"
    build(CONTENT, out, base_url="https://example.org/")
    return out


def citation_blocks(page: str) -> dict[str, str]:
    """The text of each citation form on a page, as a reader without scripts sees it."""
    return {ident: html.unescape(text) for ident, text in re.findall(
        r'<pre class="cite-code" id="(cite-[a-z]+)"[^>]*>(.*?)</pre>', page, re.DOTALL)}


def content_pages(site: Path) -> list[Path]:
    return [path for path in sorted(site.rglob("index.html"))
            if not path.relative_to(site).as_posix().startswith("pagefind/")
            and path.relative_to(site).as_posix() != "index.html"]


def test_every_page_offers_the_three_forms(real_site: Path) -> None:
    pages = content_pages(real_site)
    assert len(pages) > 60
    for path in pages:
        page = path.read_text(encoding="utf-8")
        url = "https://example.org/" + path.parent.relative_to(real_site).as_posix() + "/"
        forms = citation_blocks(page)
        assert set(forms) == {"cite-text", "cite-bibtex", "cite-csl"}, path
        assert url in forms["cite-text"], path
        assert f"url = {{{url}}}" in forms["cite-bibtex"], path
        csl = json.loads(forms["cite-csl"])
        assert csl[0]["URL"] == url and csl[0]["type"] == "webpage"
        assert csl[0]["issued"]["date-parts"] == [[SITE_DATE.year, SITE_DATE.month,
                                                  SITE_DATE.day]]
        assert f"date = {{{SITE_DATE.isoformat()}}}" in forms["cite-bibtex"]
        # The copy buttons wait for the script; the text is there without it.
        assert re.search(r'<button type="button" class="copy-button"[^>]* hidden>', page)
        assert "accessed" not in csl[0]


@pytest.mark.parametrize(("lang", "summary", "marker"), [
    ("en", "Cite this page", "(accessed [date of access])"),
    ("zh", "引用本页", "[EB/OL]"),
    ("zh-hant", "引用本頁", "[EB/OL]"),
])
def test_the_citation_is_in_the_reader_s_language(real_site: Path, lang: str, summary: str,
                                                  marker: str) -> None:
    page = (real_site / lang / "context" / "index.html").read_text(encoding="utf-8")
    assert f"<summary>{summary}</summary>" in page
    text = citation_blocks(page)["cite-text"]
    assert marker in text
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
    assert title is not None
    assert re.sub(r"<[^>]+>", "", html.unescape(title.group(1))) in text


def test_a_page_s_own_updated_date_is_the_one_cited(mini_content: Path, tmp_path: Path) -> None:
    about = mini_content / "about.en.md"
    about.write_text(about.read_text(encoding="utf-8").replace(
        "---\n", "---\nupdated: 2025-03-04\n", 1), encoding="utf-8")
    build(mini_content, tmp_path / "out", strict=False)
    en = citation_blocks((tmp_path / "out" / "en" / "about" / "index.html").read_text("utf-8"))
    assert "date = {2025-03-04}" in en["cite-bibtex"]
    assert "March 4, 2025" in en["cite-text"]
    other = citation_blocks((tmp_path / "out" / "en" / "topics" / "index.html")
                            .read_text("utf-8"))
    assert "date = {2025-02-01}" in other["cite-bibtex"]
    assert other["cite-text"].startswith("The Small Site team. “")


def test_a_site_without_citation_offers_none(mini_content: Path, tmp_path: Path) -> None:
    site_yaml = mini_content / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    start = text.index("citation:")
    site_yaml.write_text(text[:start] + text[text.index("open_data:"):], encoding="utf-8")
    build(mini_content, tmp_path / "out")
    assert 'class="cite"' not in (tmp_path / "out" / "en" / "about" / "index.html").read_text(
        encoding="utf-8")


def test_bibtex_escapes_what_tex_reads_as_commands() -> None:
    entry = bibtex("key", "A & B", "50% of {x}_1 #2 ~ ^ \\", "Site", dt.date(2025, 1, 2),
                   "https://example.org/a_b/")
    assert r"title = {50\% of \{x\}\_1 \#2 \textasciitilde{} \textasciicircum{} " \
           r"\textbackslash{}}" in entry
    assert r"author = {{A \& B}}" in entry
    assert "url = {https://example.org/a_b/}" in entry  # a URL is read verbatim
    assert entry.startswith("@online{key,\n") and entry.endswith("}\n")
