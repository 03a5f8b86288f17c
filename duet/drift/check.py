"""Compare the content with the translation record: which units drifted, which are new.

`check_drift` is a pure function of the units, the record and a history lookup;
`check_translations` is what a build calls right after loading the content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from duet.diagnostics import Diagnostics
from duet.drift.changes import check_change_notes
from duet.drift.history import Change, History, file_history
from duet.drift.record import Record, load_record
from duet.drift.units import Group, Occurrence, Unit, collect_units
from duet.load.content import RECORD_FILE, Content

IN_STEP, DRIFTED, NEW, EDITED, GONE = (
    "in step", "drifted", "new", "changed in every language", "gone")
COMMAND = "python build.py translations --accept"


@dataclass(frozen=True)
class Behind:
    """A page in one language that may be behind the same page in `ahead`, whose text
    it was last checked against on `accepted`."""

    ahead: str
    accepted: dt.date


@dataclass(frozen=True)
class UnitState:
    group: str
    unit_id: str
    state: str
    behind: tuple[str, ...] = ()
    ahead: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    col: int
    message: str


@dataclass
class DriftReport:
    states: list[UnitState] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    behind: dict[tuple[str, str], Behind] = field(default_factory=dict)
    """(language, page key) → what that page may be behind."""


def check_translations(content_dir: Path, content: Content, diagnostics: Diagnostics,
                       history: History = file_history) -> DriftReport:
    """The drift report for loaded content, its problems added to `diagnostics` as
    warnings (errors under --strict, like every warning); an empty report when the
    content folder has no translation record. Change notes one language lacks are
    reported too, record or not (changes.py)."""
    check_change_notes(content, diagnostics)
    record_path = content_dir / RECORD_FILE
    record = load_record(record_path, content.config.written_codes, diagnostics)
    if record is None:
        return DriftReport()
    groups = collect_units(content, content_dir)
    report = check_drift(groups, record, content.config.written_codes, record_path, history)
    for problem in report.problems:
        diagnostics.warning(problem.path, problem.line, problem.col, problem.message)
    return report


def check_drift(groups: dict[str, Group], record: Record, codes: tuple[str, ...],
                record_path: Path, history: History) -> DriftReport:
    """Every unit's state against the record, and a problem for each unit to look at."""
    report = DriftReport()
    drifted: list[tuple[Group, str, Unit, UnitState]] = []
    for group in groups.values():
        for unit_id, unit in group.units.items():
            state = unit_state(group.name, unit_id, unit, record, codes)
            report.states.append(state)
            if state.state == DRIFTED:
                drifted.append((group, unit_id, unit, state))
            elif state.state == NEW:
                report.problems.append(_new_problem(group, unit_id, unit, record, codes,
                                                    record_path))
        _gone(group, record, record_path, codes, report)
    for name in sorted(record.groups.keys() - groups.keys()):
        _gone(Group(name, "data" if name.startswith("data/") else "page", {}), record,
              record_path, codes, report)
    changes = history(sorted({unit[lang].path for _, _, unit, state in drifted
                              for lang in state.ahead}))
    for group, unit_id, unit, state in drifted:
        entry = record.entry(group.name, unit_id)
        assert entry is not None
        _report_drift(group, unit_id, unit, state, entry.accepted, changes, codes, report)
    return report


def unit_state(group: str, unit_id: str, unit: Unit, record: Record,
               codes: tuple[str, ...]) -> UnitState:
    entry = record.entry(group, unit_id)
    if entry is None or any(lang not in entry.hashes for lang in unit):
        return UnitState(group, unit_id, NEW)
    changed = [lang for lang in codes if lang in unit and unit[lang].hash != entry.hashes[lang]]
    if not changed:
        return UnitState(group, unit_id, IN_STEP)
    if len(changed) == len(unit):
        return UnitState(group, unit_id, EDITED)
    behind = tuple(lang for lang in codes if lang in unit and lang not in changed)
    return UnitState(group, unit_id, DRIFTED, behind, tuple(changed))


def _report_drift(group: Group, unit_id: str, unit: Unit, state: UnitState,
                  accepted: dt.date, changes: dict[Path, Change], codes: tuple[str, ...],
                  report: DriftReport) -> None:
    ahead = " and ".join(f"'{lang}'" for lang in state.ahead)
    when = "; ".join(
        changes[unit[lang].path].describe(lang) if unit[lang].path in changes
        else f"{lang} changed since {accepted.isoformat()}" for lang in state.ahead)
    for lang in state.behind:
        place = unit[lang]
        report.problems.append(Problem(
            place.path, place.line, place.col,
            f"'{lang}' may be behind {ahead} in {group.describe(unit_id)} ({when}); once it "
            f"says the same, run `{COMMAND} {_target(place, unit_id)}`"))
        if group.kind == "page":
            key = (lang, group.page_key)
            known = report.behind.get(key)
            if known is None or accepted < known.accepted:
                report.behind[key] = Behind(state.ahead[0], accepted)


def _new_problem(group: Group, unit_id: str, unit: Unit, record: Record,
                 codes: tuple[str, ...], record_path: Path) -> Problem:
    place = unit[next(lang for lang in codes if lang in unit)]
    recorded = record.groups.get(group.name, {})
    gone = [old for old in recorded
            if any(old not in group.units or lang not in group.units[old] for lang in unit)]
    where = Diagnostics.display(record_path)
    if group.kind == "page" and gone:
        olds = ", ".join(f"#{old}" for old in gone)
        message = (f"{group.describe(unit_id)} is not in the translation record ({where}), "
                   f"and {olds} no longer is in every language: if a heading id was renamed, "
                   f"give it the same new id in every language, then run "
                   f"`{COMMAND} {Diagnostics.display(place.path)}`")
    else:
        message = (f"{group.describe(unit_id)} is new: it is not in the translation record "
                   f"({where}) yet; once every language says the same, run "
                   f"`{COMMAND} {_target(place, unit_id)}`")
    return Problem(place.path, place.line, place.col, message)


def _gone(group: Group, record: Record, record_path: Path, codes: tuple[str, ...],
          report: DriftReport) -> None:
    """Units in the record that no language has any more (their group's new units, if any,
    already name them as possibly renamed)."""
    recorded = record.groups.get(group.name, {})
    gone = [unit_id for unit_id in recorded if unit_id not in group.units]
    for unit_id in gone:
        report.states.append(UnitState(group.name, unit_id, GONE))
    if not gone or any(state.group == group.name and state.state == NEW
                       for state in report.states):
        return
    entry = recorded[gone[0]]
    where = entry.where or record.where.get(group.name)
    listed = ", ".join(group.describe(unit_id) for unit_id in gone)
    one = len(gone) == 1
    named = record_path.parent / (group.name if group.kind == "data"
                                  else f"{group.name}.{codes[0]}.md")
    report.problems.append(Problem(
        record_path, where.line if where else 0, where.col if where else 0,
        f"{group.name}: {listed} {'is' if one else 'are'} in the translation record but no "
        f"longer in the content; to remove {'it' if one else 'them'} from the record, run "
        f"`{COMMAND} {Diagnostics.display(named)}`"))


def _target(place: Occurrence, unit_id: str) -> str:
    return f"{Diagnostics.display(place.path)}#{unit_id}"

