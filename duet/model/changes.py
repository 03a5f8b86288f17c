"""The site's change log: every page's dated change notes (corrections and updates,
written in each page's front matter) in one list per language, newest first, for
the "Corrections and updates" page and its Atom feed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from duet.model.site import Page, Site


@dataclass(frozen=True)
class ChangeEntry:
    """One change note of one page, with the anchor it has on that page."""

    date: dt.date
    kind: str
    note: str
    page: Page
    anchor: str


def note_anchors(page: Page) -> list[str]:
    """The id of each of the page's notes (in `Page.changes` order): the date and, for
    a second note of the same date, a number."""
    anchors, seen = [], dict[dt.date, int]()
    for note in page.changes:
        seen[note["date"]] = seen.get(note["date"], 0) + 1
        count = seen[note["date"]]
        anchors.append(f"change-{note['date'].isoformat()}" + (f"-{count}" if count > 1 else ""))
    return anchors


def change_log(site: Site, lang: str) -> list[ChangeEntry]:
    """Every change note of the language's pages, newest first (pages of one date in
    the site's order)."""
    entries = [ChangeEntry(note["date"], note["kind"], note["note"], page, anchor)
               for page in site.pages_in(lang)
               for note, anchor in zip(page.changes, note_anchors(page), strict=True)]
    return sorted(entries, key=lambda entry: entry.date, reverse=True)
