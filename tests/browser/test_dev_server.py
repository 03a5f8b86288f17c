"""The dev server in a real browser, as an editor works with it: a save that puts a
translation behind shows the new warning in a panel on the open page; a save that
breaks a file shows its problems over the page, which stays the last good site; the
fix takes the problems away."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import chromium
from conftest import recorded_dev_server

pytestmark = pytest.mark.slow  # and skipped without Chromium: tests/conftest.py

WAIT_MS = 60_000  # a generous ceiling: a loaded CI machine is slow, not wrong


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def served(mini_content: Path, tmp_path: Path) -> Iterator[str]:
    """A dev server on a copy of the mini site with its translations recorded."""
    with recorded_dev_server(mini_content, tmp_path / "cache", log=lambda line: None) as server:
        host, port = server.httpd.server_address[:2]
        yield f"http://{host}:{port}"


def test_an_editor_sees_new_warnings_and_problems_on_the_open_page(
        browser: Any, served: str, mini_content: Path) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{served}/en/about/")
        title = page.title()
        source = mini_content / "about.zh.md"
        text = source.read_text(encoding="utf-8")
        with page.expect_event("load", timeout=WAIT_MS):  # the save reloads the tab
            source.write_text(text.replace("来源说明。", "来源的详细说明。"), encoding="utf-8")
        panel = page.locator("#duet-build-warnings")
        panel.wait_for(timeout=WAIT_MS)
        assert "may be behind 'zh'" in (panel.text_content() or "")
        panel.get_by_role("button", name="Close").click()
        assert panel.count() == 0

        source.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
        overlay = page.locator("#duet-build-problems")
        overlay.wait_for(timeout=WAIT_MS)
        assert "about.zh.md:2" in (overlay.text_content() or "")
        assert overlay.get_attribute("role") == "alert"
        assert page.title() == title  # the last good page, under the problems

        with page.expect_event("load", timeout=WAIT_MS):
            source.write_text(text, encoding="utf-8")
        assert page.locator("#duet-build-problems").count() == 0
    finally:
        page.close()
