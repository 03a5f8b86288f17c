"""The notices a page shows its readers, in their language: its translation may be behind,
or parts of it are a machine draft not reviewed yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel import Locale

from duet.drift.check import Behind
from duet.load.config import Config, Language


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


def draft_lookup(config: Config, drafts: dict[tuple[str, str], list[str]],
                 reader: Language) -> Callable[[Any], list[str]]:
    """`machine_draft_notice(page)` for templates: the ids of the page's sections whose
    text in the reader's language (for a derived language, in its source) is a machine
    draft not reviewed yet; empty when there are none or `translation_notice` is off."""
    source = next((language.derive.source for language in config.languages
                   if language.code == reader.code and language.derive is not None),
                  reader.code)

    def machine_draft_notice(page: Any) -> list[str]:
        if not config.translation_notice or getattr(page, "is_fallback", True):
            return []
        return drafts.get((source, page.key), [])

    return machine_draft_notice
