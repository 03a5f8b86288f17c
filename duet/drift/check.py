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
from duet.model.reads import TextRef

IN_STEP, DRIFTED, NEW, EDITED, GONE = (
    "in step", "drifted", "new", "changed in every language", "gone")
UNTRANSLATED = "missing a translation"
"""In one language only (reported by the build as a missing translation); its record,
if any, is kept for when the translation is back."""
MACHINE_DRAFT = "machine draft"
"""A language's text marked as a machine draft and not reviewed since."""
PROGRAM = "duet translations"
COMMAND = f"{PROGRAM} --accept"


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
    drafts: tuple[str, ...] = ()
    """The languages whose text is an unreviewed machine draft."""


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
    drafts: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(language, page key) → the page's units whose text is an unreviewed machine draft."""
    drafted_texts: set[TextRef] = field(default_factory=set)
    """The data texts whose text in a language is an unreviewed machine draft."""
    record: Record | None = None
    """The record the content was checked against; None: the content folder has none."""
    groups: dict[str, Group] = field(default_factory=dict)
    """The content's units as checked (what the dev server's dashboard shows)."""


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
    report.record, report.groups = record, groups
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
            if group.held:  # its file's errors are reported; what follows from them is not
                continue
            if state.state == DRIFTED:
                drifted.append((group, unit_id, unit, state))
            elif state.state == NEW:
                report.problems.append(_new_problem(group, unit_id, unit, record, codes,
                                                    record_path))
            for lang in state.drafts:
                _report_draft(group, unit_id, unit, lang, record, report)
        report.states += [UnitState(group.name, unit_id, UNTRANSLATED)
                          for unit_id in group.order if unit_id in group.untranslated]
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
    drafts = tuple(lang for lang in codes if lang in unit and entry.draft(lang))
    changed = [lang for lang in codes if lang in unit and unit[lang].hash != entry.hashes[lang]]
    if not changed:
        return UnitState(group, unit_id, IN_STEP, drafts=drafts)
    if len(changed) == len(unit):
        return UnitState(group, unit_id, EDITED, drafts=drafts)
    behind = tuple(lang for lang in codes if lang in unit and lang not in changed)
    return UnitState(group, unit_id, DRIFTED, behind, tuple(changed), drafts)


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


def _report_draft(group: Group, unit_id: str, unit: Unit, lang: str, record: Record,
                  report: DriftReport) -> None:
    entry = record.entry(group.name, unit_id)
    draft = entry.draft(lang) if entry else None
    assert draft is not None
    place = unit[lang]
    report.problems.append(Problem(
        place.path, place.line, place.col,
        f"'{lang}' text of {group.describe(unit_id)} is a machine draft ({draft.who}, "
        f"{draft.on.isoformat()}) not reviewed yet; once a person has reviewed it, run "
        f"`{review_command(group, place, unit_id, lang)}`"))
    if group.kind == "page":
        report.drafts.setdefault((lang, group.page_key), []).append(unit_id)
    else:
        report.drafted_texts.add((lang, str(place.path), place.line, place.col))


def review_command(group: Group, place: Occurrence, unit_id: str, lang: str) -> str:
    """The command that records a person's review of `lang`'s text of the unit."""
    language = f" --lang {lang}" if group.kind == "data" else ""
    return f"{PROGRAM} --reviewed {_target(place, unit_id)}{language} --by NAME"


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
    already name them as possibly renamed). A group with a file that has errors has none:
    what it lacks may only be what could not be read."""
    if group.held:
        return
    recorded = record.groups.get(group.name, {})
    gone = [unit_id for unit_id in recorded
            if unit_id not in group.units and unit_id not in group.untranslated]
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

