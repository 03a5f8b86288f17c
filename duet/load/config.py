"""site.yaml: the languages (written or derived from another), the titles, the menu,
the sources and the settings of the theme and the site's code, checked; what every
other file of the content is read against."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from duet.diagnostics import Diagnostics
from duet.load.derive import (
    CONVERSIONS_FILE,
    Derivation,
    Derived,
    converter,
    derive_value,
    load_overrides,
)
from duet.load.schema import INVALID, Context, Record, Text
from duet.load.schemas import SITE, THEME_LANGUAGE
from duet.load.yamlsource import Where, parse_yaml, read_text


@dataclass(frozen=True)
class Language:
    code: str
    tag: str
    locale: str
    name: str
    derive: Derivation | None = None
    """How the language is made from another, if it is (duet/load/derive.py)."""

    @property
    def dir(self) -> str:
        """The writing direction, `rtl` or `ltr`, as CLDR gives it for the locale."""
        order = Locale.parse(self.locale).character_order
        return "rtl" if order == "right-to-left" else "ltr"


@dataclass(frozen=True)
class Config:
    base_url: str
    default_language: str
    languages: tuple[Language, ...]
    title: Text
    description: Text
    menu: tuple[str, ...]
    sources: tuple[Record, ...] = ()
    """The site-wide sources (`title`, `outlet`: texts; `date`, `url`), as written."""
    hooks: str | None = None
    """The folder of the site's code, relative to the project folder (None: no code)."""
    theme_language: str = THEME_LANGUAGE
    """The language of the theme's msgids: a site language of it needs no catalog."""
    translation_notice: bool = False
    """Pages that may be behind their translation say so (see duet/drift)."""
    corrections: Record | None = None
    citation: Record | None = None
    """How pages are cited (duet/render/citation.py)."""
    open_data: Record | None = None
    """The collections published as data files (duet/render/opendata.py)."""

    @functools.cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @functools.cached_property
    def base_path(self) -> str:
        """The path part of the base URL: '/' or '/some/prefix/'."""
        after_scheme = self.base_url.split("://", 1)[1]
        return "/" + after_scheme.partition("/")[2]

    @functools.cached_property
    def written_codes(self) -> tuple[str, ...]:
        """The languages editors write (every language not derived from another)."""
        return tuple(language.code for language in self.languages if language.derive is None)

    @functools.cached_property
    def derived_codes(self) -> tuple[str, ...]:
        return tuple(code for code in self.codes if code not in self.written_codes)

    def derived(self) -> Derived:
        """Each derived language with its source and converter."""
        return [(language.code, language.derive.source, converter(language.derive))
                for language in self.languages if language.derive is not None]

    def language(self, code: str) -> Language:
        return next(language for language in self.languages if language.code == code)


def load_config(path: Path, diagnostics: Diagnostics, base_url: str | None) -> Config | None:
    text = read_text(path, diagnostics) if path.exists() else None
    if text is None:
        if not path.exists():
            diagnostics.error(path, 0, 0, "site.yaml is missing from the content folder")
        return None
    node = parse_yaml(text, path, diagnostics)
    if node is None:
        if not reported(diagnostics, path):
            diagnostics.error(path, 1, 1, "file is empty (or holds only comments)")
        return None
    languages = _language_codes(node)
    ctx = Context(path, diagnostics, languages)
    record = SITE.check(node, ctx)
    if record is INVALID:
        return None
    codes = tuple(lang["code"] for lang in record["languages"])
    ok = _check_unique(codes, "language code", record, path, diagnostics)
    ok = _check_derivations(record["languages"], path, diagnostics) and ok
    if record["default_language"] not in codes:
        diagnostics.error(path, record.where.line, record.where.col,
                          f"default_language '{record['default_language']}' is not one of the "
                          f"languages ({', '.join(codes)})")
        ok = False
    derived_codes = [lang["code"] for lang in record["languages"] if lang["derive"]]
    report_missing([(where, lang) for where, lang in ctx.missing if lang not in derived_codes],
                    diagnostics)
    if not ok:
        return None
    if base_url is not None:
        base_url = base_url if base_url.endswith("/") else base_url + "/"
    overrides = (load_overrides(path.parent / CONVERSIONS_FILE, derived_codes, diagnostics)
                 if derived_codes else {})
    config = Config(
        base_url=base_url or record["base_url"],
        default_language=record["default_language"],
        languages=tuple(_language(lang, overrides) for lang in record["languages"]),
        title=record["title"],
        description=record["description"],
        menu=tuple(record["menu"]),
        sources=tuple(record["sources"]),
        hooks=record["hooks"],
        theme_language=record["theme_language"],
        translation_notice=record["translation_notice"],
        corrections=record["corrections"],
        citation=record["citation"],
        open_data=record["open_data"],
    )
    derived = config.derived()
    if not derived:
        return config
    return dataclasses.replace(config, title=derive_value(config.title, derived),
                               description=derive_value(config.description, derived),
                               sources=tuple(derive_value(source, derived)
                                             for source in config.sources),
                               citation=derive_value(config.citation, derived),
                               open_data=derive_value(config.open_data, derived))


def hooks_setting(path: Path) -> str | None:
    """The `hooks` folder site.yaml names, read ahead of the full check (the site's
    code gives the schemas that check needs); None when it names none or cannot be
    read (the full check then says why)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    node = parse_yaml(text, path, Diagnostics())
    if not isinstance(node, MappingNode):
        return None
    for key, value in node.value:
        if getattr(key, "value", None) == "hooks" and isinstance(value, ScalarNode):
            return str(value.value) or None
    return None


def _language(record: Record, overrides: dict[str, tuple[tuple[str, str], ...]]) -> Language:
    derive = record["derive"]
    return Language(record["code"], record["tag"], record["locale"], record["name"],
                    Derivation(derive["from"], derive["convert"],
                               overrides.get(record["code"], ())) if derive else None)


def _check_derivations(languages: list[Record], path: Path, diagnostics: Diagnostics) -> bool:
    """A derived language is made from a language that is written, not derived."""
    written = {lang["code"] for lang in languages if not lang["derive"]}
    ok = True
    for lang in languages:
        source = lang["derive"] and lang["derive"]["from"]
        if source and source not in written:
            where = lang["derive"].where
            diagnostics.error(path, where.line, where.col,
                              f"'{lang['code']}' is derived from '{source}', which is not a "
                              f"language written by hand ({', '.join(sorted(written))})")
            ok = False
    return ok


def _language_codes(node: Node) -> tuple[str, ...]:
    """The language codes declared in site.yaml, read before the full check (which
    reports whatever is malformed here)."""
    if not isinstance(node, MappingNode):
        return ()
    for key, value in node.value:
        if getattr(key, "value", None) == "languages" and isinstance(value, SequenceNode):
            return tuple(v.value for item in value.value if isinstance(item, MappingNode)
                         for k, v in item.value
                         if getattr(k, "value", None) == "code" and isinstance(v, ScalarNode))
    return ()


def reported(diagnostics: Diagnostics, path: Path) -> bool:
    """Whether a problem with this file was reported already."""
    shown = Diagnostics.display(path)
    return any(d.path == shown for d in diagnostics.items)


def _check_unique(values: tuple[str, ...], what: str, record: Record, path: Path,
                  diagnostics: Diagnostics) -> bool:
    duplicates = sorted({v for v in values if values.count(v) > 1})
    for value in duplicates:
        diagnostics.error(path, record.where.line, record.where.col, f"{what} '{value}' is "
                                                                     "declared twice")
    return not duplicates


def report_missing(missing: list[tuple[Where, str]], diagnostics: Diagnostics) -> None:
    for where, lang in missing:
        diagnostics.warning(where.path, where.line, where.col,
                            f"missing translation: no '{lang}' text")
