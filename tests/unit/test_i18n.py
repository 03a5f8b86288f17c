import datetime as dt
import re
from pathlib import Path

import pytest
from babel.support import Translations
from conftest import ROOT

from duet.diagnostics import Diagnostics
from duet.render import i18n
from duet.render.i18n import (
    Formatter,
    catalog_path,
    check_catalog_coverage,
    extract_ui_strings,
    load_translations,
)

LOCALES = ROOT / "locales"


def test_dates_and_numbers_follow_the_locale() -> None:
    zh = Formatter("zh_Hans_CN", Translations())
    en = Formatter("en", Translations())
    day = dt.date(2025, 1, 6)
    assert zh.date(day) == "2025年1月6日" and en.date(day) == "January 6, 2025"
    assert en.number(10000) == "10,000" and en.percent(70) == "70%"
    british = Formatter("en_GB", Translations())
    assert british.date(day) == "6 January 2025" and british.date(day, "short") == "06/01/2025"


@pytest.mark.parametrize(("locale", "date", "number", "items", "alternatives"), [
    ("ja", "2025年1月6日", "10,000.5", "赤、緑、青", "赤または緑"),
    ("fr", "6 janvier 2025", "10\u202f000,5", "rouge, vert et bleu", "rouge ou vert"),
    ("ar", "6 يناير 2025", "10,000.5", "أحمر وأخضر وأزرق", "أحمر أو أخضر"),
])
def test_the_engines_words_come_from_cldr_without_a_catalog(
        locale: str, date: str, number: str, items: str, alternatives: str) -> None:
    """Dates, numbers and lists in any locale, with an empty catalog: no site translates
    the engine's own strings."""
    words = {"ja": ("赤", "緑", "青"), "fr": ("rouge", "vert", "bleu"),
             "ar": ("أحمر", "أخضر", "أزرق")}[locale]
    formatter = Formatter(locale, Translations())
    assert formatter.date(dt.date(2025, 1, 6)) == date
    assert formatter.number(10000.5) == number
    assert formatter.list(words) == items
    assert formatter.list(words[:2], "or") == alternatives


def test_ordinal_and_plural_categories_follow_cldr() -> None:
    english, french = Formatter("en", Translations()), Formatter("fr", Translations())
    arabic, japanese = Formatter("ar", Translations()), Formatter("ja", Translations())
    assert [english.ordinal_form(n) for n in (1, 2, 3, 4, 11, 22)] == [
        "one", "two", "few", "other", "other", "two"]
    assert [french.ordinal_form(n) for n in (1, 2)] == ["one", "other"]
    assert [japanese.ordinal_form(n) for n in (1, 2)] == ["other", "other"]
    assert [arabic.plural_form(n) for n in (0, 1, 2, 3, 11, 100)] == [
        "zero", "one", "two", "few", "many", "other"]


def test_every_ui_string_has_a_chinese_translation() -> None:
    diagnostics = Diagnostics()
    _, translated = load_translations(LOCALES, "zh", "zh_Hans_CN", diagnostics,
                                      theme_language="en")
    strings = extract_ui_strings(ROOT / "templates", ROOT / "duet", ROOT / "explainer")
    assert "100 km" in {s.msgid for s in strings}  # marked in the site's code
    check_catalog_coverage(strings, "zh", translated, catalog_path(LOCALES, "zh"), diagnostics,
                           theme_language="en")
    assert not diagnostics.items, [str(d) for d in diagnostics.items]


def test_only_python_files_calling_gettext_are_read_for_strings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "plain.py").write_text("class A:\n    def __init__(self): pass\n")
    (tmp_path / "code" / "marked.py").write_text('TITLE = N_("Key figures")\n'
                                                 'LABEL = self.gettext("Next")\n')
    read: list[object] = []
    real_extract = i18n.extract

    def counted(method: object, source: object, **options: object) -> object:
        read.append(method)
        return real_extract(method, source, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(i18n, "extract", counted)
    strings = extract_ui_strings(tmp_path / "templates", tmp_path / "code")
    # the theme has no 404.html: the engine's, and its string, stand in
    assert [s.msgid for s in strings] == ["Page not found"] * 2 + ["Key figures", "Next"]
    assert strings[0].path == "duet/404.html"
    assert read == [i18n.PYTHON_EXTRACTOR]  # marked.py alone, by Babel's Python extractor


def test_skipping_files_without_a_gettext_call_loses_no_string(
        monkeypatch: pytest.MonkeyPatch) -> None:
    skipping = extract_ui_strings(ROOT / "templates", ROOT / "duet", ROOT / "explainer")
    monkeypatch.setattr(i18n, "GETTEXT_CALL", re.compile(rb""))  # every file tokenised
    assert extract_ui_strings(ROOT / "templates", ROOT / "duet", ROOT / "explainer") == skipping


def test_missing_catalog_string_is_reported(tmp_path: Path) -> None:
    po = catalog_path(tmp_path, "zh")
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Hello"\nmsgstr "你好"\n\nmsgid "Bye"\nmsgstr ""\n', encoding="utf-8")
    diagnostics = Diagnostics()
    _, translated = load_translations(tmp_path, "zh", "zh_Hans_CN", diagnostics,
                                      theme_language="en")
    assert translated == {"Hello"}


def test_broken_catalog_is_an_error_with_a_line(tmp_path: Path) -> None:
    po = catalog_path(tmp_path, "zh")
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Hello"\nmsgstr "你好"\nthis is not po\n', encoding="utf-8")
    diagnostics = Diagnostics()
    load_translations(tmp_path, "zh", "zh_Hans_CN", diagnostics, theme_language="en")
    assert diagnostics.errors and diagnostics.errors[0].line == 3


NOTICE_STRINGS = {"This page has not been translated yet. It is shown in its original language.",
                  "This translation was last checked against the %(language)s text of %(date)s.",
                  "Parts of this page are a machine translation that no one has reviewed yet."}


@pytest.mark.parametrize(("base", "expected"), [
    ("<main>{% block content %}{% endblock %}</main>", set()),
    ('<main>{% include "notices.html" %}{% block content %}{% endblock %}</main>',
     NOTICE_STRINGS),
    ('<main>{% include "duet/notices.html" %}</main>', NOTICE_STRINGS),
])
def test_the_engines_notices_are_the_themes_strings_once_it_includes_them(
        tmp_path: Path, base: str, expected: set[str]) -> None:
    (tmp_path / "code").mkdir()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "base.html").write_text(base, encoding="utf-8")
    (templates / "page.html").write_text('{% extends "base.html" %}', encoding="utf-8")
    found = {s.msgid for s in extract_ui_strings(templates, tmp_path / "code")}
    assert found - {"Page not found"} == expected


def test_a_theme_that_extends_an_engine_template_has_its_strings(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "404.html").write_text('{% extends "duet/404.html" %}', encoding="utf-8")
    strings = extract_ui_strings(templates, tmp_path / "code")
    assert [(s.msgid, s.path) for s in strings] == [("Page not found", "duet/404.html")] * 2
