"""The built site in a real browser: accessibility, errors, language switch,
search, phone and desktop layouts.

The tests skip, with the reason, when /usr/bin/chromium is missing; `make
test` installs it with fonts-noto-cjk where it can (.ci/test-deps). Set DUET_BROWSER_CONTENT to a
content folder (e.g. `content`) to run them over another site than the
fixture in tests/browser/site.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browsing import (
    ARTIFACTS,
    DESKTOP,
    FIXTURE,
    PHONE,
    ROOT,
    WCAG_TAGS,
    chromium,
    open_watched,
    page_paths,
    serving,
    tab_to,
)
from htmlparse import parse_html

from duet.build import BuildOptions, build_site

pytestmark = pytest.mark.slow  # and skipped without Chromium: tests/conftest.py


CONTENT = Path(os.environ.get("DUET_BROWSER_CONTENT", FIXTURE)).resolve()


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "_site"
    build_site(BuildOptions.for_project(ROOT, content_dir=CONTENT, out_dir=out, strict=True,
                                        base_url="https://example.org/"))
    return out


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    with serving(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    yield context
    context.close()


def test_every_page_passes_axe_with_no_errors_or_failed_requests(
        site_dir: Path, base_url: str, context: Any) -> None:
    axe = Axe()
    failures = []
    paths = page_paths(site_dir)
    assert any("/parallel/" in p for p in paths) and any("/search/" in p for p in paths)
    for path in paths:
        page, problems, status = open_watched(context, base_url + path)
        assert status == 200, path
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                         "resultTypes": ["violations"]})
        if results.violations_count:
            failures.append(f"{path}: {results.generate_report()}")
        failures.extend(f"{path}: {problem}" for problem in problems)
        page.close()
    assert not failures, "\n".join(failures)


def test_language_switch_by_keyboard_keeps_page_and_section(base_url: str,
                                                            context: Any) -> None:
    page, problems, _ = open_watched(context, base_url + "/zh/context/#conference")
    switch = page.locator('a[data-lang-switch][hreflang="en"]')
    if not tab_to(page, switch):
        pytest.fail("the language switcher is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/context/#conference")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("#conference").is_visible()
    assert not problems


# What a reader searching for these words must find, per site: the fixture
# keeps its test words on different pages than the explainer does.
SEARCHES = {
    FIXTURE: [
        ("zh", "光谷", "/zh/"),
        ("zh", "实验室", "/zh/strengthenings/platforms/"),
        ("en", "laboratory", "/en/strengthenings/platforms/"),
        ("en", "golden triangle", "/en/strengthenings/whole-region/"),
    ],
    ROOT / "content": [
        ("zh", "光谷", "/zh/highlands/industry/"),
        ("zh", "光谷", "/zh/strengthenings/whole-region/"),
        ("zh", "实验室", "/zh/strengthenings/platforms/"),
        ("zh", "实验室", "/zh/highlands/original-innovation/"),
        ("zh", "金三角", "/zh/strengthenings/whole-region/"),
        ("zh-hant", "實驗室", "/zh-hant/strengthenings/platforms/"),
        ("zh-hant", "光谷", "/zh-hant/highlands/industry/"),
        ("en", "laboratory", "/en/strengthenings/platforms/"),
        ("en", "Optics Valley", "/en/highlands/industry/"),
        ("en", "golden triangle", "/en/strengthenings/whole-region/"),
    ],
}


@pytest.mark.parametrize(("lang", "query", "expected"), SEARCHES.get(CONTENT, []))
def test_search_finds_pages_in_the_page_language(base_url: str, context: Any, lang: str,
                                                 query: str, expected: str) -> None:
    page, problems, _ = open_watched(context, f"{base_url}/{lang}/search/")
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    results = page.locator("[data-search-results] a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href").split("#")[0] for i in range(results.count())]
    assert expected in hrefs, hrefs
    assert all(href.startswith(f"/{lang}/") for href in hrefs), hrefs
    assert not problems


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_page_screenshots_and_no_sideways_scroll(browser: Any, site_dir: Path,
                                                      base_url: str, lang: str,
                                                      width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/{lang}/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{lang}-{width}.png"), full_page=True)
    if width == PHONE:  # every page of this language (and the entry page, with zh)
        wide = []
        for path in page_paths(site_dir):
            if not path.startswith(f"/{lang}/") and not (path == "/" and lang == "zh"):
                continue
            page.goto(base_url + path, wait_until="load")
            if page.evaluate("document.documentElement.scrollWidth") > PHONE:
                wide.append(path)
        assert not wide, f"pages that scroll sideways at {PHONE} px: {wide}"
    context.close()


@pytest.mark.parametrize("path", ["/zh/", "/en/", "/zh/milestones/",
                                  "/en/strengthenings/whole-region/"])
def test_dark_mode_passes_axe(browser: Any, base_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900},
                                  color_scheme="dark")
    page = context.new_page()
    page.goto(base_url + path)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    context.close()
    assert not results.violations_count, results.generate_report()


def editions(site_dir: Path) -> list[str]:
    """The language folders of the built site (each has a home page)."""
    return sorted(p.name for p in site_dir.iterdir()
                  if (p / "index.html").is_file() and p.name != "pagefind")


SCREENS = [(DESKTOP, 800), (PHONE, 812)]


def test_home_page_answers_on_the_first_screen(browser: Any, site_dir: Path,
                                               base_url: str) -> None:
    """In every edition, at 1280×800 and 375×812, the first screen holds the
    answer (what the plan commits to) and the whole plan as a figure whose parts
    link to their pages; nothing after the figure repeats those links."""
    failures = []
    for width, height in SCREENS:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        for lang in editions(site_dir):
            page.goto(f"{base_url}/{lang}/", wait_until="load")
            answer = page.locator("main .answer")
            assert answer.count() == 1 and answer.inner_text().strip(), lang
            parts = page.locator("main .plan .plan-part a")
            hrefs = [parts.nth(i).get_attribute("href") for i in range(parts.count())]
            assert len(hrefs) >= 4, (lang, hrefs)
            assert all((site_dir / href.strip("/") / "index.html").is_file() for href in hrefs)
            for what, locator in [("answer", answer), ("figure", page.locator("main .plan"))]:
                box = locator.bounding_box()
                if box is None or box["y"] + box["height"] > height:
                    failures.append(f"/{lang}/ at {width}×{height}: the {what} ends at "
                                    f"{box and box['y'] + box['height']:.0f} px")
            repeated = page.evaluate("""hrefs => [...document.querySelectorAll('main a[href]')]
                .filter(a => !a.closest('.plan') && hrefs.includes(a.getAttribute('href')))
                .map(a => a.getAttribute('href'))""", hrefs)
            if repeated:
                failures.append(f"/{lang}/: links repeating the figure's: {repeated}")
        context.close()
    assert not failures, "\n".join(failures)


def test_overview_and_item_pages_mark_their_part_of_the_plan(browser: Any, site_dir: Path,
                                                             base_url: str) -> None:
    context = browser.new_context(viewport={"width": DESKTOP, "height": 800})
    page = context.new_page()
    for lang in editions(site_dir):
        for section in ("highlands", "strengthenings"):
            page.goto(f"{base_url}/{lang}/{section}/", wait_until="load")
            marked = page.locator(".plan [aria-current=page]")
            assert marked.count() == 1
            assert marked.get_attribute("href") == f"/{lang}/{section}/"
            child = page.locator(".plan-part a").first.get_attribute("href")
            page.goto(base_url + child, wait_until="load")
            assert page.locator(".plan [aria-current=page]").get_attribute("href") == child
    context.close()


def test_phone_header_is_one_row_with_a_menu_and_stays_reachable(browser: Any, site_dir: Path,
                                                                 base_url: str) -> None:
    context = browser.new_context(viewport={"width": PHONE, "height": 812})
    page = context.new_page()
    for lang in editions(site_dir):
        for path in (f"/{lang}/", f"/{lang}/glossary/"):
            page.goto(base_url + path, wait_until="load")
            header = page.locator(".site-header")
            height = header.bounding_box()["height"]
            assert height <= 64, f"{path}: the header is {height:.0f} px high at {PHONE} px"
            title = page.locator(".site-title")
            assert title.bounding_box()["height"] <= 32, f"{path}: the title wraps"
        page.evaluate("window.scrollTo({top: document.body.scrollHeight, behavior: 'instant'})")
        assert page.evaluate("window.scrollY") > 300
        assert header.bounding_box()["y"] >= 0, "the header scrolled away"
        menu = page.locator("button.menu-button")
        nav = page.locator(".site-nav")
        assert not nav.is_visible()
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
        assert nav.is_visible() and page.locator(".lang-switch").is_visible()
        page.keyboard.press("Escape")
        assert not nav.is_visible()
    context.close()


def test_switcher_lists_every_edition_and_marks_the_current_one(browser: Any, site_dir: Path,
                                                                base_url: str) -> None:
    context = browser.new_context(viewport={"width": DESKTOP, "height": 800})
    page = context.new_page()
    langs = editions(site_dir)
    for lang in langs:
        page.goto(f"{base_url}/{lang}/context/", wait_until="load")
        links = page.locator(".lang-switch a")
        assert links.count() == len(langs)
        current = page.locator(".lang-switch a[aria-current]")
        assert current.count() == 1
        assert current.get_attribute("hreflang") == page.evaluate("document.documentElement.lang")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, "the editions are not on one row"
    context.close()


def rendered_fonts(page: Any, selector: str) -> set[str]:
    """The font families Chromium actually drew the element's text with."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {font["familyName"] for font in fonts}


@pytest.mark.parametrize(("path", "script"), [("/zh/", "SC"), ("/zh-hant/", "TC")])
def test_each_chinese_edition_is_set_in_its_own_fonts(browser: Any, site_dir: Path,
                                                      base_url: str, path: str,
                                                      script: str) -> None:
    if not (site_dir / path.strip("/")).is_dir():
        pytest.skip(f"this site has no {path} edition")
    context = browser.new_context(viewport={"width": DESKTOP, "height": 800})
    page = context.new_page()
    page.goto(base_url + path, wait_until="load")
    other = "TC" if script == "SC" else "SC"
    for selector in ("main .answer p", "main h1"):
        fonts = rendered_fonts(page, selector)
        cjk = {font for font in fonts if "CJK" in font}
        assert cjk and all(font.endswith(script) for font in cjk), (selector, fonts)
        assert not any(font.endswith(other) for font in cjk), (selector, fonts)
    context.close()


def test_long_pages_have_their_sections_in_the_margin_on_a_wide_screen(
        browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    for path in ("/zh/context/", "/en/milestones/", "/en/glossary/"):
        page.goto(base_url + path, wait_until="load")
        toc = page.locator("nav.toc")
        assert toc.is_visible(), path
        article = page.locator("main article").bounding_box()
        assert toc.bounding_box()["x"] >= article["x"] + article["width"], "not in the margin"
        for href in toc.locator("a").evaluate_all("links => links.map(a => a.hash)"):
            assert page.locator(href).count() == 1, (path, href)
        page.evaluate("window.scrollTo({top: document.body.scrollHeight / 2, behavior: 'instant'})")
        assert toc.is_visible() and toc.bounding_box()["y"] >= 0, "the list scrolled away"
    page.set_viewport_size({"width": PHONE, "height": 812})
    assert not page.locator("nav.toc").is_visible(), "the margin list shows on a phone"
    context.close()


def test_glossary_is_grouped_by_topic_with_an_index_and_a_filter(browser: Any,
                                                                 base_url: str) -> None:
    context = browser.new_context(viewport={"width": PHONE, "height": 812})
    page = context.new_page()
    page.goto(f"{base_url}/en/glossary/", wait_until="load")
    topics = page.locator(".glossary-topic")
    index = page.locator(".glossary-index a")
    assert index.count() == topics.count() >= 2
    first_entry = page.locator(".glossary .entry").first
    assert index.first.bounding_box()["y"] < first_entry.bounding_box()["y"]
    total = page.locator(".glossary .entry").count()
    term = page.locator(".term-head").first.get_attribute("id")
    name = page.locator(f"#{term} .term-en").inner_text()
    page.fill("#glossary-filter", name)
    visible = page.locator(".glossary .entry:not([hidden])")
    assert 1 <= visible.count() < total
    assert page.locator(f"#{term}").is_visible()
    assert page.locator(".glossary-filter [role=status]").inner_text()
    page.fill("#glossary-filter", "zzzzqqq")
    assert visible.count() == 0 and page.locator(".glossary-topic:not([hidden])").count() == 0
    page.fill("#glossary-filter", "")
    assert visible.count() == total
    context.close()


def test_parallel_page_lets_the_reader_pick_two_editions(browser: Any, site_dir: Path,
                                                         base_url: str) -> None:
    langs = editions(site_dir)
    context = browser.new_context(viewport={"width": DESKTOP, "height": 800})
    page = context.new_page()
    page.goto(f"{base_url}/{langs[0]}/parallel/context/", wait_until="load")
    row = page.locator(".parallel-row").first

    def shown() -> list[str]:
        cells = row.locator(".parallel-cell:visible")
        boxes = [(cells.nth(i).bounding_box()["x"], cells.nth(i).get_attribute("data-edition"))
                 for i in range(cells.count())]
        tops = {round(cells.nth(i).bounding_box()["y"]) for i in range(cells.count())}
        assert len(tops) == 1, "the two editions are not side by side"
        return [code for _, code in sorted(boxes)]

    assert len(shown()) == 2 and shown()[0] == langs[0]
    if len(langs) > 2:
        page.select_option("select[name=right]", langs[2])
        assert shown() == [langs[0], langs[2]]
        page.select_option("select[name=left]", langs[1])
        assert shown() == [langs[1], langs[2]]
        assert f"left={langs[1]}" in page.url
        page.select_option("select[name=left]", langs[2])  # the other column's: a swap
        assert shown() == [langs[2], langs[1]]
    context.close()


def test_switcher_keeps_the_reading_position_and_the_search_query(browser: Any,
                                                                   base_url: str) -> None:
    context = browser.new_context(viewport={"width": DESKTOP, "height": 400})
    page, problems, _ = open_watched(context, base_url + "/zh/context/")
    page.wait_for_load_state("networkidle")  # the favicon, which a navigation would cancel
    ident = page.locator("main h2[id]").nth(1).get_attribute("id")
    page.evaluate("id => document.getElementById(id).scrollIntoView("
                  "{block: 'start', behavior: 'instant'})", ident)
    # A click where the link is (Playwright's own click scrolls it into view first).
    box = page.locator('a[data-lang-switch][hreflang="en"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(f"**/en/context/#{ident}")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base_url}/zh/search/?q=实验室", wait_until="load")
    page.locator("[data-search-results] a").first.wait_for(timeout=15000)
    page.wait_for_load_state("networkidle")  # the favicon, which a navigation would cancel
    page.locator('a[data-lang-switch][hreflang="en"]').click()
    page.wait_for_url("**/en/search/?q=*")
    assert page.input_value("#search-query") == "实验室"
    assert not problems
    context.close()


def test_print_shows_the_text_without_navigation(browser: Any, base_url: str) -> None:
    """In Chromium's print emulation: no navigation, headings kept with what
    follows, glossary terms plain, the timeline's years all there as text."""
    context = browser.new_context(viewport={"width": DESKTOP, "height": 800})
    page = context.new_page()
    for path in ("/en/", "/zh/glossary/", "/en/milestones/", "/zh/highlands/"):
        page.goto(base_url + path, wait_until="load")
        page.emulate_media(media="print")
        for selector in (".site-menu", ".header-tools", ".toc", ".breadcrumbs", ".pager",
                         ".page-tools", ".glossary-filter", ".glossary-index", ".band .cards",
                         ".footer-links"):
            shown = page.locator(selector).evaluate_all(
                "els => els.filter(e => e.checkVisibility()).length")
            assert shown == 0, f"{path}: {selector} prints"
        styles = page.evaluate("""() => ({
            headings: [...document.querySelectorAll('main h2, main h3')]
                .map(h => getComputedStyle(h).breakAfter),
            terms: [...document.querySelectorAll('main a.term')]
                .map(a => getComputedStyle(a).textDecorationLine),
            header: getComputedStyle(document.querySelector('.site-header')).position})""")
        assert set(styles["headings"]) <= {"avoid"}, (path, styles["headings"])
        assert set(styles["terms"]) <= {"none"}, (path, styles["terms"])
        assert styles["header"] == "static", path
        cards = page.locator("main .card").evaluate_all(
            "cards => cards.map(c => getComputedStyle(c).breakInside)")
        assert set(cards) <= {"avoid"}, f"{path}: cards split across pages"
        if path.endswith("/milestones/"):
            years = page.locator(".timeline > li")
            assert years.count() >= 2
            assert all(years.nth(i).is_visible() for i in range(years.count()))
            assert page.locator(".timeline li li").first.is_visible()
        page.emulate_media(media="screen")
    context.close()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_milestones_read_as_text_on_every_screen(browser: Any, base_url: str,
                                                 width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{base_url}/en/milestones/", wait_until="load")
    events = page.locator(".timeline li li")
    assert events.count() >= 4
    assert all(events.nth(i).is_visible() for i in range(events.count()))
    size = events.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 15, f"milestone text at {size} px"
    assert page.locator("details:not(.cite)").count() == 0, "the years are folded away"
    context.close()


# The first result a reader must get, in both scripts: the glossary's definition
# for a term, and a Simplified query on the Traditional edition (and the reverse)
# finds the edition's own text. Queries marked None check the order only.
RANKING = {
    FIXTURE: [
        ("zh", "光谷", "/zh/glossary/#optics-valley"),
        ("zh", "实验室", "/zh/glossary/#hubei-labs"),
        ("en", "Optics Valley", "/en/glossary/#optics-valley"),
    ],
    ROOT / "content": [
        ("zh", "光谷", "/zh/glossary/#optics-valley"),
        ("zh-hant", "光谷", "/zh-hant/glossary/#optics-valley"),
        ("zh", "实验室", "/zh/glossary/#hubei-laboratories"),
        ("zh-hant", "實驗室", "/zh-hant/glossary/#hubei-laboratories"),
        ("zh-hant", "实验室", "/zh-hant/glossary/#hubei-laboratories"),
        ("zh", "實驗室", "/zh/glossary/#hubei-laboratories"),
        ("zh", "金三角", "/zh/glossary/#golden-triangle"),
        ("zh-hant", "金三角", "/zh-hant/glossary/#golden-triangle"),
        ("en", "Optics Valley", "/en/glossary/#optics-valley"),
        ("zh", "人形机器人", None),
        ("zh-hant", "人形機器人", None),
        ("zh-hant", "人形机器人", None),
    ],
}


IGNORED = [r'<span class="term-tip"[^>]*data-pagefind-ignore>.*?</span>',
           r'<svg.*?</svg>',
           r'<figure class="plan[^"]*" data-pagefind-ignore>.*?</figure>']
"""What Pagefind leaves out of the pages' text: what they mark data-pagefind-ignore
(term tips, the plan's figure of links) and the pictures' SVG."""


@pytest.mark.parametrize(("lang", "query", "first"), RANKING.get(CONTENT, []))
def test_search_ranks_the_word_first_and_links_to_its_section(
        base_url: str, site_dir: Path, context: Any, lang: str, query: str,
        first: str | None) -> None:
    """Pages that have the query as a word come before pages that only share a
    character with it; each result links to its section, names it, and its
    excerpt keeps Chinese punctuation."""
    page, problems, _ = open_watched(context, f"{base_url}/{lang}/search/")
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    items = page.locator("[data-search-results] li")
    items.first.wait_for(timeout=15000)
    hrefs = items.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    if first is not None:
        assert hrefs[0] == first, hrefs
    words = {query, query.translate(str.maketrans("实验机", "實驗機")),
             query.translate(str.maketrans("實驗機", "实验机"))}

    def has_word(href: str) -> bool:
        """Whether the text Pagefind indexes (the article without the parts
        marked data-pagefind-ignore) has the query."""
        html = (site_dir / href.split("#")[0].strip("/") / "index.html").read_text()
        html = html[html.index("<article"):html.index("</article>")]
        for ignored in IGNORED:
            html = re.sub(ignored, "", html, flags=re.DOTALL)
        text = re.sub(r"\s+", " ", " ".join(a.text for a in parse_html(html).find_all("article")))
        return any(word in text for word in words)

    holding = [has_word(href) for href in hrefs]
    assert holding[0] and holding == sorted(holding, reverse=True), \
        list(zip(hrefs, holding, strict=True))
    top = items.first
    if "#" in hrefs[0]:
        assert top.locator(".result-section").inner_text().strip()
    marked = top.locator("mark").all_inner_texts()
    assert any(word.lower() in {m.lower() for m in marked} for word in words), marked
    if lang.startswith("zh"):
        text = " ".join(items.all_inner_texts())
        assert not re.search(r"[\u3400-\u9fff]\. ", text), "Chinese excerpt joined with '. '"
    assert not problems


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_picture_labels_are_drawn_at_twelve_pixels_or_more(browser: Any, site_dir: Path,
                                                           base_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    small = []
    for lang in editions(site_dir):
        for path in ("", "milestones/", "strengthenings/whole-region/"):
            page.goto(f"{base_url}/{lang}/{path}", wait_until="load")
            sizes = page.evaluate("""() => [...document.querySelectorAll('main svg.vis')]
                .filter(svg => svg.checkVisibility())
                .map(svg => {
                    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                    return [svg.id, Math.min(...[...svg.querySelectorAll('text')]
                        .map(t => parseFloat(getComputedStyle(t).fontSize) * scale))];
                })""")
            small += [f"/{lang}/{path} {ident}: {size:.1f} px" for ident, size in sizes
                      if size < 11.95]
    context.close()
    assert not small, small


def test_the_margin_list_marks_the_section_being_read(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 600})
    page = context.new_page()
    page.goto(f"{base_url}/en/context/", wait_until="load")
    links = page.locator("nav.toc a")
    second = links.nth(1).get_attribute("href")
    page.evaluate("id => document.querySelector(id).scrollIntoView("
                  "{block: 'start', behavior: 'instant'})", second)
    page.wait_for_timeout(100)
    assert page.locator("nav.toc a[aria-current]").get_attribute("href") == second
    context.close()


@pytest.mark.parametrize("width", [820, DESKTOP])
def test_root_chooser_shows_every_edition_in_one_row(browser: Any, site_dir: Path,
                                                     base_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(base_url + "/", wait_until="load")
    choices = page.locator(".entry-choice")
    assert choices.count() == len(editions(site_dir))
    boxes = [choices.nth(i).bounding_box() for i in range(choices.count())]
    assert len({round(box["y"]) for box in boxes}) == 1, "the editions are not in one row"
    assert max(b["width"] for b in boxes) - min(b["width"] for b in boxes) < 2, "uneven"
    context.close()


@pytest.mark.parametrize("width", [PHONE, 820, 1024, DESKTOP])
def test_the_plan_figure_fits_the_screen(browser: Any, site_dir: Path, base_url: str,
                                         width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for lang in editions(site_dir):
        page.goto(f"{base_url}/{lang}/", wait_until="load")
        overflowing = page.evaluate("""() => [...document.querySelectorAll('.plan, .plan a')]
            .filter(e => e.getBoundingClientRect().right > innerWidth
                         || e.scrollWidth > e.clientWidth + 1)
            .map(e => e.textContent.trim().slice(0, 30))""")
        assert not overflowing, f"/{lang}/ at {width} px: {overflowing}"
    context.close()
