"""What the browser tests share: where Chromium is, how to start it, the pages."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from conftest import CHROMIUM

from duet.pdf import CHROMIUM_ARGS

__all__ = ["CHROMIUM_ARGS"]  # the browser tests start Chromium as `pdf` does
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


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file server for a built site, with the types Pagefind needs and no log."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm", ".js": "text/javascript", ".svg": "image/svg+xml"}

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@contextlib.contextmanager
def serving(site_dir: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 while the block runs: its base URL."""
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


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
