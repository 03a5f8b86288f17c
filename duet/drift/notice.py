"""The notices a page shows its readers, in their language: its translation may be behind,
or parts of it (sections, or data texts it shows) are a machine draft not reviewed yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from babel import Locale

from duet.drift.check import Behind
from duet.load.config import Config, Language
from duet.model.reads import Reads, TextRef, replaying, texts_shown


@dataclass(frozen=True)
class Notice:
    """`language`: the name, in the reader's language, of the language this page may be
    behind; `date`: when the page was last checked against it."""

    language: str
    date: dt.date


def notice_lookup(config: Config, behind: dict[tuple[str, str], Behind],
                  reader: Language) -> Callable[[Any], Notice | None]:
    """`translation_notice(page)` for templates: the page's notice, or None when it is in
    step, is not a content page, or `translation_notice` is off in site.yaml."""
    names = {language.code: Locale.parse(language.locale).get_language_name(reader.locale)
             or language.name for language in config.languages}

    def translation_notice(page: Any) -> Notice | None:
        if not config.translation_notice or getattr(page, "is_fallback", True):
            return None
        found = behind.get((reader.code, page.key))
        return Notice(names[found.ahead], found.accepted) if found else None

    return translation_notice


class DraftNotice:
    """`machine_draft_notice(page)` for templates, in one language: what of the page is a
    machine draft not reviewed yet in the reader's language (for a derived language, in
    its source), empty when nothing is or `translation_notice` is off in site.yaml.

    That is the page's drafted sections, and the drafted data texts the page shows
    anywhere: those its render reads (reads.py), wherever the template asks, and those
    the site's code read while setting up its template globals, which may be shown on
    any page. A page is rendered again when it showed a drafted text the notice could
    not know of yet, having asked before the text came (`rendering`)."""

    def __init__(self, config: Config, drafts: dict[tuple[str, str], list[str]],
                 drafted_texts: frozenset[TextRef], reader: Language,
                 at_setup: set[TextRef]) -> None:
        self.config = config
        self.drafts = drafts
        self.drafted_texts = drafted_texts
        self.source = {language.code: language.derive.source if language.derive
                       else language.code for language in config.languages}
        self.reader = self.source[reader.code]
        self.at_setup = at_setup
        """The texts the site's code read while making the template globals."""

    def __call__(self, page: Any) -> list[str]:
        if not self.config.translation_notice or getattr(page, "is_fallback", True):
            return []
        shown = self.drafted(texts_shown() | _foreseen.get() | self.at_setup)
        return [*self.drafts.get((self.reader, page.key), []),
                *(f"{path}:{line}" for _, path, line, _ in sorted(shown))]

    def drafted(self, texts: set[TextRef]) -> set[TextRef]:
        """Those of `texts` that are a machine draft not reviewed yet."""
        if not self.drafted_texts:
            return set()
        return {text for text in texts
                if (self.source.get(text[0], text[0]), *text[1:]) in self.drafted_texts}

    def rendering(self, render: Callable[[], str]) -> str:
        """`render()`, and again if it showed a drafted text it did not foresee."""
        with replaying(Reads()) as made:
            html = render()
        unforeseen = self.drafted(made.texts) - _foreseen.get()
        if not unforeseen:
            return html
        token = _foreseen.set(_foreseen.get() | unforeseen)
        try:
            with replaying(Reads()):
                return render()
        finally:
            _foreseen.reset(token)


_foreseen: ContextVar[frozenset[TextRef]] = ContextVar("duet_foreseen_drafts",
                                                       default=frozenset())
"""The drafted texts the page being rendered again is known to show."""
