"""The print page (what `build.py pdf` prints) and the way to it: every page of the
edition in reading order on one page, with ids kept apart and links kept working,
and links to a PDF only once one has been made. Printing itself needs Chromium:
tests/browser/test_pdf.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build, run_cli
from htmlparse import parse_html

pytestmark = pytest.mark.slow  # builds the real site

CONTENT = ROOT / "content"
GENERATED = ("search", "changes", "print", "parallel")


def theme_static(folder: Path) -> Path:
    """A copy of the theme's static files without any PDF a `pdf` command left there."""
    shutil.copytree(ROOT / "static", folder, ignore=shutil.ignore_patterns("print"))
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("print")
    build(CONTENT, work / "_site", strict=True, base_url="https://example.org/",
          static_dir=theme_static(work / "static"))
    return work / "_site"


def content_pages(site: Path, code: str) -> set[str]:
    """The URL of every content page of the edition, from the files written."""
    urls = set()
    for path in (site / code).rglob("index.html"):
        relative = path.parent.relative_to(site / code).as_posix()
        if relative.split("/")[0] not in GENERATED:
            urls.add(f"/{code}/" if relative == "." else f"/{code}/{relative}/")
    return urls


@pytest.mark.parametrize("code", ["zh", "zh-hant", "en"])
def test_the_print_page_holds_every_page_once_in_reading_order(site: Path, code: str) -> None:
    html = (site / code / "print" / "index.html").read_text(encoding="utf-8")
    doc = parse_html(html)
    sections = [s.attrs["id"] for s in doc.find_all("section", class_="printed-page")]
    expected = {"page-" + (url.strip("/").partition("/")[2].replace("/", "-") or "index")
                for url in content_pages(site, code)}
    assert sorted(sections) == sorted(expected)
    menu = yaml.safe_load((CONTENT / "site.yaml").read_text(encoding="utf-8"))["menu"]
    in_menu = [anchor for anchor in sections if anchor.removeprefix("page-") in menu]
    assert in_menu == ["page-" + key for key in menu]
    for parent, child in (("page-highlands", "page-highlands-talent"),
                          ("page-strengthenings", "page-strengthenings-reform")):
        assert sections.index(parent) < sections.index(child)


@pytest.mark.parametrize("code", ["zh", "en"])
def test_the_print_page_keeps_ids_apart_and_links_inside_it(site: Path, code: str) -> None:
    html = (site / code / "print" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for fragment in re.findall(r'href="#([^"]+)"', html):
        assert fragment in ids, fragment
    # a link between two printed pages stays inside the print page
    assert f'href="/{code}/highlands/talent/' not in html.split('class="print-contents"')[1]


def test_about_links_the_print_page_and_no_pdf_before_one_is_made(site: Path) -> None:
    for code in ("zh", "zh-hant", "en"):
        links = [a.attrs["href"] for a in
                 parse_html((site / code / "about" / "index.html").read_bytes()).find_all("a")]
        assert f"/{code}/print/" in links
        assert not [link for link in links if link.endswith(".pdf")]
        assert not (site / "static" / "print").exists()


def test_a_pdf_in_the_static_folder_is_published_and_linked(tmp_path: Path) -> None:
    static = theme_static(tmp_path / "static")
    (static / "print").mkdir()
    (static / "print" / "explainer.en.pdf").write_bytes(b"%PDF-1.7 stand-in")
    out = tmp_path / "_site"
    build(CONTENT, out, strict=True, static_dir=static)
    assert (out / "static/print/explainer.en.pdf").read_bytes() == b"%PDF-1.7 stand-in"
    for page in ("about", "print"):
        en = [a.attrs["href"] for a in
              parse_html((out / "en" / page / "index.html").read_bytes()).find_all("a")]
        assert "/static/print/explainer.en.pdf" in en
        zh = [a.attrs["href"] for a in
              parse_html((out / "zh" / page / "index.html").read_bytes()).find_all("a")]
        assert not [link for link in zh if link.endswith(".pdf")]  # no Chinese PDF made


def test_pdf_without_chromium_says_what_to_install(tmp_path: Path) -> None:
    result = run_cli("pdf", "--chromium", str(tmp_path / "no-chromium"),
                     "--out", str(tmp_path / "_site"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"there is none at {tmp_path / 'no-chromium'}" in result.stderr
    assert "--chromium" in result.stderr
    assert not (tmp_path / "_site").exists()
