"""`content/translations.yaml`: when each translation unit was last known to be in step.

    about:
      _intro: {accepted: 2025-03-02, zh: 3f0c5a9e1b2d, en: 77a1c0e4d9f3}
      source: {accepted: 2025-03-02, zh: 9b1e…, en: 0d4c…}
    data/glossary.yaml:
      sharp-knife.explanation: {accepted: 2025-03-02, zh: …, en: …}

Groups (pages by their path without language and extension, data files by
their path) map unit ids to an entry: the date the translation was accepted
and, per language, the fingerprint of the text accepted. Editors commit the
file and review its changes; `duet translations --accept …` writes it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from duet.diagnostics import Diagnostics
from duet.load.yamlsource import Where, parse_yaml, read_text, where_of

ACCEPTED = "accepted"
HASH = re.compile(r"^[0-9a-f]{12}$")
PLAIN_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")
HEADER = """\
# Translation record: when each section of a page and each {lang: text} of a data
# file was last known to say the same in every language (a hash of each language's
# text and the date it was accepted). The build warns when one language changed
# since and another did not. Written by `duet translations --accept …`
# (or `--accept-all`); review its changes and commit it with the content.
"""


DRAFT, REVIEWED = "draft", "reviewed"
LOG = "log"


@dataclass(frozen=True)
class Event:
    """A language's text of a unit marked as a machine draft (`who`: the tool) or as
    reviewed (`who`: the reviewer), on a date, with the hash of every language's text
    then: the reviewed text and the source it was checked against."""

    kind: str
    lang: str
    who: str
    on: dt.date
    hashes: dict[str, str]

    def fields(self) -> dict[str, str]:
        """As the record writes it, in this order."""
        return {self.kind: self.lang, "tool" if self.kind == DRAFT else "by": self.who,
                "on": self.on.isoformat(), **self.hashes}


@dataclass(frozen=True)
class Entry:
    accepted: dt.date
    hashes: dict[str, str]
    where: Where | None = field(default=None, compare=False)
    log: tuple[Event, ...] = ()
    """Its machine drafts and reviews, oldest first."""

    def draft(self, lang: str) -> Event | None:
        """The machine draft of `lang`'s text, unless a review came after it."""
        last = next((event for event in reversed(self.log) if event.lang == lang), None)
        return last if last is not None and last.kind == DRAFT else None

    def reviewed(self, lang: str) -> Event | None:
        last = next((event for event in reversed(self.log) if event.lang == lang), None)
        return last if last is not None and last.kind == REVIEWED else None


@dataclass
class Record:
    """Group name → unit id → entry, in the file's order; `where` of every group."""

    groups: dict[str, dict[str, Entry]] = field(default_factory=dict)
    where: dict[str, Where] = field(default_factory=dict)

    def entry(self, group: str, unit_id: str) -> Entry | None:
        return self.groups.get(group, {}).get(unit_id)


def load_record(path: Path, codes: tuple[str, ...], diagnostics: Diagnostics) -> Record | None:
    """The record at `path`; None when there is none (drift is then not checked).

    A malformed record is reported (`path:line:col`) and read as far as it is valid."""
    if not path.is_file():
        return None
    text = read_text(path, diagnostics)
    if text is None:
        return Record()
    return read_canonical(text, path, codes) or _read_yaml(text, path, codes, diagnostics)


GROUP_LINE = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_./-]*):$")
UNIT_LINE = re.compile(r"^  ([A-Za-z0-9_][A-Za-z0-9_./-]*): \{accepted: (\d{4}-\d\d-\d\d)"
                       r"((?:, [a-z]{2,3}: [0-9a-f]{12})*)\}$")


def read_canonical(text: str, path: Path, codes: tuple[str, ...]) -> Record | None:
    """The record as `dump_record` writes it, read line by line (composing YAML nodes
    costs a hundred times more on a large site); None when any line is in another form,
    or not valid, for the YAML reader to read and report."""
    record = Record()
    units: dict[str, Entry] | None = None
    for number, line in enumerate(text.split("\n"), 1):
        if not line or line.startswith("#"):
            continue
        unit = UNIT_LINE.match(line)
        if unit and units is not None and unit[1] not in units:
            hashes = dict(pair.split(": ") for pair in unit[3][2:].split(", ") if pair)
            try:
                accepted = dt.date.fromisoformat(unit[2])
            except ValueError:
                return None
            if not hashes.keys() <= set(codes) or len(hashes) != unit[3].count(":"):
                return None
            units[unit[1]] = Entry(accepted, hashes, Where(path, number, len(unit[1]) + 5))
            continue
        group = GROUP_LINE.match(line)
        if group is None or group[1] in record.groups:
            return None
        units = record.groups[group[1]] = {}
        record.where[group[1]] = Where(path, number, 1)
    return record


def _read_yaml(text: str, path: Path, codes: tuple[str, ...],
               diagnostics: Diagnostics) -> Record:
    """The record read as YAML, every problem reported with its place."""
    node = parse_yaml(text, path, diagnostics)
    record = Record()
    if node is None:
        return record
    if not isinstance(node, MappingNode):
        _error(diagnostics, path, node, "the translation record maps each page or data file "
                                        "to its units; regenerate it with `duet "
                                        "translations --accept-all`")
        return record
    for key, value in node.value:
        name = _key(key, path, diagnostics)
        if name is None:
            continue
        if not isinstance(value, MappingNode):
            _error(diagnostics, path, value, f"'{name}' must map unit ids to entries such as "
                                             "{accepted: 2025-03-02, zh: …, en: …}")
            continue
        record.where[name] = where_of(path, key)
        units = record.groups.setdefault(name, {})
        for unit_key, entry_node in value.value:
            unit_id = _key(unit_key, path, diagnostics)
            entry = _entry(entry_node, path, codes, diagnostics) if unit_id else None
            if unit_id and entry:
                units[unit_id] = entry
    return record


def _key(node: Node, path: Path, diagnostics: Diagnostics) -> str | None:
    if isinstance(node, ScalarNode) and str(node.value).strip():
        return str(node.value)
    _error(diagnostics, path, node, "expected a name here (a page, a data file or a unit id)")
    return None


def _entry(node: Node, path: Path, codes: tuple[str, ...],
           diagnostics: Diagnostics) -> Entry | None:
    if not isinstance(node, MappingNode):
        _error(diagnostics, path, node, "expected an entry such as "
                                        "{accepted: 2025-03-02, zh: …, en: …}")
        return None
    accepted: dt.date | None = None
    hashes: dict[str, str] = {}
    log: tuple[Event, ...] = ()
    ok = True
    for key, value in node.value:
        name = key.value if isinstance(key, ScalarNode) else None
        raw = value.value if isinstance(value, ScalarNode) else None
        if name == LOG:
            events = _log(value, path, codes, diagnostics)
            ok = ok and events is not None
            log = events or ()
        elif name == ACCEPTED:
            try:
                accepted = dt.date.fromisoformat(str(raw))
            except ValueError:
                _error(diagnostics, path, value, f"'{raw}' is not a date: write it as "
                                                 "YYYY-MM-DD")
                ok = False
        elif name in codes:
            if raw is None or not HASH.match(str(raw)):
                _error(diagnostics, path, value, "expected the 12 hex digits that "
                                                 "`duet translations --accept` writes")
                ok = False
            else:
                hashes[name] = str(raw)
        else:
            _error(diagnostics, path, key, f"unknown key '{name}' (expected '{ACCEPTED}', "
                                           f"'{LOG}' or a language: {', '.join(codes)})")
            ok = False
    if accepted is None and ok:
        _error(diagnostics, path, node, f"missing required key '{ACCEPTED}'")
    if accepted is None or not ok:
        return None
    return Entry(accepted, hashes, where_of(path, node), log)


def _log(node: Node, path: Path, codes: tuple[str, ...],
         diagnostics: Diagnostics) -> tuple[Event, ...] | None:
    """A unit's drafts and reviews: `- {draft: en, tool: …, on: …, zh: …, en: …}` or
    `- {reviewed: en, by: …, on: …, zh: …, en: …}`."""
    example = "{reviewed: en, by: Name, on: 2025-03-02, zh: <hash>, en: <hash>}"
    if not isinstance(node, SequenceNode):
        _error(diagnostics, path, node, f"'{LOG}' lists events such as {example}")
        return None
    events: list[Event] = []
    for item in node.value:
        fields = ({k.value: v.value for k, v in item.value
                   if isinstance(k, ScalarNode) and isinstance(v, ScalarNode)}
                  if isinstance(item, MappingNode) else {})
        kind = DRAFT if DRAFT in fields else REVIEWED
        who = fields.get("tool" if kind == DRAFT else "by", "")
        hashes = {lang: str(fields[lang]) for lang in codes if lang in fields}
        try:
            on = dt.date.fromisoformat(str(fields.get("on")))
        except ValueError:
            on = None
        if (on is None or fields.get(kind) not in codes or not str(who).strip()
                or not all(HASH.match(value) for value in hashes.values())):
            _error(diagnostics, path, item, f"expected an event such as {example} (or "
                                            "{draft: en, tool: Name, on: …, …})")
            return None
        events.append(Event(kind, str(fields[kind]), str(who), on, hashes))
    return tuple(events)


def _error(diagnostics: Diagnostics, path: Path, node: Node, message: str) -> None:
    where = where_of(path, node)
    diagnostics.error(path, where.line, where.col, message)


def dump_record(record: Record, codes: tuple[str, ...]) -> str:
    """The record as YAML, one line per unit, groups in name order, units in the order
    given (the content's), languages in site order: diffs show what was accepted."""
    lines = [HEADER.rstrip("\n")]
    for name in sorted(record.groups):
        units = record.groups[name]
        if not units:
            continue
        lines.append(f"{_quoted(name)}:")
        for unit_id, entry in units.items():
            fields = {ACCEPTED: entry.accepted.isoformat()}
            fields.update((lang, entry.hashes[lang]) for lang in codes if lang in entry.hashes)
            if not entry.log:
                lines.append(f"  {_quoted(unit_id)}: {_flow(fields)}")
                continue
            lines.append(f"  {_quoted(unit_id)}:")
            lines += [f"    {name}: {value}" for name, value in fields.items()]
            lines.append(f"    {LOG}:")
            lines += [f"      - {_flow(event.fields())}" for event in entry.log]
    return "\n".join(lines) + "\n"


def _flow(fields: dict[str, str]) -> str:
    return "{" + ", ".join(f"{name}: {_quoted(value)}" for name, value in fields.items()) + "}"


def _quoted(key: str) -> str:
    return key if PLAIN_KEY.match(key) else json.dumps(key, ensure_ascii=False)
