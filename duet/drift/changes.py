"""Change notes that one language has and another has not: a correction made in one
language is owed to the readers of every other, so a page whose Chinese says it was
corrected on a date while its English does not is reported, at the note, until the
other language's file carries a note of the same kind and date."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from duet.diagnostics import Diagnostics
from duet.load.content import Content, SourcePage
from duet.load.schema import Record


def check_change_notes(content: Content, diagnostics: Diagnostics) -> None:
    """A warning (an error under --strict) at each change note that the same page in
    another written language lacks (notes pair by date and kind)."""
    written = content.config.written_codes
    pages: dict[str, dict[str, SourcePage]] = {}
    for page in content.pages:
        if page.lang in written and not page.derived:
            pages.setdefault(page.key, {})[page.lang] = page
    for versions in pages.values():
        kinds = {lang: Counter(_pair(note) for note in page.front["changes"] or ())
                 for lang, page in versions.items()}
        for page in versions.values():
            for note, count in _numbered(page.front["changes"] or []):
                for other, found in kinds.items():
                    if found[_pair(note)] < count:
                        other_page = versions[other]
                        diagnostics.warning(
                            page.path, note.where.line, note.where.col,
                            f"this {note['kind']} of {note['date'].isoformat()} is not in "
                            f"'{other}' yet: once {Diagnostics.display(other_page.path)} "
                            f"says the same, add a '{note['kind']}' note of the same date "
                            "to its front matter")


def _pair(note: Record) -> tuple[dt.date, str]:
    return note["date"], note["kind"]


def _numbered(notes: list[Record]) -> Iterator[tuple[Record, int]]:
    """Each note with how many notes of its date and kind come up to it."""
    seen: Counter[tuple[dt.date, str]] = Counter()
    for note in notes:
        seen[_pair(note)] += 1
        yield note, seen[_pair(note)]
