"""Translation units and the fingerprints of their texts.

A page's units are its sections: each heading starts one, named by the heading's
id (the `{#id}` both languages share), and the title, short title, description
and the text before the first heading form the unit `_intro` (no heading id can
take that name). A data file's units are its `{lang: text}` texts, named by the
item's id and the path of fields to the text (`sharp-knife.explanation`,
`talent.measures.2`; list entries by their `id` or their 1-based position).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from duet.load.content import DATA_DIR, PAGE_NAME, Content, SourcePage
from duet.load.schema import Text
from duet.load.schemas import FRONT_TEXTS
from duet.model.markdown import HEADING_ID, VALID_ID

INTRO = "_intro"

ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
MARKS = ("#", "`", "~")
"""How a line that starts a heading or a code fence begins (after its indent)."""


@dataclass(frozen=True)
class Occurrence:
    """A unit in one language: its text's fingerprint and where it starts."""

    hash: str
    path: Path
    line: int
    col: int = 1
    text: str = field(default="", compare=False, repr=False)
    """The text itself (what the record keeps of an accepted text, to show changes)."""


Unit = dict[str, Occurrence]
"""One unit in every language that has it: language code → occurrence."""


@dataclass
class Group:
    """The units of one page (all its language files) or of one data file."""

    name: str
    """As the record names it: a page's path without language and extension
    (`highlands/talent`), or a data file's path (`data/glossary.yaml`)."""
    kind: str  # "page" or "data"
    units: dict[str, Unit]
    page_key: str = ""
    """For a page: its translation key (the index page of a folder is the folder)."""
    untranslated: set[str] = field(default_factory=set)
    """Units in a single language: missing a translation (reported as such), not gone."""
    order: tuple[str, ...] = ()
    """Every unit id, translated or not, in the content's order."""
    held: bool = False
    """One of its files has errors: what it has now says nothing of what is gone."""

    def describe(self, unit_id: str) -> str:
        """How messages name a unit: `section #id`, `the opening …`, `text a.b`."""
        if self.kind == "data":
            return f"text {unit_id}"
        if unit_id == INTRO:
            return "the opening (title and text before the first heading)"
        return f"section #{unit_id}"


def fingerprint(text: str) -> str:
    """The text with its whitespace folded, hashed: reflowing a paragraph is no change."""
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:12]


def collect_units(content: Content, content_dir: Path) -> dict[str, Group]:
    """Every group of units, by name, in name order. A derived language is always in
    step with its source: it has no units."""
    written = content.config.written_codes
    groups: dict[str, Group] = {}
    for page in content.pages:
        if page.lang not in written:
            continue
        name = page_group_name(page.path, content_dir)
        group = groups.setdefault(name, Group(name, "page", {}, page.key))
        for unit_id, occurrence in page_units(page).items():
            group.units.setdefault(unit_id, {})[page.lang] = occurrence
    for items in content.data.values():
        for unit_id, text in data_texts(items):
            name = f"{DATA_DIR}/{text.where.path.name}"
            group = groups.setdefault(name, Group(name, "data", {}))
            group.units[unit_id] = {
                lang: Occurrence(fingerprint(value), text.where.path, text.where.line,
                                 text.where.col, value)
                for lang, value in text.values.items() if lang in written}
    for path in content.unloaded:
        name = (f"{DATA_DIR}/{path.name}" if path.parent.name == DATA_DIR
                else page_group_name(path, content_dir))
        groups.setdefault(name, Group(name, "data" if name.startswith(DATA_DIR + "/")
                                      else "page", {})).held = True
    return {name: _translated(groups[name]) for name in sorted(groups)}


def _translated(group: Group) -> Group:
    """The group with its untranslated units set apart: a data text in one language, or
    every section of a page that has one language file (a section in one language of a
    translated page is new, or renamed)."""
    group.order = tuple(group.units)
    single = len({lang for unit in group.units.values() for lang in unit}) < 2
    group.untranslated = {unit_id for unit_id, unit in group.units.items()
                          if len(unit) < 2 and (single or group.kind == "data")}
    group.units = {unit_id: unit for unit_id, unit in group.units.items()
                   if unit_id not in group.untranslated}
    return group


def page_group_name(path: Path, content_dir: Path) -> str:
    """`content/highlands/talent.en.md` → `highlands/talent`."""
    relative = PurePath(path).relative_to(content_dir)
    match = PAGE_NAME.match(relative.name)
    stem = match["stem"] if match else relative.name
    return (relative.parent / stem).as_posix()


def page_units(page: SourcePage) -> dict[str, Occurrence]:
    """A page's sections in document order, `_intro` first."""
    front = page.front
    intro = [str(front[name]) for name in FRONT_TEXTS if front.get(name)]
    units: dict[str, Occurrence] = {}
    texts: dict[str, list[str]] = {INTRO: intro}
    starts: dict[str, int] = {INTRO: front.where.line}
    current = INTRO
    count = 0
    fence = ""
    for index, line in enumerate(page.body.split("\n")):
        if not line.lstrip(" ").startswith(MARKS):
            texts[current].append(line)
            continue
        fence_mark = FENCE.match(line)
        if fence:
            if fence_mark and fence_mark.group(1)[0] == fence[0] and \
                    len(fence_mark.group(1)) >= len(fence):
                fence = ""
        elif fence_mark:
            fence = fence_mark.group(1)
        else:
            heading = ATX_HEADING.match(line)
            if heading:
                count += 1
                current = _heading_id(heading.group(2) or "", count)
                starts.setdefault(current, page.body_line + index)
        texts.setdefault(current, []).append(line)
    for unit_id, lines in texts.items():
        text = "\n".join(lines)
        units[unit_id] = Occurrence(fingerprint(text), page.path, starts[unit_id], 1, text)
    return units


def _heading_id(text: str, count: int) -> str:
    """The id the Markdown compiler gives this heading: its `{#id}`, or `section-N`."""
    match = HEADING_ID.search(text)
    if match and VALID_ID.match(match.group(1)):
        return match.group(1)
    return f"section-{count}"


def data_texts(items: list[Any]) -> Iterator[tuple[str, Text]]:
    """Every `{lang: text}` of a collection with its unit id, in file order."""
    for position, item in enumerate(items, 1):
        yield from _texts(item, _name_of(item, position))


def _texts(value: Any, path: str) -> Iterator[tuple[str, Text]]:
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value, 1):
            yield from _texts(item, f"{path}.{_name_of(item, position)}")


def _name_of(item: Any, position: int) -> str:
    if isinstance(item, Mapping) and isinstance(item.get("id"), str):
        return str(item["id"])
    return str(position)
