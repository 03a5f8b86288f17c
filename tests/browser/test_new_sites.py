"""Projects made by `duet new`, with a page added in each language, in a real browser:
axe over every page (light, and dark in one site: the
colours are the theme's, the same in every site), no console errors or failed requests, the
language switcher by keyboard, search in each language, right to left mirrored,
nothing wider than a phone.

Skipped, with the reason, without /usr/bin/chromium (tests/conftest.py)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browsing import (
    DESKTOP,
    PHONE,
    WCAG_TAGS,
    chromium,
    open_watched,
    page_paths,
    serving,
    tab_to,
)
from conftest import NewSite, run_duet

pytestmark = pytest.mark.slow  # and skipped without Chromium: tests/conftest.py

LANGUAGES = {"ja-en": ["ja", "en"], "fr-de-en": ["fr", "de", "en"], "ar-en": ["ar", "en"]}
ADDED = {
    "ja": ("沿革", "この町の図書館は百年前に開かれました。", "図書館"),
    "en": ("History", "The town library opened a hundred years ago.", "library"),
    "fr": ("Historique", "La bibliothèque de la ville a ouvert il y a cent ans.",
           "bibliothèque"),
    "de": ("Geschichte", "Die Stadtbibliothek wurde vor hundert Jahren eröffnet.",
           "Stadtbibliothek"),
    "ar": ("تاريخ", "افتُتحت مكتبة المدينة قبل مئة عام.", "مكتبة"),
}
"""The page each test site gets in each language: title, sentence, a word to search."""
EXAMPLE_WORD = {"ja": "見出し", "en": "braces", "fr": "accolades", "de": "Überschrift",
                "ar": "المعقوفين"}
"""A word of the made example page in each language (written here, not read from the
starter's words)."""


def with_a_page_added(new_site: NewSite, name: str, project: Path) -> Path:
    """A copy of a made project with a page added in each of its languages, built with
    `duet --strict`: the built site."""
    shutil.copytree(new_site.project, project,
                    ignore=shutil.ignore_patterns("_site", ".duet-cache", "._site.*"))
    for lang in LANGUAGES[name]:
        title, sentence, _word = ADDED[lang]
        (project / "content" / f"history.{lang}.md").write_text(
            f"---\ntitle: {title}\n---\n## {title} {{#start}}\n\n{sentence}\n",
            encoding="utf-8")
    built = run_duet("--strict", cwd=project)
    assert built.returncode == 0 and "0 warning(s)" in built.stdout, built.stderr
    return project / "_site"


@pytest.fixture(scope="module")
def served(new_sites: dict[str, NewSite],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, str]]]:
    """Each made project with a page added, served on 127.0.0.1: (built site, base URL)
    by name."""
    with contextlib.ExitStack() as stack:
        sites = {}
        for name, new_site in new_sites.items():
            site = with_a_page_added(new_site, name, tmp_path_factory.mktemp("browse") / name)
            sites[name] = (site, stack.enter_context(serving(site)))
        yield sites


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize(("name", "scheme"), [*((name, "light") for name in LANGUAGES),
                                             ("ar-en", "dark")])
def test_every_page_passes_axe_with_no_errors(served: dict[str, tuple[Path, str]],
                                              browser: Any, name: str, scheme: str) -> None:
    site, base = served[name]
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900},
                                  color_scheme=scheme)
    paths = page_paths(site)
    assert {f"/{lang}/history/" for lang in LANGUAGES[name]} <= set(paths)
    failures = []
    for path in paths:
        page, problems, status = open_watched(context, base + path)
        assert status == 200, path
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                           "resultTypes": ["violations"]})
        if results.violations_count:
            failures.append(f"{path}: {results.generate_report()}")
        failures.extend(f"{path}: {problem}" for problem in problems)
        page.close()
    context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", list(LANGUAGES))
def test_the_switcher_is_reached_by_keyboard_and_keeps_the_section(
        served: dict[str, tuple[Path, str]], browser: Any, name: str) -> None:
    _site, base = served[name]
    first, other = LANGUAGES[name][0], LANGUAGES[name][-1]
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    page, problems, _status = open_watched(context, f"{base}/{first}/example/#a-section")
    switch = page.locator(f'a[data-lang-switch][hreflang="{other}"]')
    if not tab_to(page, switch):
        pytest.fail("the language switcher is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{other}/example/#a-section")
    assert page.evaluate("document.documentElement.lang") == other
    assert page.locator("#a-section").is_visible()
    current = page.locator(".lang-switch a[aria-current]")
    assert current.count() == 1 and current.get_attribute("hreflang") == other
    assert page.locator(".lang-switch a").count() == len(LANGUAGES[name])
    context.close()
    assert not problems


SEARCHES = [(name, lang, word, path) for name, langs in LANGUAGES.items() for lang in langs
            for word, path in [(ADDED[lang][2], "history/"), (EXAMPLE_WORD[lang], "example/")]]


@pytest.mark.parametrize(("name", "lang", "word", "expected"), SEARCHES)
def test_search_finds_the_page_in_the_page_language(served: dict[str, tuple[Path, str]],
                                                    browser: Any, name: str, lang: str,
                                                    word: str, expected: str) -> None:
    _site, base = served[name]
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    page, problems, _status = open_watched(context, f"{base}/{lang}/search/")
    page.fill("#search-query", word)
    page.press("#search-query", "Enter")
    results = page.locator("[data-search-results] a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    context.close()
    assert f"/{lang}/{expected}" in hrefs, hrefs
    assert all(href.startswith(f"/{lang}/") for href in hrefs), hrefs
    assert not problems


def test_right_to_left_mirrors_the_layout(served: dict[str, tuple[Path, str]],
                                          browser: Any) -> None:
    """In Arabic the title sits at the right of the header and the menu to its left;
    in English the other way round."""
    _site, base = served["ar-en"]
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    page = context.new_page()
    sides = {}
    for lang in ("ar", "en"):
        page.goto(f"{base}/{lang}/example/", wait_until="load")
        title = page.locator(".site-title").bounding_box()
        menu = page.locator(".site-nav").bounding_box()
        sides[lang] = title["x"] > menu["x"]
        assert page.evaluate("getComputedStyle(document.body).direction") == (
            "rtl" if lang == "ar" else "ltr")
    context.close()
    assert sides == {"ar": True, "en": False}


@pytest.mark.parametrize("name", list(LANGUAGES))
def test_no_page_scrolls_sideways_on_a_phone(served: dict[str, tuple[Path, str]],
                                             browser: Any, name: str) -> None:
    site, base = served[name]
    context = browser.new_context(viewport={"width": PHONE, "height": 812})
    page = context.new_page()
    wide = []
    for path in page_paths(site):
        page.goto(base + path, wait_until="load")
        if page.evaluate("document.documentElement.scrollWidth") > PHONE:
            wide.append(path)
    context.close()
    assert not wide, f"pages that scroll sideways at {PHONE} px: {wide}"
