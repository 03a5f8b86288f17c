import datetime as dt
from pathlib import Path

from babel.support import Translations
from conftest import ROOT

from duet.diagnostics import Diagnostics
from duet.i18n import (
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


def test_english_ordinals_use_cldr_categories() -> None:
    en = Formatter("en", Translations())
    assert [en.ordinal(n) for n in (1, 2, 3, 4, 11, 22)] == ["1st", "2nd", "3rd", "4th",
                                                            "11th", "22nd"]


def test_chinese_ordinals_come_from_the_catalog() -> None:
    translations, _ = load_translations(LOCALES, "zh", "zh_Hans_CN", Diagnostics())
    assert Formatter("zh_Hans_CN", translations).ordinal(7) == "第7"


def test_every_ui_string_has_a_chinese_translation() -> None:
    diagnostics = Diagnostics()
    _, translated = load_translations(LOCALES, "zh", "zh_Hans_CN", diagnostics)
    strings = extract_ui_strings(ROOT / "templates", ROOT / "duet")
    assert strings
    check_catalog_coverage(strings, "zh", translated, catalog_path(LOCALES, "zh"), diagnostics)
    assert not diagnostics.items, [str(d) for d in diagnostics.items]


def test_missing_catalog_string_is_reported(tmp_path: Path) -> None:
    po = catalog_path(tmp_path, "zh")
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Hello"\nmsgstr "你好"\n\nmsgid "Bye"\nmsgstr ""\n', encoding="utf-8")
    diagnostics = Diagnostics()
    _, translated = load_translations(tmp_path, "zh", "zh_Hans_CN", diagnostics)
    assert translated == {"Hello"}


def test_broken_catalog_is_an_error_with_a_line(tmp_path: Path) -> None:
    po = catalog_path(tmp_path, "zh")
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Hello"\nmsgstr "你好"\nthis is not po\n', encoding="utf-8")
    diagnostics = Diagnostics()
    load_translations(tmp_path, "zh", "zh_Hans_CN", diagnostics)
    assert diagnostics.errors and diagnostics.errors[0].line == 3
