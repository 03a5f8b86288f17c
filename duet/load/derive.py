"""Languages made from another by a named conversion (`derive:` in site.yaml).

A derived language's pages, data texts, site texts and UI catalog are the source
language's, converted at load time, wherever the content does not give its own
(a hand-written page file, a text in the language's own key). Only text is
converted: heading ids, links, URLs and code are left as they are written.
The conversions are OpenCC's; `conversions.yaml` in the content folder lists, per
derived language, source terms and what they become, applied instead of the
conversion wherever the term occurs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yaml.nodes import MappingNode, ScalarNode

from duet.diagnostics import Diagnostics
from duet.load.schema import Record, Text
from duet.load.schemas import FRONT_TEXTS, SOURCE_TEXTS
from duet.load.yamlsource import parse_yaml, read_text

if TYPE_CHECKING:
    from duet.load.content import SourcePage

CONVERSIONS_FILE = "conversions.yaml"

PROTECTED = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^(?P=fence)[^\S\n]*$"  # fenced code
    r"|(?P<ticks>`+)[^\n]+?(?P=ticks)"  # code span
    r"|\{#[^}\n]*\}"  # heading id
    r"|\]\([^)\n]*\)"  # link destination: @/key#anchor, term:id, URL
    r"|<[^>\s]+>"  # autolink
    r"|https?://[^\s)\]>]+",  # bare URL
    re.MULTILINE | re.DOTALL)
"""What is not text in Markdown: written the same in every language."""


@dataclass(frozen=True)
class Derivation:
    """How a language is made: from language `source` by conversion `convert`, with
    `overrides` (source term, converted term) applied instead of it."""

    source: str
    convert: str
    overrides: tuple[tuple[str, str], ...] = ()


@functools.cache
def opencc_converter(name: str) -> Callable[[str], str]:
    """OpenCC's converter for `name`, made once per process (loading its dictionaries
    takes a tenth of a second)."""
    import opencc

    converter: Callable[[str], str] = opencc.OpenCC(name).convert
    return converter


@functools.cache
def converter(derivation: Derivation) -> Converter:
    return Converter(opencc_converter(derivation.convert), dict(derivation.overrides))


class Converter:
    """Converts text, leaving alone the override file's terms (which become what it
    says) and, in Markdown, everything that is not text."""

    def __init__(self, convert: Callable[[str], str], overrides: Mapping[str, str]) -> None:
        self.convert = convert
        self.overrides = dict(overrides)
        terms = sorted(self.overrides, key=len, reverse=True)
        self.terms = re.compile("|".join(map(re.escape, terms))) if terms else None

    def text(self, text: str) -> str:
        """Plain text converted, each override term replaced by its entry."""
        if self.terms is None:
            return self.convert(text) if text else text
        return self._around(self.terms, text, self.convert, lambda term: self.overrides[term])

    def markdown(self, text: str) -> str:
        """Markdown with its text converted and its ids, links and code kept."""
        return self._around(PROTECTED, text, self.text, lambda kept: kept)

    @staticmethod
    def _around(pattern: re.Pattern[str], text: str, between: Callable[[str], str],
                matched: Callable[[str], str]) -> str:
        parts: list[str] = []
        last = 0
        for match in pattern.finditer(text):
            if match.start() > last:
                parts.append(between(text[last:match.start()]))
            parts.append(matched(match.group()))
            last = match.end()
        if last < len(text):
            parts.append(between(text[last:]))
        return "".join(parts)


def load_overrides(path: Path, codes: Iterable[str],
                   diagnostics: Diagnostics) -> dict[str, tuple[tuple[str, str], ...]]:
    """The override file's terms for each derived language: `{code: {source: target}}`;
    none when the file is absent."""
    if not path.exists():
        return {}
    text = read_text(path, diagnostics)
    node = parse_yaml(text, path, diagnostics) if text is not None else None
    if node is None:
        return {}
    if not isinstance(node, MappingNode):
        diagnostics.error(path, 1, 1, "expected a map from derived language code to "
                                      "{source term: converted term}")
        return {}
    found: dict[str, tuple[tuple[str, str], ...]] = {}
    allowed = set(codes)
    for key, value in node.value:
        line, col = key.start_mark.line + 1, key.start_mark.column + 1
        if not isinstance(key, ScalarNode) or key.value not in allowed:
            diagnostics.error(path, line, col, f"'{getattr(key, 'value', key)}' is not a "
                                               "derived language (derived: "
                                               f"{', '.join(sorted(allowed)) or 'none'})")
            continue
        terms = [(k.value, v.value) for k, v in value.value
                 if isinstance(k, ScalarNode) and isinstance(v, ScalarNode)
                 and k.value and v.value] if isinstance(value, MappingNode) else []
        if not isinstance(value, MappingNode) or len(terms) != len(value.value):
            diagnostics.error(path, line, col, "expected a map of terms, "
                                               "'source term: converted term'")
            continue
        found[key.value] = tuple(terms)
    return found


Derived = list[tuple[str, str, Converter]]
"""Each derived language: its code, its source's code, its converter."""


def derive_value(value: Any, derived: Derived) -> Any:
    """A checked value with the derived languages' texts added where it gives only the
    source's: `{lang: text}` texts, fields named by language code (a glossary term)
    and maps keyed by language code (a glossary term's forms)."""
    if isinstance(value, Text):
        values, places = dict(value.values), dict(value.places)
        for code, source, convert in derived:
            if code not in values and source in values:
                values[code] = convert.markdown(values[source])
                if source in places:
                    places[code] = places[source]
        return Text(values, value.where, places)
    if isinstance(value, Record):
        fields = {key: derive_value(item, derived) for key, item in value.items()}
        for code, source, convert in derived:
            if code in fields and fields[code] is None and isinstance(fields.get(source), str):
                fields[code] = convert.text(fields[source])
        return Record(fields, value.where, value.value_places)
    if isinstance(value, list):
        return [derive_value(item, derived) for item in value]
    if isinstance(value, dict):
        result = dict(value)
        for code, source, convert in derived:
            if code not in result and source in result:
                result[code] = _convert_any(result[source], convert)
        return result
    return value


def _convert_any(value: Any, convert: Converter) -> Any:
    if isinstance(value, str):
        return convert.text(value)
    if isinstance(value, list):
        return [_convert_any(item, convert) for item in value]
    return value


def derive_front(front: Record, convert: Converter) -> Record:
    """A page's front matter with its texts (title, short title, description, its
    sources' titles and outlets, and its change notes) converted."""
    def converted(key: str, value: Any) -> Any:
        if key in FRONT_TEXTS and isinstance(value, str):
            return convert.text(value)
        if key == "sources" and value:
            return [Record({field: convert.text(text) if field in SOURCE_TEXTS and text
                            else text for field, text in source.items()}, source.where)
                     for source in value]
        if key == "changes" and value:
            return [Record({**note, "note": convert.text(note["note"])}, note.where)
                    for note in value]
        return value

    return Record({key: converted(key, value) for key, value in front.items()}, front.where,
                  front.value_places)


def derive_page(page: SourcePage, code: str, convert: Converter) -> SourcePage:
    """The page `page` (a SourcePage of the source language) made for language `code`:
    the same file, key and lines, its texts converted."""
    return replace(page, lang=code, front=derive_front(page.front, convert),
                   body=convert.markdown(page.body), derived=True)


def source_offset(source: str, converted: str, offset: int,
                  convert: Callable[[str], str]) -> int | None:
    """Where in `source` are the characters whose conversion is `converted` from `offset`
    on; None when `converted` is not `source` converted.

    A conversion may change a phrase's length (s2twp makes U盘 隨身碟), so an offset of
    the converted text need not be the source's; and a text cut inside a phrase converts
    otherwise than whole. So the answer is a cut of `source` whose two sides, converted
    apart, give `converted` split at `offset`; when the offset falls inside a phrase the
    conversion made longer or shorter, no such cut exists, and the answer is the last
    cut before it: where that phrase starts. Cuts near `offset` are tried first (most
    conversions keep each character's place)."""
    if convert(source) != converted:
        return None
    best = (0, 0)  # (offset in converted, offset in source): the whole text is a cut
    for cut in sorted(range(1, len(source) + 1), key=lambda cut: abs(cut - offset)):
        head = convert(source[:cut])
        if (len(head) > offset or len(head) <= best[0] or not converted.startswith(head)
                or convert(source[cut:]) != converted[len(head):]):
            continue
        if len(head) == offset:
            return cut
        best = (len(head), cut)
    return best[1]
