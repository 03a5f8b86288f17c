"""The notice an outdated page shows its readers, in their language."""

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
