"""What translators and editors are told: nothing lost and no cascades when a file fails,
what changed since a translation was accepted, the report (text, JSON, HTML), and
machine drafts until a person reviews them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, build, run_cli
from htmlparse import parse_html

from duet.diagnostics import ContentError, Diagnostics
from duet.drift.record import load_record
from duet.load.content import RECORD_FILE

HANT_LANGUAGE = ("  - {code: zh-hant, tag: zh-Hant, locale: zh_Hant_TW, name: 繁體中文, "
                 "derive: {from: zh, convert: s2twp}}\n")


def translations(content: Path, *args: str) -> tuple[int, str, str]:
    done = run_cli("translations", "--content", str(content), *args)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def record_text(content: Path) -> str:
    return (content / RECORD_FILE).read_text(encoding="utf-8")


def problems_of(content: Path, tmp_path: Path, strict: bool = False) -> list[str]:
    """Every problem a build reports, as printed."""
    try:
        result = build(content, tmp_path / "out", strict=strict)
    except ContentError as exc:
        return [str(d) for d in exc.diagnostics]
    return [str(d) for d in result.warnings]


@pytest.fixture
def recorded(mini_content: Path) -> Path:
    assert translations(mini_content, "--accept-all")[0] == 0
    return mini_content


# -- 1. nothing lost, nothing cascaded ----------------------------------------

def test_a_glossary_that_does_not_load_gives_its_own_error_alone(recorded: Path,
                                                                 tmp_path: Path) -> None:
    glossary = recorded / "data" / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(
        "- id: optics-valley", "- id: optics-valley : [oops", 1), encoding="utf-8")
    problems = problems_of(recorded, tmp_path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{Diagnostics.display(glossary)}:")
    assert "invalid YAML" in problems[0]


def test_a_data_file_with_errors_keeps_its_record(recorded: Path, tmp_path: Path) -> None:
    before = record_text(recorded)
    figures = recorded / "data" / "figures.yaml"
    edit(figures, "  value: 9\n", "  value: nine\n")
    problems = problems_of(recorded, tmp_path)
    assert problems and all("figures.yaml" in p for p in problems), problems
    assert not any("translation record" in p for p in problems)
    code, out, _ = translations(recorded)
    assert code == 0 and "gone" not in out
    assert translations(recorded, "--accept-all")[0] == 1
    assert record_text(recorded) == before


def test_a_page_with_errors_is_not_checked_for_drift(recorded: Path, tmp_path: Path) -> None:
    before = record_text(recorded)
    en = recorded / "about.en.md"
    edit(en, "title: About", "title: [About")
    edit(en, "About the source.", "About the original source.")
    problems = problems_of(recorded, tmp_path)
    assert problems and all(p.startswith(Diagnostics.display(en)) for p in problems), problems
    assert not any("translation" in p for p in problems), problems
    assert translations(recorded, "--accept", str(en))[0] == 1
    assert record_text(recorded) == before


def test_a_data_text_lacking_a_language_is_not_gone(recorded: Path, tmp_path: Path) -> None:
    figures = recorded / "data" / "figures.yaml"
    edit(figures, "label: {zh: 全国排名, en: national ranking}", "label: {zh: 全国排名}")
    problems = problems_of(recorded, tmp_path)
    assert any("missing translation" in p for p in problems), problems
    assert not any("no longer in the content" in p or "--accept" in p for p in problems)
    before = record_text(recorded)
    code, out, _ = translations(recorded, "--accept", str(figures))
    assert code == 0 and "dropped" not in out
    assert record_text(recorded) == before
    record = load_record(recorded / RECORD_FILE, ("zh", "en"), Diagnostics())
    assert record is not None and "rank.label" in record.groups["data/figures.yaml"]


def test_a_removed_text_is_still_gone_and_dropped_when_accepted(recorded: Path) -> None:
    figures = recorded / "data" / "figures.yaml"
    text = figures.read_text(encoding="utf-8")
    start = text.index("- id: rank")
    figures.write_text(text[:start] + text[text.index("- id: share"):], encoding="utf-8")
    code, out, _ = translations(recorded)
    assert "rank.label" in out and "gone" in out
    code, out, _ = translations(recorded, "--accept", str(figures))
    assert code == 0 and "1 gone unit(s) dropped" in out


def test_a_derived_language_is_never_expected_as_a_file(recorded: Path,
                                                        tmp_path: Path) -> None:
    site = recorded / "site.yaml"
    edit(site, "  - {code: en,", HANT_LANGUAGE + "  - {code: en,")
    (recorded / "about.zh.md").unlink()
    problems = problems_of(recorded, tmp_path)
    missing = [p for p in problems if "missing translation" in p]
    assert len(missing) == 1, problems
    assert "no 'zh' version" in missing[0] and "about.zh.md" in missing[0]
    assert "zh-hant site made from it" in missing[0]
    assert not any("zh-hant.md" in p for p in problems)


def test_messages_name_the_duet_command(recorded: Path, tmp_path: Path) -> None:
    edit(recorded / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    [problem] = problems_of(recorded, tmp_path)
    assert "`duet translations --accept " in problem and "build.py" not in problem


# -- 2. what changed -------------------------------------------------------------

def test_the_default_lists_what_needs_work_and_all_lists_every_unit(recorded: Path) -> None:
    code, out, _ = translations(recorded)
    assert code == 0 and out.splitlines()[-1] == "nothing needs work"
    assert "optics-valley" not in out
    edit(recorded / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    code, out, _ = translations(recorded)
    lines = out.splitlines()
    assert lines[0] == f"{Diagnostics.display(recorded / 'about')}.{{zh,en}}.md"
    assert lines[1].split()[:2] == ["source", "drifted:"]
    assert lines[2].strip() == (f"run: duet translations --accept "
                                f"{Diagnostics.display(recorded / 'about.en.md')}#source")
    assert "optics-valley" not in out and "_intro" not in out
    assert "1 need work" in out
    _, every, _ = translations(recorded, "--all")
    assert "optics-valley.explanation" in every and "_intro" in every


def test_diff_shows_the_chinese_change_character_by_character(recorded: Path) -> None:
    edit(recorded / "about.zh.md", "来源说明。", "来源的详细说明。")
    code, out, _ = translations(recorded, "--diff")
    assert code == 0
    assert "zh changed:" in out
    assert "来源{+的详细+}说明。" in out


def test_diff_shows_the_english_change_word_by_word(recorded: Path) -> None:
    edit(recorded / "about.en.md", "About the source.", "About the original source.")
    code, out, _ = translations(recorded, "--diff")
    assert code == 0
    assert "About the {+original +}source." in out
    assert "'zh' may be behind 'en'" in out


def test_a_record_without_its_texts_still_reports_and_says_so(recorded: Path) -> None:
    (recorded / "translations.texts.yaml").unlink()
    edit(recorded / "about.en.md", "About the source.", "About the original source.")
    code, out, _ = translations(recorded, "--diff")
    assert code == 0 and "its accepted text is not kept" in out


def test_accepting_keeps_exactly_the_texts_the_record_names(recorded: Path) -> None:
    texts = recorded / "translations.texts.yaml"
    assert "来源说明。" in texts.read_text(encoding="utf-8")
    edit(recorded / "about.zh.md", "来源说明。", "来源的详细说明。")
    assert translations(recorded, "--accept", str(recorded / "about.zh.md"))[0] == 0
    kept = texts.read_text(encoding="utf-8")
    assert "来源的详细说明。" in kept and "来源说明。" not in kept


# -- 3. the report as JSON and as a page ----------------------------------------

def test_json_gives_each_languages_state_diff_and_command(recorded: Path) -> None:
    edit(recorded / "about.zh.md", "来源说明。", "来源的详细说明。")
    code, out, _ = translations(recorded, "--json")
    assert code == 0
    report = json.loads(out)
    [unit] = [u for u in report["units"] if u["unit"] == "source"
              and u["file"].endswith("about.{zh,en}.md")]
    assert unit["state"] == "drifted" and unit["needs_work"]
    assert unit["languages"]["en"]["state"] == "behind"
    assert unit["languages"]["zh"]["state"] == "changed"
    assert ["+", "的详细"] in unit["languages"]["zh"]["diff"]
    assert unit["commands"] == [
        f"duet translations --accept {Diagnostics.display(recorded / 'about.en.md')}#source"]
    assert report["counts"] == {"drifted": 1, "in step": 9}


def test_html_report_is_a_page_with_every_state_and_the_diff(recorded: Path,
                                                             tmp_path: Path) -> None:
    edit(recorded / "about.zh.md", "来源说明。", "来源的详细说明。")
    page = tmp_path / "report.html"
    code, out, _ = translations(recorded, "--html", str(page), "--all")
    assert code == 0 and "1 need work" in out
    html = page.read_text(encoding="utf-8")
    parsed = parse_html(html.encode())
    tags = [element.tag for element in parsed.elements]
    assert "details" in tags and "ins" in tags and "table" in tags
    assert any(e.tag == "div" and e.attrs.get("lang") == "zh-CN" for e in parsed.elements)
    assert "optics-valley.explanation" in html  # --all: every unit
    assert f"duet translations --accept {Diagnostics.display(recorded / 'about.en.md')}" \
           "#source" in html
    code, _, _ = translations(recorded, "--strict")
    assert code == 1


# -- 4. machine drafts and reviews ------------------------------------------------

def with_notices(content: Path) -> Path:
    with (content / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("translation_notice: true\n")
    return content


def test_a_machine_draft_is_warned_noticed_and_reviewed(recorded: Path,
                                                         tmp_path: Path) -> None:
    with_notices(recorded)
    en = recorded / "about.en.md"
    code, out, _ = translations(recorded, "--accept", f"{en}#source",
                                "--machine-draft", "DeepL")
    assert code == 0 and "1 text(s) marked as a machine draft" in out
    problems = problems_of(recorded, tmp_path)
    [draft] = [p for p in problems if "machine draft" in p]
    assert draft.startswith(f"{Diagnostics.display(en)}:4:1: warning: 'en' text of section "
                            "#source is a machine draft (DeepL, ")
    assert f"`duet translations --reviewed {Diagnostics.display(en)}#source --by NAME`" in draft
    assert any("machine draft" in p for p in problems_of(recorded, tmp_path, strict=True))
    build(recorded, tmp_path / "site", strict=False)
    english = (tmp_path / "site" / "en" / "about" / "index.html").read_text(encoding="utf-8")
    chinese = (tmp_path / "site" / "zh" / "about" / "index.html").read_text(encoding="utf-8")
    assert "machine translation that no one has reviewed yet" in english
    assert "机器翻译" not in chinese and "machine translation" not in chinese
    code, out, _ = translations(recorded, "--reviewed", f"{en}#source", "--by", "Li Wei")
    assert code == 0 and "1 text(s) marked as reviewed" in out
    assert not any("machine draft" in p for p in problems_of(recorded, tmp_path))
    record = load_record(recorded / RECORD_FILE, ("zh", "en"), Diagnostics())
    assert record is not None
    log = record.groups["about"]["source"].log
    assert [(e.kind, e.lang, e.who) for e in log] == [("draft", "en", "DeepL"),
                                                      ("reviewed", "en", "Li Wei")]
    assert log[1].hashes["zh"] == record.groups["about"]["source"].hashes["zh"]
    build(recorded, tmp_path / "site2", strict=True)


def test_the_notice_is_in_the_readers_language_and_in_the_derived_edition(
        recorded: Path, tmp_path: Path) -> None:
    with_notices(recorded)
    edit(recorded / "site.yaml", "  - {code: en,", HANT_LANGUAGE + "  - {code: en,")
    zh = recorded / "about.zh.md"
    assert translations(recorded, "--accept", f"{zh}#source", "--machine-draft", "MT")[0] == 0
    build(recorded, tmp_path / "site", strict=False)
    chinese = (tmp_path / "site" / "zh" / "about" / "index.html").read_text(encoding="utf-8")
    assert "本页部分内容为机器翻译，尚未经人审校。" in chinese
    hant = (tmp_path / "site" / "zh-hant" / "about" / "index.html").read_text(encoding="utf-8")
    assert "本頁部分內容為機器翻譯，尚未經人審校。" in hant
    english = (tmp_path / "site" / "en" / "about" / "index.html").read_text(encoding="utf-8")
    assert "machine translation" not in english


def test_the_history_survives_a_later_acceptance(recorded: Path) -> None:
    en = recorded / "about.en.md"
    assert translations(recorded, "--accept", f"{en}#source", "--machine-draft", "DeepL")[0] == 0
    edit(en, "About the source.", "About the source, reviewed.")
    edit(recorded / "about.zh.md", "来源说明。", "来源说明，已审。")
    assert translations(recorded, "--accept", str(en))[0] == 0
    record = load_record(recorded / RECORD_FILE, ("zh", "en"), Diagnostics())
    assert record is not None and len(record.groups["about"]["source"].log) == 1
    _, out, _ = translations(recorded)
    assert "'en' is a machine draft (DeepL, " in out and "edited since, not reviewed" in out


def test_marking_a_data_text_needs_its_language(recorded: Path) -> None:
    figures = recorded / "data" / "figures.yaml"
    code, _, err = translations(recorded, "--accept", f"{figures}#labs", "--machine-draft", "X")
    assert code == 2 and "--lang" in err
    code, out, _ = translations(recorded, "--accept", f"{figures}#labs", "--machine-draft",
                                "X", "--lang", "en")
    assert code == 0 and "marked as a machine draft" in out
    assert "'en' text of text labs.label is a machine draft" in " ".join(
        problems_of(recorded, recorded.parent / "o"))


def notice_shown(site: Path, page: str) -> bool:
    html = (site / page).read_text(encoding="utf-8")
    return "machine-draft-notice" in html


def test_a_page_that_shows_a_drafted_data_text_says_so(recorded: Path, tmp_path: Path) -> None:
    with_notices(recorded)
    figures = recorded / "data" / "figures.yaml"
    assert translations(recorded, "--accept", f"{figures}#labs", "--machine-draft", "MT",
                        "--lang", "en")[0] == 0
    site = tmp_path / "site"
    build(recorded, site, strict=False)
    home = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert "Hubei Laboratories" in home  # the drafted text, shown below the notice
    assert home.index("machine-draft-notice") < home.index("Hubei Laboratories")
    assert not notice_shown(site, "en/about/index.html")
    assert not notice_shown(site, "zh/index.html")
    assert translations(recorded, "--reviewed", f"{figures}#labs", "--lang", "en",
                        "--by", "Li Wei")[0] == 0
    build(recorded, site, strict=True)
    assert not notice_shown(site, "en/index.html")


def test_a_drafted_source_text_is_noticed_in_its_derived_edition(recorded: Path,
                                                                  tmp_path: Path) -> None:
    with_notices(recorded)
    edit(recorded / "site.yaml", "  - {code: en,", HANT_LANGUAGE + "  - {code: en,")
    figures = recorded / "data" / "figures.yaml"
    assert translations(recorded, "--accept", f"{figures}#labs", "--machine-draft", "MT",
                        "--lang", "zh")[0] == 0
    build(recorded, tmp_path / "site", strict=False)
    assert notice_shown(tmp_path / "site", "zh/index.html")
    assert notice_shown(tmp_path / "site", "zh-hant/index.html")
    assert not notice_shown(tmp_path / "site", "en/index.html")
    assert not notice_shown(tmp_path / "site", "zh/about/index.html")


SETUP_READ = '''

_explainer_globals = template_globals


def template_globals(site, language, formatter):
    found = _explainer_globals(site, language, formatter)
    found["first_label"] = str(site.data[language.code]["figures"][0]["label"])  # at set-up
    return found
'''


def test_a_text_the_site_code_reads_at_set_up_counts_for_every_page(
        recorded: Path, tmp_path: Path) -> None:
    """What the site's code read while making its template globals may be shown on any
    page of the language, in any form: every page of it says so."""
    with_notices(recorded)
    code = tmp_path / "code"
    shutil.copytree(ROOT / "explainer", code, ignore=shutil.ignore_patterns("__pycache__"))
    with (code / "__init__.py").open("a", encoding="utf-8") as handle:
        handle.write(SETUP_READ)
    figures = recorded / "data" / "figures.yaml"
    assert translations(recorded, "--accept", f"{figures}#labs", "--machine-draft", "MT",
                        "--lang", "en")[0] == 0
    build(recorded, tmp_path / "site", strict=False, hooks_dir=code)
    assert notice_shown(tmp_path / "site", "en/about/index.html")
    assert not notice_shown(tmp_path / "site", "zh/about/index.html")


def test_review_needs_a_name() -> None:
    done = run_cli("translations", "--reviewed", "content/about.en.md#source")
    assert done.returncode == 2 and "--by NAME" in done.stderr


def test_the_real_records_log_reads_back(recorded: Path) -> None:
    en = recorded / "about.en.md"
    translations(recorded, "--accept", f"{en}#source", "--machine-draft", "Tool, v2: beta")
    text = record_text(recorded)
    assert '"Tool, v2: beta"' in text
    record = load_record(recorded / RECORD_FILE, ("zh", "en"), Diagnostics())
    assert record is not None and record.groups["about"]["source"].log[0].who == \
        "Tool, v2: beta"
