"""The whole explainer on one page per language (the print page, `print.html`), what
`duet pdf` prints: every page in reading order, each as its own template renders
its article, with its ids made unique on the one page and its links to the other
printed pages turned into links inside it.

Reading order: the menu's pages in the menu's order, each followed by its
children (by weight, depth first), then any page not reached that way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from duet.model.site import HOME_KEY, Page, Site

ARTICLE = re.compile(r"<article\b[^>]*>(.*)</article>", re.S)
ID_ATTRIBUTE = re.compile(r'(\s(?:id|for|aria-labelledby|aria-describedby|aria-controls|'
                          r'headers)=")([^"]*)(")')
FRAGMENT = re.compile(r'((?:\s|:)href="|url\()#([^")]+)')
HREF = re.compile(r'(\shref=")([^"#]*)(?:#([^"]*))?(")')


@dataclass(frozen=True)
class PrintedPage:
    """One page as the print page holds it: its anchor there and its article."""

    page: Page
    anchor: str
    article: Markup


def reading_order(site: Site, lang: str) -> list[Page]:
    """The language's pages in reading order (module docstring)."""
    order: list[Page] = []
    seen: set[str] = set()

    def visit(page: Page) -> None:
        if page.key in seen:
            return
        seen.add(page.key)
        order.append(page)
        if page.key != HOME_KEY:
            for child in page.children:
                visit(child)

    for key in site.config.menu:
        page = site.page(lang, key)
        if page is not None:
            visit(page)
    for page in site.pages_in(lang):
        visit(page)
    return order


def page_anchor(page: Page) -> str:
    return "page-" + page.key.replace("/", "-")


def printed_pages(site: Site, lang: str, render: Callable[[Page], bytes]) -> list[PrintedPage]:
    """Every page of the language in reading order, its article rendered by `render`
    (the page's own template) and rewritten for the one page."""
    pages = reading_order(site, lang)
    anchors = {page.url: page_anchor(page) for page in pages}
    printed = []
    for page in pages:
        found = ARTICLE.search(render(page).decode("utf-8"))
        article = found.group(1) if found else ""
        printed.append(PrintedPage(page, anchors[page.url],
                                   Markup(localise(article, anchors[page.url], anchors))))
    return printed


def localise(article: str, prefix: str, anchors: dict[str, str]) -> str:
    """The article's ids prefixed with its page's anchor (so that two pages' `#source`
    stay apart), and its links to printed pages turned into links to their anchors."""
    def ids(match: re.Match[str]) -> str:
        names = " ".join(f"{prefix}-{name}" for name in match.group(2).split())
        return f"{match.group(1)}{names}{match.group(3)}"

    def link(match: re.Match[str]) -> str:
        target = anchors.get(match.group(2))
        if target is None:
            return match.group(0)
        fragment = f"{target}-{match.group(3)}" if match.group(3) else target
        return f"{match.group(1)}#{fragment}{match.group(4)}"

    article = ID_ATTRIBUTE.sub(ids, article)
    article = FRAGMENT.sub(lambda m: f"{m.group(1)}#{prefix}-{m.group(2)}", article)
    return HREF.sub(link, article)
