"""Build the real content (and the mini fixture) and inspect the HTML with a parser."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from conftest import MINI, ROOT, build, snapshot
from htmlparse import Document, parse_html

pytestmark = pytest.mark.slow  # builds the real site and the fixtures, some in subprocesses

SITES = {"real": ROOT / "content", "mini": MINI}
BASE = "https://example.org/"
TAGS = {"zh": "zh-CN", "zh-hant": "zh-Hant", "en": "en"}
"""Every language a site here may have (the real one has all three; the mini fixture
has no Traditional Chinese)."""


@pytest.fixture(scope="module", params=sorted(SITES))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(request.param) / "_site"
    build(SITES[request.param], out, strict=True, base_url=BASE)
    return out


def pages(out: Path) -> dict[str, Document]:
    return {p.relative_to(out).as_posix(): parse_html(p.read_bytes())
            for p in sorted(out.rglob("*.html"))
            if "pagefind" not in p.relative_to(out).parts}


def url_of(relative: str) -> str:
    return BASE + (relative[: -len("index.html")] if relative.endswith("index.html")
                   else relative)


def tags(out: Path) -> dict[str, str]:
    """The languages of the site built in `out`, by code."""
    return {code: tag for code, tag in TAGS.items() if (out / code).is_dir()}


def content_pages(out: Path) -> dict[str, Document]:
    return {path: doc for path, doc in pages(out).items()
            if path.split("/")[0] in TAGS and not path.endswith("404.html")}


def test_lang_attribute_matches_the_tree(built: Path) -> None:
    for path, doc in pages(built).items():
        [html] = doc.find_all("html")
        lang = path.split("/")[0]
        assert html.attrs["lang"] == TAGS.get(lang, "zh-CN"), path


def test_canonical_and_hreflang_pairs(built: Path) -> None:
    for path, doc in content_pages(built).items():
        [canonical] = doc.find_all("link", rel="canonical")
        assert canonical.attrs["href"] == url_of(path), path
        alternates = {e.attrs["hreflang"]: e.attrs["href"]
                      for e in doc.find_all("link", rel="alternate") if "type" not in e.attrs}
        assert set(alternates) == {*tags(built).values(), "x-default"}, path
        lang = path.split("/")[0]
        assert alternates[TAGS[lang]] == url_of(path)
        for code, tag in tags(built).items():
            other = f"{code}/" + path.split("/", 1)[1]
            assert alternates[tag] == url_of(other), path
            # the counterpart links back to this page
            back = {e.attrs["hreflang"]: e.attrs["href"]
                    for e in pages(built)[other].find_all("link", rel="alternate")
                    if "type" not in e.attrs}  # not the feed
            assert back[TAGS[lang]] == url_of(path)


def test_switcher_lands_on_the_same_page_in_the_other_language(built: Path) -> None:
    for path, doc in content_pages(built).items():
        lang, rest = path.split("/", 1)
        switches = [a for a in doc.find_all("a") if "data-lang-switch" in a.attrs]
        assert len(switches) == len(tags(built)) - 1, path
        for switch in switches:
            other = next(code for code, tag in TAGS.items() if tag == switch.attrs["hreflang"])
            assert other != lang
            assert switch.attrs["href"] == "/" + f"{other}/{rest}".removesuffix("index.html")


def test_heading_ids_are_ascii_and_identical_across_languages(built: Path) -> None:
    docs = content_pages(built)
    for path, doc in docs.items():
        if not path.startswith("zh/"):
            continue
        zh_ids = [e.attrs["id"] for e in doc.elements if re.fullmatch(r"h[2-6]", e.tag)
                  and "id" in e.attrs]
        for other in tags(built):
            other_ids = [e.attrs["id"] for e in docs[f"{other}/" + path[3:]].elements
                         if re.fullmatch(r"h[2-6]", e.tag) and "id" in e.attrs]
            assert zh_ids == other_ids, path
        assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in zh_ids), path


def test_every_internal_link_resolves(built: Path) -> None:
    check_links(built)


def check_links(built: Path) -> None:
    """Every href and src inside the site names a file that exists, and every #anchor
    an id on the page it lands on."""
    docs = pages(built)
    for path, doc in docs.items():
        for element in doc.elements:
            target = element.attrs.get("href") if element.tag in ("a", "link") else (
                element.attrs.get("src") if element.tag in ("img", "script") else None)
            if not target or target.startswith(("https://", "http://", "mailto:")):
                continue
            parts = urlsplit(target)
            resolved = (parts.path.lstrip("/") if parts.path.startswith("/")
                        else posixpath.normpath(posixpath.join(posixpath.dirname(path),
                                                               parts.path)) if parts.path
                        else path)
            if resolved == "" or resolved.endswith("/"):
                resolved += "index.html"
            assert (built / resolved).exists(), f"{path}: {target}"
            if parts.fragment and resolved.endswith(".html"):
                assert parts.fragment in docs[resolved].ids(), f"{path}: {target}"


def test_sitemap_lists_every_page_with_alternates(built: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "x": "http://www.w3.org/1999/xhtml"}
    tree = ElementTree.parse(built / "sitemap.xml")
    locs = {}
    for url in tree.getroot().findall("s:url", ns):
        loc = url.find("s:loc", ns)
        assert loc is not None and loc.text
        locs[loc.text] = {link.get("hreflang"): link.get("href")
                          for link in url.findall("x:link", ns)}
    expected = {url_of(p) for p in content_pages(built)}
    assert set(locs) == expected
    for loc, alternates in locs.items():
        assert set(alternates) == {*tags(built).values(), "x-default"}
        assert loc in alternates.values()
    assert (built / "robots.txt").read_text().strip().endswith(f"Sitemap: {BASE}sitemap.xml")


def test_root_entry_page_offers_both_languages_without_script(built: Path) -> None:
    doc = parse_html((built / "index.html").read_bytes())
    hrefs = {a.attrs["href"] for a in doc.find_all("a")}
    assert {f"/{code}/" for code in tags(built)} <= hrefs
    assert not doc.find_all("meta", http_equiv="refresh")
    assert all((built / code / "404.html").exists() for code in tags(built))


def test_every_page_names_its_source(built: Path) -> None:
    for path, doc in content_pages(built).items():
        assert doc.find_all("cite"), path


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build(SITES["real"], tmp_path / "one", base_url=BASE)
    build(SITES["real"], tmp_path / "two", base_url=BASE)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_fallback_page_carries_a_notice(mini_content: Path, tmp_path: Path) -> None:
    (mini_content / "about.en.md").unlink()
    build(mini_content, tmp_path / "out", strict=False, base_url=BASE)
    doc = parse_html((tmp_path / "out" / "en" / "about" / "index.html").read_bytes())
    assert doc.find_all("p", class_="notice fallback-notice")
    [article] = doc.find_all("article")
    assert article.attrs.get("lang") == "zh-CN"


def test_rebuild_removes_stale_files(mini_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for lang, title in (("zh", "临时"), ("en", "Temporary")):
        (mini_content / "topics" / f"extra.{lang}.md").write_text(f"---\ntitle: {title}\n---\n")
    build(mini_content, out)
    assert (out / "en" / "topics" / "extra" / "index.html").exists()
    for lang in ("zh", "en"):
        (mini_content / "topics" / f"extra.{lang}.md").unlink()
    build(mini_content, out)
    assert not (out / "en" / "topics" / "extra").exists()
    assert not (out / "zh" / "topics" / "extra").exists()
