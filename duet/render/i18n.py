"""UI strings and locale formatting: gettext catalogs compiled at build time,
coverage checked against the strings the templates use, and CLDR's dates, numbers,
lists and plural rules (through Babel) for any locale, which need no catalog."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.extract import (
    extract,
    extract_from_dir,
    extract_from_file,
    extract_python,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from duet.diagnostics import Diagnostics
from duet.load.derive import Derivation, converter
from duet.load.hooks import hook_files
from duet.render.defaults import DEFAULT_PREFIX, default_templates_used

DOMAIN = "messages"
LOCALES_COMMAND = "duet locales"
"""The command that extracts the UI strings and brings every catalog up to date."""


def needs_catalog(code: str, theme_language: str) -> bool:
    """Whether a site language needs a catalog: not when it is the language the theme's
    UI strings are written in (`theme_language` in site.yaml), or a variant of it
    (`en-gb` for `en`)."""
    return code.split("-")[0] != theme_language.split("-")[0]


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


def catalog_path(locales_dir: Path, lang: str) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(locales_dir: Path, lang: str, locale: str, diagnostics: Diagnostics,
                      derive: Derivation | None = None, *, theme_language: str
                      ) -> tuple[Translations, set[str]]:
    """Compile one language's .po file in memory; return it and its translated msgids.
    A derived language without a catalog of its own (`derive`) has its source's,
    converted."""
    path = catalog_path(locales_dir, lang)
    convert = None
    if derive is not None and not path.exists():
        path, convert = catalog_path(locales_dir, derive.source), converter(derive).text
    if not path.exists():
        if needs_catalog(lang, theme_language):
            diagnostics.warning(path, 0, 0, f"missing translation: no catalog for '{lang}' "
                                            f"(run '{LOCALES_COMMAND}')")
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


PYTHON_EXTRACTOR: Any = extract_python
"""Babel's extractor itself, not its name ("python"), which Babel looks up among every
installed package's entry points (importing importlib.metadata: some 0.01 s a build).
(Babel's types give its options a type of their own, which `extract` does not take.)"""

Message = str | tuple[str, ...]
"""A msgid, or a msgid and its plural (`ngettext`)."""


def extract_messages(templates_dir: Path, package_dir: Path, hooks_dir: Path | None = None
                     ) -> Iterator[tuple[Message, str, int]]:
    """Every message the theme's templates (and the engine's defaults it uses), the engine
    and the site's hooks mark for translation, with the file (a default template as
    `duet/<name>`, the name a theme extends it by) and line that mark it.

    Python files without a gettext call are not tokenised at all: that is most
    of the engine, and reading it costs more than a small site's whole build."""
    options: dict[str, dict[str, object]] = {"**.html": {"trimmed": "true"}}
    method_map = [("**.html", "jinja2.ext:babel_extract"), ("**.xml", "jinja2.ext:babel_extract")]
    for filename, line, message, _comments, _context in extract_from_dir(
            str(templates_dir), method_map=method_map, options_map=options, keywords=KEYWORDS):
        yield message, (templates_dir / filename).as_posix(), line
    for path in default_templates_used(templates_dir):
        for line, message, _comments, _context in extract_from_file(
                "jinja2.ext:babel_extract", str(path), keywords=KEYWORDS,
                options={"trimmed": "true"}):
            yield message, f"{DEFAULT_PREFIX}/{path.name}", line
    for path in [*sorted(package_dir.rglob("*.py")), *hook_files(hooks_dir)]:
        code = path.read_bytes()
        if not GETTEXT_CALL.search(code):
            continue
        for line, message, _comments, _context in extract(
                PYTHON_EXTRACTOR, io.BytesIO(code), keywords=KEYWORDS):
            yield message, path.as_posix(), line


def extract_ui_strings(templates_dir: Path, package_dir: Path,
                       hooks_dir: Path | None = None) -> list[UiString]:
    """The msgids of `extract_messages`, where each is used."""
    return [UiString(msgid, path, line)
            for message, path, line in extract_messages(templates_dir, package_dir, hooks_dir)
            if (msgid := message[0] if isinstance(message, tuple) else message)]


def check_catalog_coverage(strings: list[UiString], lang: str, translated: AbstractSet[str],
                           catalog: Path, diagnostics: Diagnostics, *,
                           theme_language: str) -> None:
    if not needs_catalog(lang, theme_language):
        return
    for msgid in sorted({s.msgid for s in strings} - translated):
        first = next(s for s in strings if s.msgid == msgid)
        diagnostics.warning(catalog, 0, 0, f"missing translation: '{msgid}' (used in "
                                           f"{first.path}:{first.line}) has no '{lang}' "
                                           f"translation (fill in its msgstr here; "
                                           f"'{LOCALES_COMMAND}' adds the strings a "
                                           "catalog lacks)")


@dataclass(frozen=True)
class Formatter:
    """Locale-aware formatting for one language, exposed to templates as filters."""

    locale: str
    translations: Translations

    def date(self, value: dt.date, format: str = "long") -> str:
        """A date as the locale writes it (`format`: `short`, `medium`, `long`, `full`
        or a CLDR pattern)."""
        return format_date(value, format, locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float) -> str:
        return format_percent(value / 100, locale=self.locale)

    def list(self, items: Iterable[object], style: str = "standard") -> str:
        """`a, b and c` in the locale's words (`style`: CLDR's `standard`, `or`,
        `unit`, …)."""
        return format_list([str(item) for item in items], style,  # type: ignore[arg-type]
                           locale=self.locale)

    def ordinal_form(self, value: int) -> str:
        """The CLDR ordinal category of `value` (`one`, `two`, `few`, `other`, …): what
        a theme's ordinal words are chosen by (CLDR, and so Babel, has the rules but
        not the words)."""
        return str(Locale.parse(self.locale).ordinal_form(value))

    def plural_form(self, value: float) -> str:
        """The CLDR cardinal plural category of `value` in this locale."""
        return str(Locale.parse(self.locale).plural_form(value))
