"""The model's checks, made before anything is rendered: headings that line up across
languages, every internal link, anchor, glossary term and data reference."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import TYPE_CHECKING

from duet.diagnostics import Diagnostics
from duet.load.config import Config
from duet.load.content import Content, SourcePage
from duet.load.schemas import GLOSSARY
from duet.load.yamlsource import Where
from duet.model.markdown import LinkRef

if TYPE_CHECKING:
    from duet.model.site import Page, Site

SUGGESTION_BUDGET = 200_000
"""Candidates compared for 'did you mean' in one build (see `Nearest`)."""


def check_heading_parity(by_key: dict[str, dict[str, SourcePage]],
                          pages: dict[tuple[str, str], Page], config: Config,
                          diagnostics: Diagnostics) -> None:
    for key, sources in sorted(by_key.items()):
        if len(sources) < len(config.codes):
            continue
        first, *others = config.codes
        expected = [h.id for h in pages[(first, key)].headings]
        for lang in others:
            found = [h.id for h in pages[(lang, key)].headings]
            if found != expected:
                missing = [i for i in expected if i not in found]
                extra = [i for i in found if i not in expected]
                detail = "; ".join(filter(None, [
                    f"missing {', '.join(missing)}" if missing else "",
                    f"extra {', '.join(extra)}" if extra else "",
                    "different order" if not missing and not extra else "",
                ]))
                diagnostics.warning(sources[lang].path, 0, 0,
                                    f"headings do not match the {first} version "
                                    f"({detail}): sections must line up across languages")


def check_links(site: Site, content: Content, data_links: list[tuple[Where, LinkRef]],
                 diagnostics: Diagnostics) -> None:
    terms: set[str] | None = ({term["id"] for term in content.data.get(GLOSSARY, [])}
                              if content.loaded(GLOSSARY) else None)
    """None: the glossary has errors of its own, and its terms are not checked."""
    nearest = Nearest()
    for page in site.all_pages():
        if page.is_fallback or page._source.derived:  # its links are its source's
            continue
        for link in page._compiled.links:
            problem = _link_problem(link, page.key, site, terms, nearest)
            if problem:
                diagnostics.error(page.source_path, link.line, link.col, problem)
        _check_data_ref(page, content, diagnostics, nearest)
    seen: set[tuple[Where, LinkRef]] = set()
    for where, link in data_links:
        if (where, link) in seen:
            continue
        seen.add((where, link))
        problem = _link_problem(link, None, site, terms, nearest)
        if problem:
            diagnostics.error(where.path, link.line, link.col, problem)
    if terms is not None:
        _check_item_terms(content, terms, diagnostics, nearest)


def _check_item_terms(content: Content, terms: set[str], diagnostics: Diagnostics,
                      nearest: Nearest) -> None:
    """A data item's `terms`: the glossary ids it uses."""
    for items in content.data.values():
        for item in items:
            for term in item.get("terms") or []:
                if term not in terms:
                    diagnostics.error(item.where.path, item.where.line, item.where.col,
                                      f"unknown glossary term '{term}'" + nearest(term, terms))


def _link_problem(link: LinkRef, own_key: str | None, site: Site, terms: set[str] | None,
                  nearest: Nearest) -> str | None:
    if link.kind == "term":
        if terms is not None and link.key not in terms:
            return f"unknown glossary term '{link.key}'" + nearest(link.key, terms)
        return None
    key = own_key if link.kind == "anchor" else link.key
    if key is None:
        return f"link '#{link.anchor}' in a data field must name its page: @/key#{link.anchor}"
    if key not in site.page_anchors:
        return f"broken link: no page '@/{key}'" + nearest(key, site.page_anchors.keys())
    if link.anchor and link.anchor not in site.page_anchors[key]:
        return (f"broken anchor: page '@/{key}' has no section '#{link.anchor}'"
                + nearest(link.anchor, site.page_anchors[key]))
    return None


def _check_data_ref(page: Page, content: Content, diagnostics: Diagnostics,
                    nearest: Nearest) -> None:
    if not page.data_ref:
        return
    collection, _, item_id = page.data_ref.partition("/")
    where = page._source.front.where
    if not content.loaded(collection):
        return
    if collection not in content.data:
        diagnostics.error(page.source_path, where.line, where.col,
                          f"data: no collection '{collection}'"
                          + nearest(collection, content.data.keys()))
    elif item_id and item_id not in {i["id"] for i in content.data[collection]}:
        ids = {i["id"] for i in content.data[collection]}
        diagnostics.error(page.source_path, where.line, where.col,
                          f"data: collection '{collection}' has no item '{item_id}'"
                          + nearest(item_id, ids))


class Nearest:
    """'; did you mean …?' for a misspelt name, within a budget per build.

    Each search compares the name with every candidate, and a folder renamed on a
    site of 10,000 pages breaks thousands of links at once, each searched among
    thousands of pages: minutes of difflib. Once SUGGESTION_BUDGET candidates have
    been compared, problems are reported without a suggestion."""

    def __init__(self) -> None:
        self.budget = SUGGESTION_BUDGET

    def __call__(self, word: str, options: Collection[str]) -> str:
        if len(options) > self.budget:
            self.budget = 0
            return ""
        self.budget -= len(options)
        close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
        return f"; did you mean '{close[0]}'?" if close else ""
