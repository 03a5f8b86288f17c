"""What the browser tests share: where Chromium is, how to start it, the pages."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import CHROMIUM

from duet.pdf import CHROMIUM_ARGS
from duet.serve.files import serving

__all__ = ["CHROMIUM_ARGS", "serving"]  # Chromium started, and sites served, as `pdf` does
ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "site" / "content"
ARTIFACTS = ROOT / "test-artifacts"
PHONE, DESKTOP = 375, 1280
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
"""What axe checks: WCAG 2.2 AA."""


def page_paths(site_dir: Path) -> list[str]:
    """The URL path of every HTML page of the built site, search bundle excluded."""
    paths = []
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir).as_posix()
        if not relative.startswith("pagefind/"):
            paths.append("/" + relative.removesuffix("index.html"))
    return paths


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_watched(context: Any, url: str) -> tuple[Any, list[str], int]:
    """A new tab at url, with the console errors and failed requests it met."""
    problems: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"console error: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    # Pages fetch nothing after their load event (search only on a query), so
    # "load" sees every request; waiting for network idle cost half a second a page.
    response = page.goto(url, wait_until="load")
    return page, problems, response.status if response else 0


def tab_to(page: Any, locator: Any, presses: int = 30) -> bool:
    """Press Tab until `locator` has the focus (True), or `presses` times in vain."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return True
    return False
