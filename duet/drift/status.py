"""Every unit's state in every language, with what changed and the command to run: what
`duet translations` prints, and what its JSON, its HTML report and the dev server's
dashboard show."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duet.diagnostics import Diagnostics
from duet.drift.check import (
    COMMAND,
    DRIFTED,
    EDITED,
    GONE,
    IN_STEP,
    MACHINE_DRAFT,
    NEW,
    UnitState,
    check_drift,
    review_command,
)
from duet.drift.diff import Segment, word_diff
from duet.drift.record import Event, Record
from duet.drift.texts import Texts
from duet.drift.units import Group
from duet.load.content import DATA_DIR

BEHIND, CHANGED, UNREVIEWED = "behind", "changed", "unreviewed"
"""Beyond the unit states: a language that may be behind, one that changed since the
accepted text, and a machine draft edited since it was marked, not reviewed yet."""
NEEDS_WORK = (BEHIND, CHANGED, NEW, MACHINE_DRAFT, UNREVIEWED)


@dataclass
class LanguageStatus:
    state: str
    place: str
    """`path:line` of the unit in this language."""
    diff: list[Segment] | None = None
    """For a language that changed: its change since the accepted text (None when that
    text is not kept)."""
    draft: Event | None = None
    reviewed: Event | None = None


@dataclass
class UnitStatus:
    file: str
    """The page's files (`content/about.{zh,en}.md`) or the data file, as shown."""
    unit_id: str
    label: str
    state: str
    languages: dict[str, LanguageStatus] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)
    """What to run once the work is done: accept, or record a review."""

    @property
    def needs_work(self) -> bool:
        return self.state != IN_STEP or any(status.state in NEEDS_WORK
                                            for status in self.languages.values())


def unit_statuses(groups: dict[str, Group], record: Record, texts: Texts,
                  codes: tuple[str, ...], record_path: Path, content_dir: Path
                  ) -> list[UnitStatus]:
    """Every unit of the content and the record, in the record's order."""
    report = check_drift(groups, record, codes, record_path, lambda paths: {})
    return [_status(state, groups.get(state.group), record, texts, codes, content_dir)
            for state in report.states]


def _status(state: UnitState, group: Group | None, record: Record, texts: Texts,
            codes: tuple[str, ...], content_dir: Path) -> UnitStatus:
    file = file_label(group, state.group, content_dir, codes)
    label = group.describe(state.unit_id) if group else f"#{state.unit_id}"
    status = UnitStatus(file, state.unit_id, label, state.state)
    unit = group.units.get(state.unit_id, {}) if group else {}
    entry = record.entry(state.group, state.unit_id)
    for lang in codes:
        if lang not in unit:
            continue
        occurrence = unit[lang]
        shown = LanguageStatus(_language_state(state, lang),
                               f"{Diagnostics.display(occurrence.path)}:{occurrence.line}")
        if entry is not None and lang in entry.hashes and entry.hashes[lang] != occurrence.hash:
            old = texts.get(entry.hashes[lang])
            shown.diff = word_diff(old, occurrence.text) if old is not None else None
        if entry is not None:
            shown.draft = entry.draft(lang)
            shown.reviewed = entry.reviewed(lang)
            if shown.draft and shown.state == IN_STEP:
                shown.state = (MACHINE_DRAFT if shown.draft.hashes.get(lang) == occurrence.hash
                               else UNREVIEWED)
        status.languages[lang] = shown
        if group is not None and shown.draft is not None:
            status.commands.append(review_command(group, occurrence, state.unit_id, lang))
    if unit and state.state in (DRIFTED, EDITED, NEW):
        place = unit[state.behind[0] if state.behind else next(iter(unit))]
        status.commands.insert(0, f"{COMMAND} {Diagnostics.display(place.path)}"
                                  f"#{state.unit_id}")
    elif state.state == GONE:
        status.commands.append(f"{COMMAND} {Diagnostics.display(content_dir / state.group)}"
                               + ("" if state.group.startswith(DATA_DIR + "/")
                                  else f".{codes[0]}.md"))
    return status


def _language_state(state: UnitState, lang: str) -> str:
    if state.state == DRIFTED:
        return BEHIND if lang in state.behind else CHANGED
    return CHANGED if state.state == EDITED else state.state


def file_label(group: Group | None, name: str, content_dir: Path,
               codes: tuple[str, ...]) -> str:
    """`content/data/figures.yaml`, or `content/about.{zh,en}.md` for a page."""
    if name.startswith(DATA_DIR + "/"):
        return Diagnostics.display(content_dir / name)
    langs = [lang for lang in codes if group and any(lang in unit for unit in group.units.values())]
    return Diagnostics.display(content_dir / name) + f".{{{','.join(langs or codes)}}}.md"


def counts(statuses: list[UnitStatus]) -> dict[str, int]:
    """How many units are in each state, and how many languages' texts are drafts."""
    found: dict[str, int] = {}
    for status in statuses:
        found[status.state] = found.get(status.state, 0) + 1
        for shown in status.languages.values():
            if shown.state in (MACHINE_DRAFT, UNREVIEWED):
                found[shown.state] = found.get(shown.state, 0) + 1
    return dict(sorted(found.items()))


def as_json(statuses: list[UnitStatus], record_path: Path,
            codes: tuple[str, ...]) -> dict[str, Any]:
    """The report as plain data (`duet translations --json`)."""
    return {
        "record": Diagnostics.display(record_path),
        "languages": list(codes),
        "counts": counts(statuses),
        "units": [{
            "file": status.file, "unit": status.unit_id, "label": status.label,
            "state": status.state, "needs_work": status.needs_work,
            "languages": {lang: {
                "state": shown.state, "place": shown.place,
                "diff": [list(segment) for segment in shown.diff] if shown.diff else None,
                "draft": _event(shown.draft), "reviewed": _event(shown.reviewed),
            } for lang, shown in status.languages.items()},
            "commands": status.commands,
        } for status in statuses],
    }


def _event(event: Event | None) -> dict[str, Any] | None:
    return None if event is None else {**event.fields(), "kind": event.kind}
