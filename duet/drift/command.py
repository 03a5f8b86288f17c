"""`duet translations`: list every unit's state, or accept translations.

    duet translations                                   every unit, grouped by file
    duet translations --accept content/about.en.md      one page (all its languages)
    duet translations --accept content/about.en.md#source          one section
    duet translations --accept content/data/glossary.yaml#sharp-knife   one item
    duet translations --accept-all                      everything, as it is now
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from duet.diagnostics import Diagnostics
from duet.drift.check import DRIFTED, GONE, IN_STEP, check_drift
from duet.drift.record import Entry, Record, dump_record, load_record
from duet.drift.units import Group, Unit, collect_units
from duet.load.config import Config
from duet.load.content import DATA_DIR, PAGE_NAME, RECORD_FILE, load_content
from duet.load.hooks import load_hook
from duet.load.schemas import ENGINE_COLLECTIONS

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Selection:
    """What to accept: a group, and the units in it (all when `units` is empty)."""

    group: str
    units: tuple[str, ...] = ()


def translations_command(content_dir: Path, accept: list[str] | None, accept_all: bool,
                         today: dt.date | None = None, hooks_dir: Path | None = None) -> int:
    """Print the summary, or accept what is selected; the exit status. The site's hooks
    (`hooks_dir`) give the schemas of its data collections."""
    diagnostics = Diagnostics()
    hook = load_hook(hooks_dir, diagnostics, reserved=ENGINE_COLLECTIONS)
    content = load_content(content_dir, diagnostics, hook=hook)
    if content is None or (diagnostics.errors and (accept or accept_all)):
        _print_errors(diagnostics, "fix these first: translations are accepted from "
                                   "content that builds")
        return EXIT_PROBLEM
    record_path = content_dir / RECORD_FILE
    before = len(diagnostics.items)
    record = load_record(record_path, content.config.written_codes, diagnostics)
    record_errors = [d for d in diagnostics.items[before:] if d.severity == "error"]
    groups = collect_units(content, content_dir)
    if not accept and not accept_all:
        _print_errors(diagnostics, "")
        try:
            print_summary(groups, record, content.config.written_codes, record_path, content_dir)
        except BrokenPipeError:  # `duet translations | head`
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    if record_errors and not accept_all:
        _print_errors(diagnostics, f"fix {Diagnostics.display(record_path)} first, or "
                                   "write it again with --accept-all")
        return EXIT_PROBLEM
    try:
        selections = (None if accept_all else
                      select(accept or [], groups, record or Record(), content_dir,
                             content.config))
    except ValueError as exc:
        print(f"duet translations: {exc}", file=sys.stderr)
        return EXIT_USAGE
    updated, accepted, dropped = accept_units(record or Record(), groups, selections,
                                              today or dt.date.today())
    write_record(record_path, dump_record(updated, content.config.written_codes))
    shown = Diagnostics.display(record_path)
    done = ", ".join(filter(None, [f"{accepted} unit(s) accepted as in step" if accepted else "",
                                   f"{dropped} gone unit(s) dropped" if dropped else ""]))
    print(f"{shown}: {done or 'unchanged, every unit selected was accepted as it is already'}")
    return EXIT_OK


def _print_errors(diagnostics: Diagnostics, advice: str) -> None:
    for diagnostic in diagnostics.errors:
        print(diagnostic, file=sys.stderr)
    if diagnostics.errors and advice:
        print(advice, file=sys.stderr)


def print_summary(groups: dict[str, Group], record: Record | None, codes: tuple[str, ...],
                  record_path: Path, content_dir: Path) -> None:
    """One line per unit, grouped by file, then the count of each state."""
    shown = Diagnostics.display(record_path)
    if record is None:
        print(f"no translation record ({shown}): drift is not checked; create it with "
              "`duet translations --accept-all`")
        return
    report = check_drift(groups, record, codes, record_path, lambda paths: {})
    counts: dict[str, int] = {}
    current = ""
    width = max((len(state.unit_id) for state in report.states), default=0)
    for state in report.states:
        if state.group != current:
            current = state.group
            print(_group_label(groups.get(current), current, content_dir, codes))
        detail = state.state
        if state.state == DRIFTED:
            ahead = " and ".join(f"'{lang}'" for lang in state.ahead)
            detail += ": " + ", ".join(f"'{lang}' may be behind {ahead}"
                                       for lang in state.behind)
        elif state.state == GONE:
            detail += ": accept its page or file to drop it from the record"
        elif state.state != IN_STEP:
            detail += ": accept it to record it"
        print(f"  {state.unit_id:<{width}}  {detail}")
        counts[state.state] = counts.get(state.state, 0) + 1
    total = sum(counts.values())
    parts = ", ".join(f"{count} {state}" for state, count in sorted(counts.items()))
    print(f"{total} unit(s): {parts or 'none'} ({shown})")


def _group_label(group: Group | None, name: str, content_dir: Path,
                 codes: tuple[str, ...]) -> str:
    if name.startswith(DATA_DIR + "/"):
        return Diagnostics.display(content_dir / name)
    langs = [lang for lang in codes if group and any(lang in unit for unit in group.units.values())]
    return Diagnostics.display(content_dir / name) + f".{{{','.join(langs or codes)}}}.md"


def select(arguments: list[str], groups: dict[str, Group], record: Record,
           content_dir: Path, config: Config) -> list[Selection]:
    """`--accept` arguments as selections: paths (page files of any language, data files),
    each optionally followed by `#unit` or by a separate `#unit` / `unit` argument."""
    selections: list[Selection] = []
    for argument in arguments:
        path, _, unit = argument.partition("#")
        if path and ("/" in path or path.endswith((".md", ".yaml", ".yml"))):
            name = _group_of(Path(path), content_dir, config)
            if name not in groups and name not in record.groups:
                raise ValueError(f"{path}: not a page with translations, nor a data file "
                                 "with texts in several languages")
            selections.append(Selection(name))
        elif not selections:
            raise ValueError(f"'{argument}': name a page or data file first, e.g. "
                             f"--accept {Diagnostics.display(content_dir / 'about.en.md')}")
        else:
            unit = unit or path
        if unit:
            selections[-1] = _with_unit(selections[-1], unit, groups, record)
    return selections


def _group_of(path: Path, content_dir: Path, config: Config) -> str:
    """The record's name for the page or data file at `path` (which need not exist: a
    deleted page is named to remove it from the record)."""
    try:
        relative = path.resolve().relative_to(content_dir.resolve())
    except ValueError:
        raise ValueError(f"{path} is not inside the content folder "
                         f"{Diagnostics.display(content_dir)}") from None
    if relative.parts[:1] == (DATA_DIR,):
        return relative.as_posix()
    match = PAGE_NAME.match(relative.name)
    if match and match["lang"] in config.codes:
        return (relative.parent / match["stem"]).as_posix()
    return relative.with_suffix("").as_posix() if relative.suffix == ".md" else \
        relative.as_posix()


def _with_unit(selection: Selection, unit: str, groups: dict[str, Group],
               record: Record) -> Selection:
    """The selection narrowed to `unit`: a unit id, or for data an item id (all its
    texts) or any leading part of a text's id."""
    known = [*groups[selection.group].units] if selection.group in groups else []
    known += [u for u in record.groups.get(selection.group, {}) if u not in known]
    matching = tuple(u for u in known if u == unit or u.startswith(unit + "."))
    if not matching:
        listed = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
        raise ValueError(f"{selection.group} has no unit '{unit}' (it has: {listed})")
    return Selection(selection.group, selection.units + matching)


def accept_units(record: Record, groups: dict[str, Group],
                 selections: list[Selection] | None, today: dt.date
                 ) -> tuple[Record, int, int]:
    """The record with the selected units (all when `selections` is None) accepted as they
    are now, with how many entries that changed and how many it dropped. Units already in
    step keep their entry; a selected unit, or a selected group's unit, that the content no
    longer has is dropped."""
    chosen: dict[str, set[str] | None] = (
        dict.fromkeys(groups.keys() | record.groups.keys()) if selections is None else {})
    for selection in selections or []:
        before = chosen.get(selection.group, set())
        chosen[selection.group] = (None if before is None or not selection.units
                                   else before | set(selection.units))
    updated = Record({name: dict(units) for name, units in record.groups.items()})
    changed = dropped = 0
    for name, units in chosen.items():
        old = record.groups.get(name, {})
        current = groups[name].units if name in groups else {}
        entries: dict[str, Entry] = {}
        for unit_id, unit in current.items():
            if units is None or unit_id in units:
                entry = _accepted(old.get(unit_id), unit, today)
                changed += entry is not old.get(unit_id)
                entries[unit_id] = entry
            elif unit_id in old:
                entries[unit_id] = old[unit_id]
        for unit_id, entry in old.items():
            if unit_id not in current:
                if units is None or unit_id in units:
                    dropped += 1
                else:
                    entries[unit_id] = entry
        updated.groups[name] = entries
        if not entries:
            del updated.groups[name]
    return updated, changed, dropped


def _accepted(old: Entry | None, unit: Unit, today: dt.date) -> Entry:
    hashes = {lang: occurrence.hash for lang, occurrence in unit.items()}
    if old is not None and old.hashes == hashes:
        return old
    return Entry(today, hashes)


def write_record(path: Path, text: str) -> None:
    """Replace the record in one step, so an interrupted write leaves the old one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".translations-",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
