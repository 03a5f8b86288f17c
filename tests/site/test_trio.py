"""A site in three languages (tests/fixtures/trio: zh, zh-tw, en), built with --strict
from the project's templates and hooks: languages are data, not code.

The Traditional Chinese catalog is made for the test from the Simplified one."""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import ROOT, build
from htmlparse import Document, parse_html
from test_integration import BASE, check_links, pages, url_of

TRIO = ROOT / "tests" / "fixtures" / "trio" / "content"
TAGS = {"zh": "zh-CN", "zh-tw": "zh-TW", "en": "en"}
KEYS = ("", "topics/", "highlands/", "highlands/talent/", "milestones/", "glossary/", "about/")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trio")
    locales = root / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copytree(locales / "zh", locales / "zh-tw")
    out = root / "_site"
    result = build(TRIO, out, strict=True, base_url=BASE, locales_dir=locales)
    assert result.pages == {"zh": len(KEYS), "zh-tw": len(KEYS), "en": len(KEYS)}
    assert not result.warnings
    return out


def language_pages(out: Path) -> dict[str, Document]:
    """Every page of one language (content pages, parallel readings, search), not the 404s."""
    return {path: doc for path, doc in pages(out).items()
            if path.split("/")[0] in TAGS and not path.endswith("404.html")}


def counterpart(path: str, code: str) -> str:
    return f"{code}/{path.split('/', 1)[1]}"


def test_every_page_exists_in_all_three_languages(built: Path) -> None:
    docs = language_pages(built)
    for code in TAGS:
        for key in KEYS:
            assert f"{code}/{key}index.html" in docs
        assert (built / code / "404.html").exists()
        assert f"{code}/search/index.html" in docs
        assert f"{code}/parallel/highlands/talent/index.html" in docs
    by_language = {code: {path.split("/", 1)[1] for path in docs if path.split("/")[0] == code}
                   for code in TAGS}
    assert by_language["zh"] == by_language["zh-tw"] == by_language["en"]


def test_html_lang_is_the_languages_tag(built: Path) -> None:
    for path, doc in pages(built).items():
        [html] = doc.find_all("html")
        assert html.attrs["lang"] == TAGS.get(path.split("/")[0], "zh-CN"), path


def test_every_page_names_all_three_languages_and_a_default(built: Path) -> None:
    docs = language_pages(built)
    for path, doc in docs.items():
        alternates = {e.attrs["hreflang"]: e.attrs["href"]
                      for e in doc.find_all("link", rel="alternate")
                      if "type" not in e.attrs}  # not the feed
        assert set(alternates) == {*TAGS.values(), "x-default"}, path
        for code, tag in TAGS.items():
            assert alternates[tag] == url_of(counterpart(path, code)), path
        assert alternates["x-default"] in (BASE, url_of(counterpart(path, "zh"))), path


def test_the_switcher_offers_every_other_language_on_the_same_page(built: Path) -> None:
    for path, doc in language_pages(built).items():
        code, rest = path.split("/", 1)
        switches = {a.attrs["hreflang"]: a.attrs["href"] for a in doc.find_all("a")
                    if "data-lang-switch" in a.attrs}
        assert set(switches) == {tag for other, tag in TAGS.items() if other != code}, path
        for other, tag in TAGS.items():
            if other != code:
                assert switches[tag] == f"/{other}/{rest}".removesuffix("index.html"), path


def test_the_sitemap_lists_every_page_with_three_alternates(built: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "x": "http://www.w3.org/1999/xhtml"}
    urls = ElementTree.parse(built / "sitemap.xml").getroot().findall("s:url", ns)
    listed = {}
    for url in urls:
        loc = url.find("s:loc", ns)
        assert loc is not None and loc.text
        listed[loc.text] = {link.get("hreflang"): link.get("href")
                            for link in url.findall("x:link", ns)}
    assert set(listed) == {url_of(path) for path in language_pages(built)}
    for loc, alternates in listed.items():
        assert set(alternates) == {*TAGS.values(), "x-default"}, loc
        assert loc in alternates.values()


def test_every_internal_link_and_anchor_resolves(built: Path) -> None:
    check_links(built)


def test_the_entry_page_and_404s_offer_every_language(built: Path) -> None:
    root = parse_html((built / "index.html").read_bytes())
    assert {f"/{code}/" for code in TAGS} <= {a.attrs["href"] for a in root.find_all("a")}
    assert {e.attrs["hreflang"] for e in root.find_all("link", rel="alternate")} == {
        *TAGS.values(), "x-default"}
    for code in TAGS:
        missing = parse_html((built / code / "404.html").read_bytes())
        offered = {a.attrs["href"] for a in missing.find_all("a") if "hreflang" in a.attrs}
        assert offered == {f"/{other}/" for other in TAGS}
        current = [a.attrs["href"] for a in missing.find_all("a") if "aria-current" in a.attrs]
        assert current == [f"/{code}/"]


def test_glossary_terms_and_data_show_in_the_third_language(built: Path) -> None:
    glossary = (built / "zh-tw" / "glossary" / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh-TW">漢襄宜「金三角」</span>' in glossary
    assert "武漢、襄陽、宜昌三市。" in glossary
    talent = (built / "zh-tw" / "highlands" / "talent" / "index.html").read_text("utf-8")
    assert "實施人才強省戰略" in talent and "picture-map" in talent
    assert 'class="term"' in (built / "zh-tw" / "topics" / "index.html").read_text("utf-8")
    parallel = parse_html((built / "en" / "parallel" / "highlands" / "talent" / "index.html")
                          .read_bytes())
    cells = [e.attrs["lang"] for e in parallel.elements
             if "parallel-cell" in e.attrs.get("class", "")]
    assert cells[:3] == ["en", "zh-CN", "zh-TW"]
