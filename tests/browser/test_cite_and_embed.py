"""Cite this page and the figures' own pages, in a real browser: the copy buttons work
from the keyboard and without a network, the citation is there to select without
scripts, and a figure page works inside another site's frame, its links opening in
the top window. Built from the real content (the fixture site declares no citation
and has no figure pages)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browsing import DESKTOP, ROOT, WCAG_TAGS, chromium, serving

from duet.build import BuildOptions, build_site

pytestmark = pytest.mark.slow  # and skipped without Chromium: tests/conftest.py


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("cite-browser") / "_site"
    build_site(BuildOptions.for_project(ROOT, content_dir=ROOT / "content", out_dir=out,
                                        strict=True, base_url="https://example.org/"))
    with serving(out) as url:
        yield url


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900},
                                  permissions=["clipboard-read", "clipboard-write"])
    yield context
    context.close()


def clipboard(page: Any) -> str:
    return str(page.evaluate("navigator.clipboard.readText()"))


def test_the_citation_is_copied_from_the_keyboard_offline(context: Any,
                                                          real_site: str) -> None:
    page = context.new_page()
    page.goto(f"{real_site}/en/context/")
    context.set_offline(True)
    page.focus("details.cite summary")
    page.keyboard.press("Enter")
    assert page.locator("details.cite").get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.copy") == "cite-text"
    page.keyboard.press("Enter")
    status = page.locator("button[data-copy=cite-text] + .copy-status")
    status.wait_for(state="visible")
    assert status.text_content() == "Copied"
    assert clipboard(page) == page.locator("#cite-text").text_content()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.copy") == "cite-bibtex"
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelector('button[data-copy=cite-bibtex] + "
                           ".copy-status').textContent !== ''")
    copied = clipboard(page)
    assert copied.startswith("@online{") and "url = {https://example.org/en/context/}" in copied


def test_without_scripts_the_citation_is_there_to_select(browser: Any,
                                                          real_site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{real_site}/zh/context/")
        page.click("details.cite summary")
        assert page.locator("#cite-text").is_visible()
        assert "[EB/OL]" in (page.locator("#cite-text").text_content() or "")
        assert not page.locator("button.copy-button").first.is_visible()
    finally:
        context.close()


def test_a_figure_page_works_inside_another_site_s_frame(context: Any, real_site: str,
                                                         tmp_path: Path) -> None:
    figure = f"{real_site}/en/figures/timeline/"
    (tmp_path / "index.html").write_text(
        f'<!DOCTYPE html><html lang="en"><title>Host</title><iframe src="{figure}" '
        'title="Figure" width="640" height="900"></iframe></html>', encoding="utf-8")
    with serving(tmp_path) as host:
        page = context.new_page()
        page.goto(f"{host}/")
        frame = page.frame_locator("iframe")
        drawn = frame.locator("svg.vis >> visible=true")  # the narrow drawing, at 640 wide
        drawn.first.wait_for()
        assert drawn.count() == 1
        assert drawn.first.get_attribute("id") == "timeline-picture-narrow"
        frame.locator(".embed-footer a").first.click()
        page.wait_for_url(f"{real_site}/en/figures/")
        assert page.url == f"{real_site}/en/figures/"


def test_the_embed_code_is_copied_and_the_figure_page_is_accessible(context: Any,
                                                                    real_site: str) -> None:
    page = context.new_page()
    page.goto(f"{real_site}/zh/figures/map/")
    page.click("details.embed-code summary")
    page.click("button[data-copy=embed-snippet]")
    page.wait_for_function("document.querySelector('button[data-copy=embed-snippet] + "
                           ".copy-status').textContent !== ''")
    assert clipboard(page).startswith('<iframe src="https://example.org/zh/figures/map/"')
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()
