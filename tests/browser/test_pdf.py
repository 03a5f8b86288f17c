"""`build.py pdf`: one PDF per language, printed by Chromium from the print page, with
the CJK fonts in it, figures as vectors, bookmarks, and published with the site.

Skipped without Chromium (tests/conftest.py), like every browser test; over the
fixture in tests/browser/site, or DUET_BROWSER_CONTENT's content (the real
explainer's has the Traditional edition too)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browsing import FIXTURE, ROOT
from htmlparse import parse_html

pytestmark = pytest.mark.slow

LANGUAGES = ("zh", "zh-hant", "en")
CONTENT = Path(os.environ.get("DUET_BROWSER_CONTENT", FIXTURE)).resolve()


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The fixture site built with `pdf`, into a copy of the theme's static folder."""
    work = tmp_path_factory.mktemp("pdf")
    static = work / "static"
    shutil.copytree(ROOT / "static", static, ignore=shutil.ignore_patterns("print"))
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "pdf", "--content", str(CONTENT),
         "--out", str(work / "_site"), "--static", str(static), "--strict"],
        cwd=work, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return static, work / "_site", result.stdout


def pdf_of(static: Path, code: str) -> bytes:
    if not (static.parent / "_site" / code).is_dir():
        pytest.skip(f"the site has no '{code}' edition")
    return (static / "print" / f"explainer.{code}.pdf").read_bytes()


def font_names(pdf: bytes) -> set[str]:
    return {name.decode() for name in re.findall(rb"/FontName\s*/[A-Z]{6}\+([\w-]+)", pdf)}


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_language_has_a_pdf_of_every_page(printed: tuple[Path, Path, str],
                                               code: str) -> None:
    static, site, stdout = printed
    pdf = pdf_of(static, code)
    assert pdf.startswith(b"%PDF-")
    assert f"explainer.{code}.pdf" in stdout
    sections = parse_html((site / code / "print" / "index.html").read_bytes()).find_all(
        "section", class_="printed-page")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= len(sections) + 2  # a cover, the contents, each page on its own sheets
    assert b"/Outlines" in pdf  # bookmarks from the headings
    assert b"/Subtype /Image" not in pdf  # the figures are drawn as vectors, not pictures


@pytest.mark.parametrize(("code", "cut"), [("zh", "sc"), ("zh-hant", "tc")])
def test_chinese_editions_carry_their_cjk_fonts(printed: tuple[Path, Path, str], code: str,
                                                cut: str) -> None:
    pdf = pdf_of(printed[0], code)
    fonts = font_names(pdf)
    assert any(re.match(rf"Noto(Sans|Serif)CJK{cut}-", name) for name in fonts), fonts
    assert b"/ToUnicode" in pdf  # the text can be searched and copied


def test_the_site_publishes_the_pdfs_and_the_print_page_links_them(
        printed: tuple[Path, Path, str]) -> None:
    static, site, _ = printed
    for code in LANGUAGES:
        if not (site / code).is_dir():
            continue
        published = site / "static" / "print" / f"explainer.{code}.pdf"
        assert published.read_bytes() == pdf_of(static, code)
        page = site / code / "print" / "index.html"
        links = [a.attrs["href"] for a in parse_html(page.read_bytes()).find_all("a")]
        assert f"/static/print/explainer.{code}.pdf" in links, page
