"""A page's notice of machine drafts knows every drafted data text the page shows, however
a template reaches it and wherever it asks (duet/drift/notice.py, model/reads.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import jinja2
import pytest
from conftest import MINI
from markupsafe import Markup

from duet.diagnostics import Diagnostics
from duet.drift.notice import DraftNotice
from duet.load.config import Config, load_config
from duet.model.reads import recording_reads
from duet.model.site import LocalText
from duet.render.templates import make_environment

DRAFTED = LocalText(Markup("<em>Labs</em>"), "Labs", "en", "en", False, ("f.yaml", 3, 10))
REVIEWED = LocalText(Markup("Rank"), "Rank", "en", "en", False, ("f.yaml", 7, 10))


class Page:
    key = "index"
    is_fallback = False


@pytest.fixture(scope="module")
def config() -> Config:
    loaded = load_config(MINI / "site.yaml", Diagnostics(), None)
    assert loaded is not None
    return dataclasses.replace(loaded, translation_notice=True)


def environment(config: Config, tmp_path: Path, templates: dict[str, str]
                ) -> tuple[jinja2.Environment, DraftNotice]:
    """The engine's environment over `templates`, with the drafted text and the notice."""
    for name, text in templates.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    notice = DraftNotice(config, {}, frozenset({("en", "f.yaml", 3, 10)}),
                         config.language("en"), set())
    env = make_environment(tmp_path)
    env.globals.update(machine_draft_notice=notice, drafted=DRAFTED, reviewed=REVIEWED)
    return env, notice


def render(env: jinja2.Environment, notice: DraftNotice) -> str:
    template = env.get_template("page.html")
    with recording_reads():
        return notice.rendering(lambda: template.render(page=Page()))


ASK = "{% if machine_draft_notice(page) %}NOTICE{% endif %}"


@pytest.mark.parametrize("shown", [
    "{{ drafted }}", "{{ drafted.text }}", "{{ drafted.html }}", "{{ drafted|string }}",
    "{{ drafted.text|upper }}", "{% set x = drafted %}{{ x }}",
    "{% macro m(t) %}{{ t }}{% endmacro %}{{ m(drafted) }}",
    '{% import "lib.html" as lib %}{{ lib.shown }}',
])
@pytest.mark.parametrize("ask_first", [True, False], ids=["asked-before", "asked-after"])
def test_a_drafted_text_is_noticed_however_shown(config: Config, tmp_path: Path, shown: str,
                                                 ask_first: bool) -> None:
    page = ASK + shown if ask_first else shown + ASK
    html = render(*environment(config, tmp_path, {
        "page.html": page, "lib.html": "{% set shown = drafted %}"}))
    assert "NOTICE" in html and "labs" in html.lower()


def test_a_page_that_shows_no_drafted_text_has_no_notice(config: Config,
                                                         tmp_path: Path) -> None:
    html = render(*environment(config, tmp_path, {
        "page.html": ASK + "{{ reviewed }}{{ drafted.lang }}"}))
    assert "NOTICE" not in html and "Rank" in html


def test_a_module_jinja_keeps_carries_what_it_showed(config: Config, tmp_path: Path) -> None:
    """A template module imported without context is made once and kept: a later page
    that imports it shows its text without reading it again, and is noticed too."""
    env, notice = environment(config, tmp_path, {
        "page.html": '{% import "lib.html" as lib %}' + ASK + "{{ lib.shown }}",
        "lib.html": "{% set shown %}{{ drafted.text }}{% endset %}"})
    assert [("NOTICE" in render(env, notice)) for _ in range(2)] == [True, True]
