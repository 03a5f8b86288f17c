"""A small declarative schema checker for YAML nodes.

Each check walks the node tree, reports every problem with its position and
returns plain values: `Record` for mappings and `Text` for `{language: text}` maps.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from duet.diagnostics import Diagnostics
from duet.load.yamlsource import Where, scalar_value, where_of

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Invalid:
    """Marks a value that failed its check (the problem is already reported)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = Invalid()


@dataclass(frozen=True)
class TextStart(Where):
    """Where a text written in a file starts. `exact`: at its first character, and a
    column counted in the text is the file's (the text is on one line as written, plain
    or quoted, without escapes). Otherwise where its value starts (a block scalar's `|`
    or `>`, a text folded over several lines, one with escapes): where in the file a
    character of the text is cannot be told."""

    exact: bool = True


@dataclass
class Text:
    """A text field given in every language of the site: `{code: text, …}`."""

    values: dict[str, str]
    where: Where
    places: dict[str, TextStart] = field(default_factory=dict)
    """Where each language's text starts (a derived language's: its source's)."""

    def get(self, lang: str) -> str | None:
        return self.values.get(lang)


class Record(Mapping[str, Any]):
    """A checked mapping that remembers where it came from.

    Attribute access (`item.name`) works too, which keeps templates readable.
    """

    def __init__(self, values: dict[str, Any], where: Where,
                 value_places: dict[str, TextStart] | None = None) -> None:
        self._values = values
        self.where = where
        self.value_places = value_places or {}
        """Where each field whose value is a string starts (front matter texts are
        checked at their characters)."""

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled without asking `__getattr__` for `__setstate__` (the build cache
        holds one record per page)."""
        self.__dict__.update(state)

    def __getattr__(self, key: str) -> Any:
        try:
            return self.__dict__["_values"][key]
        except KeyError:
            raise AttributeError(key) from None

    def __repr__(self) -> str:
        return f"Record({self._values!r})"


@dataclass
class Context:
    path: Path
    diagnostics: Diagnostics
    languages: tuple[str, ...]
    line_offset: int = 0
    missing: list[tuple[Where, str]] = field(default_factory=list)

    def where(self, node: Node) -> Where:
        return where_of(self.path, node, self.line_offset)

    def error(self, node: Node, message: str) -> Any:
        w = self.where(node)
        self.diagnostics.error(self.path, w.line, w.col, message)
        return INVALID


_YAML_TYPE_NAMES = {
    "tag:yaml.org,2002:str": "a string",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:seq": "a list",
    "tag:yaml.org,2002:map": "a mapping",
}


def describe(node: Node) -> str:
    return _YAML_TYPE_NAMES.get(node.tag, f"a value tagged {node.tag}")


class Check:
    """Base class: `check(node, ctx)` returns a value or INVALID."""

    expected = "a value"

    def check(self, node: Node, ctx: Context) -> Any:
        raise NotImplementedError

    def wrong_type(self, node: Node, ctx: Context) -> Any:
        return ctx.error(node, f"expected {self.expected}, found {describe(node)}")


class Scalar(Check):
    def _value(self, node: Node, ctx: Context) -> Any:
        if not isinstance(node, ScalarNode):
            return self.wrong_type(node, ctx)
        try:
            return scalar_value(node)
        except ValueError as exc:
            return ctx.error(node, f"invalid value '{node.value}': {exc}")


@dataclass
class Str(Scalar):
    pattern: re.Pattern[str] | None = None
    pattern_help: str = ""
    choices: tuple[str, ...] = ()
    allow_empty: bool = False
    expected = "a string"

    def check(self, node: Node, ctx: Context) -> Any:
        value = self._value(node, ctx)
        if value is INVALID:
            return INVALID
        if not isinstance(value, str):
            if isinstance(value, int | float) and not isinstance(value, bool) and (
                not self.pattern and not self.choices
            ):
                return str(node.value)
            return self.wrong_type(node, ctx)
        if not value.strip() and not self.allow_empty:
            return ctx.error(node, "must not be empty")
        if self.choices and value not in self.choices:
            return ctx.error(
                node, f"'{value}' is not one of: {', '.join(self.choices)}"
                + _suggest(value, self.choices)
            )
        if self.pattern and not self.pattern.match(value):
            return ctx.error(node, f"'{value}' is not valid: {self.pattern_help}")
        return value


def Ident() -> Str:
    return Str(
        pattern=ID_PATTERN,
        pattern_help="use lower-case ASCII letters, digits and single hyphens (e.g. 'sharp-knife')",
    )


@dataclass
class Int(Scalar):
    minimum: int | None = None
    maximum: int | None = None
    expected = "a whole number"

    def check(self, node: Node, ctx: Context) -> Any:
        value = self._value(node, ctx)
        if value is INVALID:
            return INVALID
        if not isinstance(value, int) or isinstance(value, bool):
            return self.wrong_type(node, ctx)
        if self.minimum is not None and value < self.minimum:
            return ctx.error(node, f"{value} is below the minimum {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            return ctx.error(node, f"{value} is above the maximum {self.maximum}")
        return value


class Number(Scalar):
    expected = "a number"

    def check(self, node: Node, ctx: Context) -> Any:
        value = self._value(node, ctx)
        if value is INVALID:
            return INVALID
        if not isinstance(value, int | float) or isinstance(value, bool):
            return self.wrong_type(node, ctx)
        return value


class Bool(Scalar):
    expected = "true or false"

    def check(self, node: Node, ctx: Context) -> Any:
        value = self._value(node, ctx)
        if value is INVALID:
            return INVALID
        if not isinstance(value, bool):
            return self.wrong_type(node, ctx)
        return value


class Date(Scalar):
    expected = "a date (YYYY-MM-DD)"

    def check(self, node: Node, ctx: Context) -> Any:
        if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:timestamp":
            return ctx.error(node, f"'{node.value}' is not a date: write it as YYYY-MM-DD")
        value = self._value(node, ctx)
        if value is INVALID:
            return INVALID
        if isinstance(value, dt.datetime):
            return value.date()
        if not isinstance(value, dt.date):
            return self.wrong_type(node, ctx)
        return value


@dataclass
class ListOf(Check):
    item: Check
    min_items: int = 0
    unique_ids: bool = True
    expected = "a list"

    def check(self, node: Node, ctx: Context) -> Any:
        if not isinstance(node, SequenceNode):
            return self.wrong_type(node, ctx)
        if len(node.value) < self.min_items:
            return ctx.error(node, f"needs at least {self.min_items} item(s)")
        values = [self.item.check(child, ctx) for child in node.value]
        if self.unique_ids:
            seen: dict[str, Record] = {}
            for value in values:
                if isinstance(value, Record) and isinstance(value.get("id"), str):
                    first = seen.get(value["id"])
                    if first is not None:
                        ctx.diagnostics.error(
                            ctx.path, value.where.line, value.where.col,
                            f"duplicate id '{value['id']}' (first used on line {first.where.line})",
                        )
                    else:
                        seen[value["id"]] = value
        return [v for v in values if v is not INVALID]


@dataclass
class Localized(Check):
    """A `{lang: string}` map; a missing language is recorded, not fatal."""

    inline: bool = True
    expected = "a map of languages"

    def check(self, node: Node, ctx: Context) -> Any:
        if not isinstance(node, MappingNode):
            example = ", ".join(f"{lang}: …" for lang in ctx.languages)
            return ctx.error(node, f"expected a map of languages, {{{example}}}, "
                                   f"found {describe(node)}")
        values: dict[str, str] = {}
        places: dict[str, TextStart] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in ctx.languages:
                ctx.error(key_node, _unknown_language(key_node, ctx.languages))
                continue
            value = Str().check(value_node, ctx)
            if value is not INVALID:
                values[key] = value
                places[key] = _first_character(value_node, value, ctx)
        where = ctx.where(node)
        for lang in ctx.languages:
            if lang not in values:
                ctx.missing.append((where, lang))
        return Text(values, where, places)


def _first_character(node: Node, value: str, ctx: Context) -> TextStart:
    """Where a text's first character is, exactly when the text is on one line as
    written (plain or quoted, without escapes); otherwise where its value starts."""
    where = ctx.where(node)
    style = getattr(node, "style", None) or ""  # plain: None, or "" from libyaml
    quotes = 2 if style in ("'", '"') else 0
    start, end = node.start_mark, node.end_mark
    if (start.line == end.line and style in ("", "'", '"')
            and end.column - start.column == len(value) + quotes):
        return TextStart(where.path, where.line, where.col + quotes // 2)
    return TextStart(where.path, where.line, where.col, exact=False)


@dataclass
class LangMap(Check):
    """A map from language code to a value of one kind (not text to translate)."""

    item: Check
    expected = "a map of languages"

    def check(self, node: Node, ctx: Context) -> Any:
        if not isinstance(node, MappingNode):
            return self.wrong_type(node, ctx)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in ctx.languages:
                ctx.error(key_node, _unknown_language(key_node, ctx.languages))
                continue
            value = self.item.check(value_node, ctx)
            if value is not INVALID:
                result[key] = value
        return result


@dataclass(frozen=True)
class PageLink:
    """A checked `@/key#anchor` reference to a page, from a data field."""

    key: str
    anchor: str
    where: Where


PAGE_LINK = re.compile(r"^@/(?P<key>[a-z0-9/_-]*?)/?(?:#(?P<anchor>[a-z0-9-]+))?$")


class PageRef(Scalar):
    expected = "a page link such as '@/context#inspection'"

    def check(self, node: Node, ctx: Context) -> Any:
        value = Str().check(node, ctx)
        if value is INVALID:
            return INVALID
        match = PAGE_LINK.match(value)
        if not match:
            return ctx.error(node, f"'{value}' is not {self.expected}")
        return PageLink(match["key"] or "index", match["anchor"] or "", ctx.where(node))


@dataclass
class Field:
    check: Check
    required: bool = True
    default: Any = None


@dataclass
class RecordOf(Check):
    fields: dict[str, Field]
    expected = "a mapping"

    def check(self, node: Node, ctx: Context) -> Any:
        if not isinstance(node, MappingNode):
            return self.wrong_type(node, ctx)
        values: dict[str, Any] = {}
        places: dict[str, TextStart] = {}
        ok = True
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                ctx.error(key_node, f"a key must be a plain word, found {describe(key_node)}")
                ok = False
                continue
            key = key_node.value
            spec = self.fields.get(key)
            if spec is None:
                ctx.error(key_node, f"unknown key '{key}'" + _suggest(key, tuple(self.fields)))
                ok = False
                continue
            if key in values:
                continue  # duplicate keys are reported by the YAML reader
            value = spec.check.check(value_node, ctx)
            if value is INVALID:
                ok = False
            elif isinstance(value, str):
                places[key] = _first_character(value_node, value, ctx)
            values[key] = value
        for name, spec in self.fields.items():
            if name not in values:
                if spec.required:
                    ctx.error(node, f"missing required key '{name}'")
                    ok = False
                else:
                    values[name] = spec.default
        if not ok:
            return INVALID
        return Record(values, ctx.where(node), places)


def _unknown_language(key_node: Node, languages: tuple[str, ...]) -> str:
    if not isinstance(key_node, ScalarNode):
        return f"expected a language code as the key, found {describe(key_node)}"
    return (f"unknown language '{key_node.value}'" + _suggest(key_node.value, languages)
            + f" (languages: {', '.join(languages)})")


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
