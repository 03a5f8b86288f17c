"""The translation report (`duet translations --html`, the dev server's dashboard) in a
real browser: accessible, with what changed one click away."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browsing import CHROMIUM_ARGS, ROOT
from conftest import CHROMIUM, MINI, run_cli

pytestmark = pytest.mark.slow  # and skipped without Chromium: tests/conftest.py

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the mini site with one section behind, every unit listed."""
    content = tmp_path_factory.mktemp("report") / "content"
    shutil.copytree(MINI, content)
    assert run_cli("translations", "--content", str(content), "--accept-all").returncode == 0
    page = content / "about.zh.md"
    page.write_text(page.read_text(encoding="utf-8").replace("来源说明。", "来源的详细说明。"),
                    encoding="utf-8")
    out = content.parent / "report.html"
    done = run_cli("translations", "--content", str(content), "--html", str(out), "--all",
                   cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_the_report_passes_axe_and_opens_the_diff(browser: Any, report: Path) -> None:
    page = browser.new_page()
    try:
        page.goto(report.as_uri(), wait_until="load")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                           "resultTypes": ["violations"]})
        assert not results.violations_count, results.generate_report()
        change = page.locator("details ins")
        assert not change.is_visible()
        page.get_by_text("What changed in zh").click()
        assert change.is_visible() and change.inner_text().endswith("的详细")
    finally:
        page.close()
