"""The translation report as one HTML page: the dev server's dashboard
(/_duet/translations) and `duet translations --html FILE`."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

import jinja2

from duet.diagnostics import Diagnostics
from duet.drift.diff import changed_only
from duet.drift.status import UnitStatus, counts

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def dashboard_html(statuses: list[UnitStatus], record_path: Path, tags: dict[str, str],
                   show_all: bool, problems: Sequence[str] = (), served: bool = False) -> str:
    """Units by file, each language's state and change, and the commands to run;
    `show_all`: every unit, else those that need work. `tags`: language code → BCP 47
    tag, for the texts' `lang`. `problems`: what keeps some of the content from being
    checked; `served`: by the dev server (which lists every unit at `?all`)."""
    shown = [status for status in statuses if show_all or status.needs_work]
    for status in shown:
        for language in status.languages.values():
            if language.diff:
                language.diff = changed_only(language.diff)
    files = [(file, list(units)) for file, units in groupby(shown, key=lambda s: s.file)]
    return _TEMPLATES.get_template("dashboard.html").render(
        record=Diagnostics.display(record_path), total=len(statuses),
        needing=sum(status.needs_work for status in statuses), counts=counts(statuses),
        files=files, languages=list(tags), tags=tags, show_all=show_all,
        problems=problems, served=served)
