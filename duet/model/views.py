"""Pages the engine adds beside the content pages: a search page per language, a
page of the site's corrections and updates per language (changes.py), a print
page per language, and a parallel reading of every translated page, with both languages side by
side, aligned section by section by the heading ids the languages share.

The theme decides which exist: search pages when the templates have
`search.html`, the corrections and updates with `changes.html`, the whole
explainer on one page (render/printed.py) with `print.html`, parallel readings
when they have `parallel.html`."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from duet.model.site import HOME_KEY, Page, Site
from duet.model.sources import Source

SEARCH_KEY = "search"
SEARCH_TEMPLATE = "search.html"
CHANGES_KEY = "changes"
CHANGES_TEMPLATE = "changes.html"
PRINT_KEY = "print"
PRINT_TEMPLATE = "print.html"
PARALLEL_PREFIX = "parallel"
PARALLEL_TEMPLATE = "parallel.html"
HEADING = re.compile(r'<h([1-6]) id="([a-z0-9-]+)">')


@dataclass
class Row:
    """One aligned section: the same heading id (or none, for an introduction) in each language."""

    id: str | None
    cells: dict[str, Markup]
    heading: str = ""


@dataclass
class View:
    """A generated page, shaped like `model.Page` where templates look at it."""

    key: str
    lang: str
    url: str
    output_path: str
    template: str
    title: str
    short_title: str
    original: Page | None = None
    translations: dict[str, View] = field(default_factory=dict, repr=False)
    description: str | None = None
    is_fallback: bool = False
    updated: Any = None
    parent: Page | None = None

    @property
    def content_lang(self) -> str:
        return self.lang

    @property
    def sources(self) -> list[Source]:
        """A parallel reading cites what the page it reads cites; a search page, nothing."""
        return self.original.sources if self.original else []

    def ancestors(self) -> list[Page]:
        return [*self.parent.ancestors(), self.parent] if self.parent else []


def view_path(base_path: str, lang: str, key: str) -> tuple[str, str]:
    """(URL, output path) of a generated page, following the content pages' scheme."""
    return f"{base_path}{lang}/{key}/", f"{lang}/{key}/index.html"


def parallel_key(page_key: str) -> str:
    return PARALLEL_PREFIX if page_key == HOME_KEY else f"{PARALLEL_PREFIX}/{page_key}"


def build_views(site: Site, templates: Container[str]) -> list[View]:
    """The search pages and every parallel reading the templates provide for, linked to
    their translations."""
    codes = site.config.codes
    base = site.config.base_path
    groups: list[dict[str, View]] = []
    for key, template in ((SEARCH_KEY, SEARCH_TEMPLATE), (CHANGES_KEY, CHANGES_TEMPLATE),
                          (PRINT_KEY, PRINT_TEMPLATE)):
        if template not in templates:
            continue
        group = {}
        for code in codes:
            url, output = view_path(base, code, key)
            group[code] = View(key, code, url, output, template, title=key, short_title=key,
                               parent=site.page(code, HOME_KEY))
        groups.append(group)
    for key in site.keys if PARALLEL_TEMPLATE in templates else ():
        originals = {code: site.page(code, key) for code in codes}
        if any(page is None or page.is_fallback for page in originals.values()):
            continue
        group = {}
        for code, page in originals.items():
            assert page is not None
            url, output = view_path(base, code, parallel_key(key))
            group[code] = View(parallel_key(key), code, url, output, PARALLEL_TEMPLATE,
                               title=page.title, short_title=page.short_title, original=page,
                               description=page.description, parent=page)
        groups.append(group)
    for group in groups:
        for view in group.values():
            view.translations = group
    return [view for group in groups for view in group.values()]


def parallel_rows(page: Page, order: list[str]) -> list[Row]:
    """The page's body in every language, cut at each heading and aligned by heading id.

    Heading ids move from the headings to their rows, so an anchor such as
    `#measures` works on the parallel page too and no id is used twice.
    """
    split = {code: _sections(str(page.translations[code].body)) for code in order}
    ids: list[str | None] = []
    for sections in split.values():
        for section_id in sections:
            if section_id not in ids:
                ids.append(section_id)
    return [Row(section_id, {code: Markup(split[code].get(section_id, "")) for code in order})
            for section_id in ids]


def _sections(body: str) -> dict[str | None, str]:
    """{heading id: that section's HTML with the id taken off its heading}; None: the intro."""
    matches = list(HEADING.finditer(body))
    cuts = [0, *(m.start() for m in matches), len(body)]
    sections: dict[str | None, str] = {}
    intro = body[:cuts[1]]
    if intro.strip():
        sections[None] = intro
    for match, end in zip(matches, cuts[2:], strict=True):
        sections[match.group(2)] = f"<h{match.group(1)}>" + body[match.end():end]
    return sections
