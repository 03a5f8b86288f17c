"""The renderings check (duet/model/usage.py) on small sites written here: avoided forms
at their line and column, sections whose languages do not all render a term, and a
derived edition's text read as the conversion makes it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from duet.diagnostics import Diagnostics
from duet.load.content import load_content
from duet.model.usage import check_usage

SITE = """\
base_url: https://example.org/
default_language: zh
languages:
  - {code: zh, tag: zh-CN, locale: zh_Hans_CN, name: 简体中文}
  - {code: zh-hant, tag: zh-Hant, locale: zh_Hant_TW, name: 繁體中文,
     derive: {from: zh, convert: s2twp}}
  - {code: en, tag: en, locale: en, name: English}
title: {zh: 小站, en: Small site}
description: {zh: 一个测试站点。, en: A test site.}
sources:
  - title: {zh: 来源文章, en: The source article}
    outlet: {zh: 某报, en: Some Paper}
    date: 2025-01-10
"""

GLOSSARY = """\
- id: sharp-knife
  zh: 尖刀
  en: Sharp Knife
  explanation: {zh: 一项工程。, en: A programme.}
  usage:
    zh: {use: [尖刀]}
    en: {use: [“Sharp Knife”], avoid: [sharp-knife]}
"""

USAGE = """\
- id: representative-results
  zh: {use: [代表性成果], avoid: [标志性成果]}
  en: {use: [representative results], avoid: [landmark results]}
- id: big-health
  en: {use: [“big health”], avoid: [big health]}
- id: quality
  zh-hant: {use: [品質], avoid: [質量], except: [酬載質量]}
- id: centimetre
  zh-hant: {use: [公分], avoid: [釐米]}
"""

ZH = """\
---
title: 成果
---
引言。

## 目标 {#aims}

力争产出一批代表性成果。

## 精度 {#precision}

卫星导航精度提升至厘米级，
火箭的酬载质量第一。
"""

EN = """\
---
title: Results
---
An opening.

## Aims {#aims}

The aim is a set of representative results.

## Precision {#precision}

Satellite navigation reached centimetre level,
and the rockets lead for payload mass.
"""


def write(root: Path, files: dict[str, str]) -> Path:
    content = root / "content"
    for name, text in {"site.yaml": SITE, "data/glossary.yaml": GLOSSARY,
                       "data/usage.yaml": USAGE, "results.zh.md": ZH, "results.en.md": EN,
                       **files}.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return content


def warnings(tmp_path: Path, **files: str) -> list[str]:
    """The check's warnings (as the build prints them, relative to the content folder)."""
    content = write(tmp_path, {name.replace("__", "/").replace("_", "."): text
                               for name, text in files.items()})
    diagnostics = Diagnostics()
    loaded = load_content(content, diagnostics)
    assert loaded is not None and not diagnostics.items, diagnostics.items
    check_usage(loaded, diagnostics)
    prefix = Diagnostics.display(content) + "/"
    return [str(d).removeprefix(prefix) for d in sorted(diagnostics.items)]


def test_consistent_content_has_no_warnings(tmp_path: Path) -> None:
    assert warnings(tmp_path, conversions_yaml="zh-hant: {厘米: 公分}\n") == []


def test_an_avoided_form_is_named_at_its_line_and_column(tmp_path: Path) -> None:
    page = EN.replace("a set of representative results.",
                      "a set of representative results,\nnot landmark results.")
    assert warnings(tmp_path, results_en_md=page, conversions_yaml="zh-hant: {厘米: 公分}\n") == [
        "results.en.md:9:5: warning: 'landmark results' is avoided in 'en' (usage "
        "'representative-results'): write 'representative results'"]


def test_a_form_across_a_line_break_is_found(tmp_path: Path) -> None:
    page = EN.replace("a set of representative results.", "a set of landmark\nresults.")
    found = warnings(tmp_path, results_en_md=page, conversions_yaml="zh-hant: {厘米: 公分}\n")
    assert "results.en.md:8:21: warning: 'landmark results' is avoided in 'en' (usage " \
           "'representative-results'): write 'representative results'" in found


def test_a_rendering_and_an_exception_excuse_the_avoided_form_they_hold(tmp_path: Path) -> None:
    quoted = EN.replace("An opening.", "Bases for “big health” and big health.")
    assert warnings(tmp_path, results_en_md=quoted, conversions_yaml="zh-hant: {厘米: 公分}\n") == [
        "results.en.md:4:28: warning: 'big health' is avoided in 'en' (usage 'big-health'): "
        "write '“big health”'"]


def test_latin_forms_match_whole_words_only(tmp_path: Path) -> None:
    page = EN.replace("An opening.", "Not big healthy, nor a sharp-knifed one.")
    assert warnings(tmp_path, results_en_md=page, conversions_yaml="zh-hant: {厘米: 公分}\n") == []


def test_code_and_link_targets_are_not_text(tmp_path: Path) -> None:
    page = EN.replace("An opening.", "See [this](@/big-health) and `big health`.")
    assert warnings(tmp_path, results_en_md=page, conversions_yaml="zh-hant: {厘米: 公分}\n") == []


def test_a_section_that_lacks_a_terms_rendering_is_named_where_it_starts(
        tmp_path: Path) -> None:
    page = EN.replace("a set of representative results.", "a set of results.")
    assert warnings(tmp_path, results_en_md=page, conversions_yaml="zh-hant: {厘米: 公分}\n") == [
        "results.en.md:6:1: warning: section #aims says '代表性成果' in 'zh' (line 8) but "
        "lacks its 'en' rendering: usage 'representative-results' is "
        "'representative results' in 'en'"]


def test_the_check_runs_both_ways_and_section_by_section(tmp_path: Path) -> None:
    """The rendering in another section of the page does not count."""
    zh = ZH.replace("力争产出一批代表性成果。", "力争产出一批成果。") + "\n代表性成果在此。\n"
    found = warnings(tmp_path, results_zh_md=zh, conversions_yaml="zh-hant: {厘米: 公分}\n")
    assert found == [
        "results.en.md:10:1: warning: section #precision says '代表性成果' in 'zh' (line 15) "
        "but lacks its 'en' rendering: usage 'representative-results' is "
        "'representative results' in 'en'",
        "results.zh.md:6:1: warning: section #aims says 'representative results' in 'en' "
        "(line 8) but lacks its 'zh' rendering: usage 'representative-results' is "
        "'代表性成果' in 'zh'"]


def test_a_glossary_terms_rendering_is_checked_in_data_texts(tmp_path: Path) -> None:
    glossary = GLOSSARY + textwrap.dedent("""\
        - id: breakout
          zh: 突围
          en: Breakout
          explanation:
            zh: 与尖刀并列的一项行动。
            en: An action named beside the sharp-knife projects.
        """)
    found = warnings(tmp_path, data__glossary_yaml=glossary,
                     conversions_yaml="zh-hant: {厘米: 公分}\n")
    assert found == [
        "data/glossary.yaml:13:9: warning: text breakout.explanation says '尖刀' in 'zh' "
        "(line 12) but lacks its 'en' rendering: glossary term 'sharp-knife' is "
        "'“Sharp Knife”' in 'en'",
        "data/glossary.yaml:13:36: warning: 'sharp-knife' is avoided in 'en' (glossary term "
        "'sharp-knife'): write '“Sharp Knife”'"]


def test_a_derived_edition_is_read_as_converted_at_its_sources_place(tmp_path: Path) -> None:
    """s2twp gives 釐米 for 厘米 and 質量 for 质量; without an entry in conversions.yaml
    for 厘米 the Traditional edition shows 釐米, and the warning names the Simplified
    file's line and the column of 厘米. 酬載質量 is an exception, so 质量 there is left
    alone."""
    found = warnings(tmp_path)
    assert found == [
        "results.zh.md:12:10: warning: the 'zh-hant' edition, made from the text here, shows "
        "'釐米', which is avoided in 'zh-hant' (usage 'centimetre'): add an entry to "
        "conversions.yaml that makes it '公分'"]
    [mass] = warnings(tmp_path / "mass", results_zh_md=ZH.replace("酬载质量", "载荷质量"),
                      conversions_yaml="zh-hant: {厘米: 公分}\n")
    assert mass.startswith("results.zh.md:13:6: warning: the 'zh-hant' edition, made from "
                           "the text here, shows '質量'")


def test_a_derived_column_is_the_sources_where_the_conversion_changes_lengths(
        tmp_path: Path) -> None:
    """s2twp makes U盘 隨身碟 (one character more) and 出租车 計程車: the rival after them
    is named at the Simplified file's column, not the converted line's; and a rival the
    conversion makes inside a longer phrase at the column where that phrase starts."""
    line = "把U盘放进出租车，精度达厘米级。"
    zh = ZH.replace("卫星导航精度提升至厘米级，", line)
    [found] = warnings(tmp_path, results_zh_md=zh)
    assert found.startswith(f"results.zh.md:12:{line.index('厘米') + 1}: warning: the "
                            "'zh-hant' edition, made from the text here, shows '釐米'")
    usage = USAGE + "- id: drive\n  zh-hant: {avoid: [身碟]}\n"
    found = warnings(tmp_path / "inside", results_zh_md=zh, data__usage_yaml=usage,
                     conversions_yaml="zh-hant: {厘米: 公分}\n")
    assert [warning.split(" warning:")[0] for warning in found] == [
        f"results.zh.md:12:{line.index('U盘') + 1}:"]
    assert "shows '身碟'" in found[0]


def test_a_derived_column_is_the_sources_in_front_matter_and_data(tmp_path: Path) -> None:
    """The title of the derived page, a converted data text: the Simplified text's place."""
    zh = ZH.replace("title: 成果", "title: '把U盘放进出租车的厘米级成果'")
    data = textwrap.dedent("""\
        - id: precision
          zh: 精度
          en: Precision
          explanation:
            zh: "U盘：达到厘米级。"
            en: Down to the centimetre.
        """)
    found = warnings(tmp_path, results_zh_md=zh, data__glossary_yaml=GLOSSARY + data,
                     conversions_yaml="zh-hant: {精度提升至厘米级: 精度提升至公分級}\n")
    assert [warning.split(" warning:")[0] for warning in found] == [
        "data/glossary.yaml:12:15:", "results.zh.md:2:18:"]


def test_a_derived_data_text_is_read_as_converted(tmp_path: Path) -> None:
    data = textwrap.dedent("""\
        - id: precision
          zh: 精度
          en: Precision
          explanation:
            zh: 达到厘米级。
            en: Down to the centimetre.
        """)
    found = warnings(tmp_path / "converted", data__glossary_yaml=GLOSSARY + data,
                     conversions_yaml="zh-hant: {厘米级: 公分級}\n")
    assert found == []
    found = warnings(tmp_path / "not", data__glossary_yaml=GLOSSARY + data)
    assert found[0].startswith("data/glossary.yaml:12:11: warning: the 'zh-hant' edition")
    assert "results.zh.md:12:10" in found[1]


def test_a_form_both_used_and_avoided_is_an_error(tmp_path: Path) -> None:
    usage = USAGE + "- id: both\n  en: {use: [a form], avoid: [a form]}\n"
    content = write(tmp_path, {"data/usage.yaml": usage})
    diagnostics = Diagnostics()
    loaded = load_content(content, diagnostics)
    assert loaded is not None
    check_usage(loaded, diagnostics)
    [error] = diagnostics.errors
    assert (error.line, error.col) == (11, 7)
    assert error.message == ("usage 'both': 'a form' is both a rendering to use and one to "
                             "avoid in 'en'")


@pytest.mark.parametrize("usage", ["- id: x\n  fr: {use: [un]}\n",
                                   "- id: x\n  en: {use: one form}\n",
                                   "- id: x\n  en: {prefer: [one]}\n"])
def test_a_malformed_rendering_is_an_error_at_its_place(tmp_path: Path, usage: str) -> None:
    content = write(tmp_path, {"data/usage.yaml": usage})
    diagnostics = Diagnostics()
    load_content(content, diagnostics)
    [error] = diagnostics.errors
    assert error.path.endswith("usage.yaml") and error.line == 2


def test_the_front_matters_texts_belong_to_the_opening(tmp_path: Path) -> None:
    """A rival in the description is named at its own line and column; the title's term
    counts for the opening in the other language, whose lack is named where the opening
    starts (the front matter)."""
    en = EN.replace('title: Results\n', 'title: Results\ndescription: "The landmark results."\n')
    zh = ZH.replace("title: 成果\n", "title: 代表性成果\n")
    assert warnings(tmp_path, results_en_md=en, results_zh_md=zh,
                    conversions_yaml="zh-hant: {厘米: 公分}\n") == [
        "results.en.md:2:1: warning: the opening says '代表性成果' in 'zh' (line 2) but lacks "
        "its 'en' rendering: usage 'representative-results' is 'representative results' "
        "in 'en'",
        "results.en.md:3:19: warning: 'landmark results' is avoided in 'en' (usage "
        "'representative-results'): write 'representative results'"]


@pytest.mark.parametrize(("front", "place"), [
    ("title: Our landmark results\n", "2:12"),
    ("title: Results\nshort_title: 'landmark results'\n", "3:15"),
    ("title: Results\ndescription:   landmark results, and more\n", "3:16"),
    # not on one line as written: the place where the value starts
    ("title: Results\ndescription: >\n  Results, and\n  landmark results.\n", "3:14"),
    ("title: Results\ndescription: Results, and\n  landmark results.\n", "3:14"),
    ('title: Results\ndescription: "Results\\t and landmark results."\n', "3:14"),
])
def test_a_rival_in_front_matter_is_named_at_its_characters(tmp_path: Path, front: str,
                                                             place: str) -> None:
    en = EN.replace("title: Results\n", front)
    found = warnings(tmp_path, results_en_md=en, conversions_yaml="zh-hant: {厘米: 公分}\n")
    assert found == [f"results.en.md:{place}: warning: 'landmark results' is avoided in "
                     "'en' (usage 'representative-results'): write 'representative results'"]


def test_a_derived_languages_own_data_text_is_its_own(tmp_path: Path) -> None:
    """A text written in the derived language's own key is not a conversion: a rival in it
    is named at its own characters, with the advice to write the rendering."""
    data = textwrap.dedent("""\
        - id: precision
          zh: 精度
          en: Precision
          explanation: {zh: 达到公分。, zh-hant: 達到釐米級。, en: Down to the centimetre.}
        """)
    found = warnings(tmp_path, data__glossary_yaml=GLOSSARY + data,
                     conversions_yaml="zh-hant: {厘米: 公分}\n")
    assert found == ["data/glossary.yaml:11:39: warning: '釐米' is avoided in 'zh-hant' "
                     "(usage 'centimetre'): write '公分'"]
