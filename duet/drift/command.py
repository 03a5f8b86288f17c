"""`duet translations`: what needs work, what changed, or accept translations.

    duet translations                                  a summary and what needs work
    duet translations --all                            every unit, grouped by file
    duet translations --diff                           with what changed in each
    duet translations --html report.html               the same as a page (--json: as JSON)
    duet translations --accept content/about.en.md     one page (all its languages)
    duet translations --accept content/about.en.md#source           one section
    duet translations --accept content/data/glossary.yaml#sharp-knife   one item
    duet translations --accept content/about.en.md#source --machine-draft DeepL
    duet translations --reviewed content/about.en.md#source --by "Li Wei"
    duet translations --accept-all                     everything, as it is now
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from duet.diagnostics import Diagnostics
from duet.drift.check import DRIFTED, GONE, MACHINE_DRAFT, NEW, PROGRAM, DriftReport
from duet.drift.dashboard import dashboard_html
from duet.drift.diff import as_text, changed_only
from duet.drift.record import DRAFT, Entry, Event, Record, dump_record, load_record
from duet.drift.status import UNREVIEWED, UnitStatus, as_json, counts, unit_statuses
from duet.drift.texts import dump_texts, kept_texts, load_texts, texts_path
from duet.drift.units import Group, Unit, collect_units
from duet.load.config import Config
from duet.load.content import DATA_DIR, PAGE_NAME, RECORD_FILE, load_content
from duet.load.hooks import load_hook
from duet.load.schemas import ENGINE_COLLECTIONS

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Selection:
    """What to accept: a group, and the units in it (all when `units` is empty); `lang`:
    the language its path names (a page file's), if any."""

    group: str
    units: tuple[str, ...] = ()
    lang: str | None = None


@dataclass(frozen=True)
class View:
    """How to show the units: `all` of them or those that need work, with `diff`s,
    as an HTML page written to `html`, or as `json`; `strict`: exit 1 when any
    needs work."""

    all: bool = False
    diff: bool = False
    html: Path | None = None
    json: bool = False
    strict: bool = False


@dataclass(frozen=True)
class Mark:
    """Mark the texts of one language of the selected units as a machine draft (`who`:
    the tool) or as reviewed (`who`: the reviewer); `lang` for data files, whose paths
    name no language."""

    kind: str
    who: str
    lang: str | None = None
    targets: list[str] = field(default_factory=list)
    """For a review, the units reviewed (a draft marks the accepted ones)."""


def translations_command(content_dir: Path, accept: list[str] | None, accept_all: bool,
                         today: dt.date | None = None, hooks_dir: Path | None = None,
                         view: View = View(), mark: Mark | None = None) -> int:
    """Print the summary, or accept what is selected; the exit status. The site's hooks
    (`hooks_dir`) give the schemas of its data collections."""
    diagnostics = Diagnostics()
    hook = load_hook(hooks_dir, diagnostics, reserved=ENGINE_COLLECTIONS)
    content = load_content(content_dir, diagnostics, hook=hook)
    writing = bool(accept or accept_all or mark)
    if content is None or (diagnostics.errors and writing):
        _print_errors(diagnostics, "fix these first: translations are accepted from "
                                   "content that builds")
        return EXIT_PROBLEM
    record_path = content_dir / RECORD_FILE
    before = len(diagnostics.items)
    record = load_record(record_path, content.config.written_codes, diagnostics)
    record_errors = [d for d in diagnostics.items[before:] if d.severity == "error"]
    groups = collect_units(content, content_dir)
    codes = content.config.written_codes
    if not writing:
        _print_errors(diagnostics, "")
        return show(groups, record, content_dir, record_path, content.config, view)
    if record_errors and not accept_all:
        _print_errors(diagnostics, f"fix {Diagnostics.display(record_path)} first, or "
                                   f"write it again with `{PROGRAM} --accept-all`")
        return EXIT_PROBLEM
    try:
        selections = (None if accept_all else
                      select([*(accept or []), *(mark.targets if mark else [])], groups,
                             record or Record(), content_dir, content.config))
        marked = _marked(selections or [], groups, mark, codes) if mark else {}
    except ValueError as exc:
        print(f"{PROGRAM}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    today = today or dt.date.today()
    updated, accepted, dropped = accept_units(record or Record(), groups, selections, today)
    if mark:
        _add_events(updated, groups, marked, mark, today, codes)
    texts_file = texts_path(record_path)
    kept = dump_texts(kept_texts(updated, groups, load_texts(texts_file)))
    write_record(record_path, dump_record(updated, codes))
    write_record(texts_file, kept)
    shown = Diagnostics.display(record_path)
    done = ", ".join(filter(None, [
        f"{accepted} unit(s) accepted as in step" if accepted else "",
        f"{dropped} gone unit(s) dropped" if dropped else "",
        f"{sum(map(len, marked.values()))} text(s) marked "
        f"{'as a machine draft' if mark and mark.kind == DRAFT else 'as reviewed'}"
        if marked else ""]))
    print(f"{shown}: {done or 'unchanged, every unit selected was accepted as it is already'}")
    return EXIT_OK


def _print_errors(diagnostics: Diagnostics, advice: str) -> None:
    for diagnostic in diagnostics.errors:
        print(diagnostic, file=sys.stderr)
    if diagnostics.errors and advice:
        print(advice, file=sys.stderr)


def translations_page(checked: tuple[DriftReport, Config] | None, content_dir: Path,
                      every: bool, problems: Sequence[str] = ()) -> str:
    """The dev server's dashboard: the report as a page, made from the units and the
    record a build checked (`checked`: its drift report and the site's config; None when
    no build has succeeded), with the `problems` of a build that failed since. Only the
    accepted texts, which builds do not read, are read here, for the diffs."""
    record_path = content_dir / RECORD_FILE
    shown = list(problems)
    if checked is None:
        return dashboard_html([], record_path, {}, every, shown, served=True)
    drift, config = checked
    statuses = []
    if drift.record is None:
        shown.append(f"no translation record ({Diagnostics.display(record_path)}): "
                     f"create it with `{PROGRAM} --accept-all`")
    else:
        statuses = _statuses(drift.groups, drift.record, content_dir, record_path,
                             config.written_codes)
    return dashboard_html(statuses, record_path, _tags(config), every, shown, served=True)


def _statuses(groups: dict[str, Group], record: Record, content_dir: Path,
              record_path: Path, codes: tuple[str, ...]) -> list[UnitStatus]:
    return unit_statuses(groups, record, load_texts(texts_path(record_path)), codes,
                         record_path, content_dir)


def _tags(config: Config) -> dict[str, str]:
    return {lang: config.language(lang).tag for lang in config.written_codes}


def show(groups: dict[str, Group], record: Record | None, content_dir: Path,
         record_path: Path, config: Config, view: View) -> int:
    """Print (or write as HTML) the units' states; the exit status."""
    codes = config.written_codes
    if record is None:
        print(f"no translation record ({Diagnostics.display(record_path)}): drift is not "
              f"checked; create it with `{PROGRAM} --accept-all`")
        return EXIT_OK
    statuses = _statuses(groups, record, content_dir, record_path, codes)
    try:
        if view.json:
            print(json.dumps(as_json(statuses, record_path, codes), ensure_ascii=False,
                             indent=1))
        elif view.html is not None:
            write_record(view.html, dashboard_html(statuses, record_path, _tags(config),
                                                   view.all))
            print(f"{view.html}: {len(statuses)} unit(s), "
                  f"{sum(s.needs_work for s in statuses)} need work")
        else:
            print_summary(statuses, record_path, view)
    except BrokenPipeError:  # `duet translations | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        print(f"{view.html}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_PROBLEM if view.strict and any(s.needs_work for s in statuses) else EXIT_OK


def print_summary(statuses: list[UnitStatus], record_path: Path, view: View) -> None:
    """The units that need work (every unit with `view.all`), grouped by file, then
    the count of each state."""
    listed = [status for status in statuses if view.all or status.needs_work]
    width = max((len(status.unit_id) for status in listed), default=0)
    color = view.diff and sys.stdout.isatty()
    current = ""
    for status in listed:
        if status.file != current:
            current = status.file
            print(current)
        print(f"  {status.unit_id:<{width}}  {_detail(status)}")
        for command in status.commands if status.needs_work else []:
            print(f"  {'':<{width}}  run: {command}")
        for lang, shown in status.languages.items() if view.diff else ():
            if shown.diff is not None:
                print(f"  {'':<{width}}  {lang} changed:")
                for line in as_text(changed_only(shown.diff), color).split("\n"):
                    print(f"  {'':<{width}}    {line}".rstrip())
            elif shown.state == "changed":
                print(f"  {'':<{width}}  {lang} changed (its accepted text is not kept: it "
                      "was accepted before accepted texts were recorded)")
    found = counts(statuses)
    parts = ", ".join(f"{count} {state}" for state, count in found.items())
    needing = sum(status.needs_work for status in statuses)
    print(f"{len(statuses)} unit(s): {parts or 'none'} ({Diagnostics.display(record_path)})")
    if needing and not view.all:
        print(f"{needing} need work; `{PROGRAM} --all` lists every unit"
              + ("" if view.diff else f", `{PROGRAM} --diff` shows what changed"))
    elif not needing:
        print("nothing needs work")


def _detail(status: UnitStatus) -> str:
    detail = status.state
    if status.state == DRIFTED:
        ahead = [lang for lang, shown in status.languages.items() if shown.state == "changed"]
        behind = [lang for lang, shown in status.languages.items() if shown.state == "behind"]
        detail += ": " + ", ".join(f"'{lang}' may be behind "
                                   + " and ".join(f"'{a}'" for a in ahead) for lang in behind)
    elif status.state == GONE:
        detail += ": accept its page or file to drop it from the record"
    elif status.state == NEW:
        detail += ": accept it to record it"
    drafts = [f"'{lang}' is a machine draft ({shown.draft.who}, {shown.draft.on})"
              + (", edited since, not reviewed" if shown.state == UNREVIEWED else "")
              for lang, shown in status.languages.items()
              if shown.draft is not None and shown.state in (MACHINE_DRAFT, UNREVIEWED)]
    return "; ".join([detail, *drafts])


def select(arguments: list[str], groups: dict[str, Group], record: Record,
           content_dir: Path, config: Config) -> list[Selection]:
    """`--accept` arguments as selections: paths (page files of any language, data files),
    each optionally followed by `#unit` or by a separate `#unit` / `unit` argument."""
    selections: list[Selection] = []
    for argument in arguments:
        path, _, unit = argument.partition("#")
        if path and ("/" in path or path.endswith((".md", ".yaml", ".yml"))):
            name, lang = _group_of(Path(path), content_dir, config)
            if name not in groups and name not in record.groups:
                raise ValueError(f"{path}: not a page with translations, nor a data file "
                                 "with texts in several languages")
            selections.append(Selection(name, (), lang))
        elif not selections:
            raise ValueError(f"'{argument}': name a page or data file first, e.g. "
                             f"--accept {Diagnostics.display(content_dir / 'about.en.md')}")
        else:
            unit = unit or path
        if unit:
            selections[-1] = _with_unit(selections[-1], unit, groups, record)
    return selections


def _group_of(path: Path, content_dir: Path, config: Config) -> tuple[str, str | None]:
    """The record's name for the page or data file at `path` (which need not exist: a
    deleted page is named to remove it from the record), and the language it names."""
    try:
        relative = path.resolve().relative_to(content_dir.resolve())
    except ValueError:
        raise ValueError(f"{path} is not inside the content folder "
                         f"{Diagnostics.display(content_dir)}") from None
    if relative.parts[:1] == (DATA_DIR,):
        return relative.as_posix(), None
    match = PAGE_NAME.match(relative.name)
    if match and match["lang"] in config.codes:
        return (relative.parent / match["stem"]).as_posix(), match["lang"]
    return (relative.with_suffix("").as_posix() if relative.suffix == ".md" else
            relative.as_posix()), None


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
    return Selection(selection.group, selection.units + matching, selection.lang)


def accept_units(record: Record, groups: dict[str, Group],
                 selections: list[Selection] | None, today: dt.date
                 ) -> tuple[Record, int, int]:
    """The record with the selected units (all when `selections` is None) accepted as they
    are now, with how many entries that changed and how many it dropped. Units already in
    step keep their entry; a selected unit, or a selected group's unit, that no language
    has any more is dropped. A unit in one language (its translation missing) keeps its
    entry, and so does every unit of a file with errors."""
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
        group = groups.get(name)
        if group is not None and group.held:
            continue
        current = group.units if group else {}
        kept = group.untranslated if group else set()
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
                if (units is None or unit_id in units) and unit_id not in kept:
                    dropped += 1
                else:
                    entries[unit_id] = entry
        order = (*group.order, *old) if group else tuple(old)
        updated.groups[name] = {unit_id: entries[unit_id] for unit_id in dict.fromkeys(order)
                                if unit_id in entries}
        if not entries:
            del updated.groups[name]
    return updated, changed, dropped


def _accepted(old: Entry | None, unit: Unit, today: dt.date) -> Entry:
    hashes = {lang: occurrence.hash for lang, occurrence in unit.items()}
    if old is not None and old.hashes == hashes:
        return old
    return Entry(today, hashes, log=old.log if old else ())


def _marked(selections: list[Selection], groups: dict[str, Group], mark: Mark,
            codes: tuple[str, ...]) -> dict[tuple[str, str], list[str]]:
    """(group, language) → the units whose text in that language the mark is for."""
    marked: dict[tuple[str, str], list[str]] = {}
    for selection in selections:
        lang = mark.lang or selection.lang
        if lang is None:
            raise ValueError(f"{selection.group}: name the language of the texts with "
                             f"--lang ({', '.join(codes)})")
        if lang not in codes:
            raise ValueError(f"--lang {lang}: not a language editors write "
                             f"({', '.join(codes)})")
        group = groups.get(selection.group)
        units = [unit_id for unit_id in (selection.units or (group.units if group else ()))
                 if group is not None and lang in group.units.get(unit_id, {})]
        if not units:
            raise ValueError(f"{selection.group}: no unit selected has a '{lang}' text")
        marked.setdefault((selection.group, lang), []).extend(units)
    return marked


def _add_events(record: Record, groups: dict[str, Group],
                marked: dict[tuple[str, str], list[str]], mark: Mark, today: dt.date,
                codes: tuple[str, ...]) -> None:
    """Add the mark to the log of each marked unit (accepted by now)."""
    for (name, lang), units in marked.items():
        for unit_id in units:
            entry = record.groups[name][unit_id]
            unit = groups[name].units[unit_id]
            hashes = {code: unit[code].hash for code in codes if code in unit}
            event = Event(mark.kind, lang, mark.who, today, hashes)
            record.groups[name][unit_id] = Entry(entry.accepted, entry.hashes, entry.where,
                                                 (*entry.log, event))


def write_record(path: Path, text: str) -> None:
    """Replace the record in one step, so an interrupted write leaves the old one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".translations-",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temporary, _mode_of(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_of(path: Path) -> int:
    """The file's permissions, or a new file's (mkstemp's own are the owner's alone)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
