"""UI strings and locale formatting: gettext catalogs compiled at build time,
coverage checked against the strings the templates use, CLDR dates and numbers."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.extract import extract, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from duet.diagnostics import Diagnostics
from duet.load.derive import Derivation, converter
from duet.load.hooks import hook_files

MSGID_LANGUAGE = "en"
"""The language UI strings are written in, in templates and code (not a site
language, the theme's): a site language of this language (`en`, `en-gb`) needs
no catalog, every other one needs an entry for each string."""


def needs_catalog(code: str) -> bool:
    return code.split("-")[0] != MSGID_LANGUAGE

DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


ORDINAL_PATTERNS = {
    "zero": N_("%(num)sth"), "one": N_("%(num)sst"), "two": N_("%(num)snd"),
    "few": N_("%(num)srd"), "many": N_("%(num)sth"), "other": N_("%(num)sth"),
}


def catalog_path(locales_dir: Path, lang: str) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(locales_dir: Path, lang: str, locale: str, diagnostics: Diagnostics,
                      derive: Derivation | None = None) -> tuple[Translations, set[str]]:
    """Compile one language's .po file in memory; return it and its translated msgids.
    A derived language without a catalog of its own (`derive`) has its source's,
    converted."""
    path = catalog_path(locales_dir, lang)
    convert = None
    if derive is not None and not path.exists():
        path, convert = catalog_path(locales_dir, derive.source), converter(derive).text
    if not path.exists():
        if needs_catalog(lang):
            diagnostics.warning(path, 0, 0, f"missing translation: no catalog for '{lang}' "
                                            "(run 'make locales-update')")
        return Translations(), set()
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale, abort_invalid=True)
    except PoFileError as exc:
        diagnostics.error(path, exc.lineno + 1, 1,
                          f"invalid catalog line {str(exc.line).strip()[:60]!r}: not a "
                          "msgid/msgstr entry")
        return Translations(), set()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        diagnostics.error(path, 0, 0, f"cannot read catalog: {exc}")
        return Translations(), set()
    if convert is not None:
        for message in catalog:
            if message.id and message.string:
                message.string = (tuple(map(convert, message.string))
                                  if isinstance(message.string, tuple | list)
                                  else convert(message.string))
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    translated = {
        str(message.id) for message in catalog
        if message.id and message.string and not message.fuzzy
    }
    return Translations(buffer, domain=DOMAIN), translated


@dataclass(frozen=True)
class UiString:
    msgid: str
    path: str
    line: int


KEYWORDS: dict[str, Any] = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
GETTEXT_CALL = re.compile(rb"(?<!\w)(?:%s)\(" % b"|".join(
    re.escape(keyword.encode()) for keyword in KEYWORDS))
"""What a Python file must contain to hold a message for KEYWORDS: a call of one of
them by name (`__init__(` does not count)."""


def extract_ui_strings(templates_dir: Path, package_dir: Path,
                       hooks_dir: Path | None = None) -> list[UiString]:
    """The msgids that templates, the engine and the site's hooks mark for translation
    (as `pybabel extract`).

    Python files without a gettext call are not tokenised at all: that is most
    of the engine, and reading it costs more than a small site's whole build."""
    found: list[UiString] = []
    options: dict[str, dict[str, object]] = {"**.html": {"trimmed": "true"}}
    method_map = [("**.html", "jinja2.ext:babel_extract"), ("**.xml", "jinja2.ext:babel_extract")]
    for filename, line, message, _comments, _context in extract_from_dir(
            str(templates_dir), method_map=method_map, options_map=options, keywords=KEYWORDS):
        _add(found, message, templates_dir / filename, line)
    for path in [*sorted(package_dir.rglob("*.py")), *hook_files(hooks_dir)]:
        code = path.read_bytes()
        if not GETTEXT_CALL.search(code):
            continue
        for line, message, _comments, _context in extract(
                "python", io.BytesIO(code), keywords=KEYWORDS):
            _add(found, message, path, line)
    return found


def _add(found: list[UiString], message: str | tuple[str, ...], path: Path, line: int) -> None:
    msgid = message[0] if isinstance(message, tuple) else message
    if msgid:
        found.append(UiString(msgid, path.as_posix(), line))


def check_catalog_coverage(strings: list[UiString], lang: str, translated: AbstractSet[str],
                           catalog: Path, diagnostics: Diagnostics) -> None:
    if not needs_catalog(lang):
        return
    for msgid in sorted({s.msgid for s in strings} - translated):
        first = next(s for s in strings if s.msgid == msgid)
        diagnostics.warning(catalog, 0, 0, f"missing translation: '{msgid}' (used in "
                                           f"{first.path}:{first.line}) has no '{lang}' "
                                           "translation; run 'make locales-update'")


@dataclass(frozen=True)
class Formatter:
    """Locale-aware formatting for one language, exposed to templates as filters."""

    locale: str
    translations: Translations

    def date(self, value: dt.date) -> str:
        return format_date(value, "long", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float) -> str:
        return format_percent(value / 100, locale=self.locale)

    def ordinal(self, value: int) -> str:
        category = Locale.parse(self.locale).ordinal_form(value)
        pattern = self.translations.gettext(
            ORDINAL_PATTERNS.get(category, ORDINAL_PATTERNS["other"]))
        return pattern % {"num": self.number(value)}
