"""Rendering: templates reach the model through public names only, and what a file
read of page bodies is recorded however the template reaches them."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from conftest import SITE_HOOK

from duet.diagnostics import Diagnostics
from duet.load.content import load_content
from duet.model.reads import recording_reads
from duet.model.site import Site, build_site_model
from duet.render.templates import make_environment


@pytest.fixture
def site(mini_content: Path) -> Site:
    diagnostics = Diagnostics()
    content = load_content(mini_content, diagnostics, hook=SITE_HOOK)
    assert content is not None
    return build_site_model(content, {}, diagnostics)


def render(tmp_path: Path, source: str, **context: object) -> str:
    (tmp_path / "t.html").write_text(source, encoding="utf-8")
    return make_environment(tmp_path).get_template("t.html").render(**context)


@pytest.mark.parametrize("spelling", [
    "{{ page._source }}", "{{ page['_compiled'] }}", "{{ page|attr('_source') }}",
    "{{ page.__class__ }}",
])
def test_private_names_are_out_of_reach(site: Site, tmp_path: Path, spelling: str) -> None:
    with pytest.raises(jinja2.UndefinedError):
        render(tmp_path, spelling, page=site.pages[("en", "about")])


def test_public_names_are_reached_as_usual(site: Site, tmp_path: Path) -> None:
    page = site.pages[("en", "about")]
    assert render(tmp_path, "{{ page.title }}|{{ page['key'] }}|{{ page|attr('lang') }}",
                  page=page) == f"{page.title}|about|en"


def test_body_reads_are_recorded_through_aliases_macros_and_filters(
        site: Site, tmp_path: Path) -> None:
    source = ("{% set all = pages %}{% macro peek(p) %}{{ p.body|length }}{% endmacro %}"
              "{% for pair, other in all|dictsort %}{% if other.key == 'about' %}"
              "{{ peek(other) }}{% endif %}{% endfor %}"
              "{{ (home|attr('body'))|wordcount }}")
    with recording_reads() as reads:
        render(tmp_path, source, pages=site.pages, home=site.pages[("zh", "index")])
    assert set(reads.own) == {("zh", "about"), ("en", "about"), ("zh", "index")}
    assert reads.own[("en", "about")] == site.pages[("en", "about")]._compiled.html_digest


@pytest.mark.parametrize("importing", [
    '{% import "lib.html" as lib %}{{ lib.summary }}',
    '{% from "lib.html" import summary %}{{ summary }}',
    '{% import "lib.html" as lib with context %}{{ lib.summary }}',
])
def test_a_module_jinja_keeps_counts_its_reads_for_every_render_that_uses_it(
        site: Site, tmp_path: Path, importing: str) -> None:
    """A template imported without context is evaluated once and kept by Jinja: the reads
    made while it was made are counted again for each later render."""
    (tmp_path / "lib.html").write_text(
        "{% set summary = site.pages[('en', 'about')].body|length %}", encoding="utf-8")
    (tmp_path / "t.html").write_text(importing, encoding="utf-8")
    env = make_environment(tmp_path)
    env.globals["site"] = site
    for _ in range(3):
        with recording_reads() as reads:
            env.get_template("t.html").render()
        assert set(reads.own) == {("en", "about")}


def test_a_body_read_by_the_site_s_code_counts_for_every_output(
        site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site's code may keep what it read (a cache of its own), out of sight."""
    code = tmp_path / "site_code.py"
    code.write_text("def size(page):\n    return len(page.body)\n", encoding="utf-8")
    namespace: dict[str, object] = {"__name__": "duet_site.helpers"}
    exec(compile(code.read_text(encoding="utf-8"), str(code), "exec"), namespace)
    with recording_reads() as reads:
        render(tmp_path, "{{ size(page) }}", size=namespace["size"],
               page=site.pages[("en", "about")])
    assert reads.own == {} and set(reads.everyone) == {("en", "about")}
