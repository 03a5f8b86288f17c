"""`duet pdf`: one PDF per language of the whole explainer, printed by Chromium
(through Playwright) from the language's print page (`/<code>/print/`, made by
every build from `print.html`: render/printed.py).

The PDFs go into the theme's static folder as `print/explainer.<code>.pdf`, and
the site is built again: a build publishes them with the other static files
(at `/static/print/explainer.<code>.pdf`) and the print page and the About page
link to a language's PDF only when it is there. The main build never needs
Chromium; a PDF is as fresh as the last `duet pdf`.

Playwright is an optional dependency (`pip install 'duet[pdf]'`); Chromium is the
system's (`--chromium`, default /usr/bin/chromium), never a downloaded one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

PDF_FOLDER = "print"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FOOTER = ('<div style="font-size:8pt;width:100%;text-align:center;color:#555">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def pdf_name(code: str) -> str:
    """The language's PDF, inside the static folder (and under /static/ on the site)."""
    return f"{PDF_FOLDER}/explainer.{code}.pdf"


def missing_requirement(chromium: Path) -> str | None:
    """Why PDFs cannot be printed here (a sentence saying what to install), or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("`pdf` needs Playwright: pip install 'duet[pdf]' (in this repository: "
                ".venv/bin/pip install -r requirements-test.txt)")
    if not (chromium.is_file() and os.access(chromium, os.X_OK)):
        return (f"`pdf` needs Chromium, and there is none at {chromium}: install it "
                "(Debian: apt-get install chromium fonts-noto-cjk) or name it with "
                "--chromium PATH")
    return None


def print_pdfs(site_dir: Path, base_path: str, codes: list[str], static_dir: Path,
               chromium: Path) -> list[Path]:
    """Print each language's print page of the site built in `site_dir` into the
    static folder; the PDFs written."""
    from playwright.sync_api import sync_playwright

    from duet.serve.files import serving  # here: a build, which names the PDFs, serves nothing

    written = []
    with serving(site_dir, base_path) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            for code in codes:
                target = static_dir / pdf_name(code)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(print_page(browser, f"{origin}{base_path}{code}/print/"))
                written.append(target)
        finally:
            browser.close()
    return written


def print_page(browser: Any, url: str) -> bytes:
    """The page at `url` as an A4 PDF, with bookmarks from its headings and page numbers."""
    page = browser.new_page()
    try:
        response = page.goto(url, wait_until="load")
        if response is None or not response.ok:
            raise RuntimeError(f"{url}: no print page (is print.html in the templates?)")
        page.evaluate("document.fonts.ready.then(() => true)")
        pdf: bytes = page.pdf(format="A4", print_background=True, outline=True, tagged=True,
                              display_header_footer=True, header_template="<span></span>",
                              footer_template=FOOTER,
                              margin={"top": "18mm", "bottom": "18mm", "left": "16mm",
                                      "right": "16mm"})
        return pdf
    finally:
        page.close()


def report(paths: list[Path]) -> None:
    for path in paths:
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)", file=sys.stdout)
