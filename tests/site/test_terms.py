"""One term, one rendering, across every built page, and the glossary's pinyin.

- The content's renderings (the glossary's `usage` fields and `data/usage.yaml`,
  docs/glossary.md) are read here with PyYAML, and every built page's text in
  each language is searched for the rivals they avoid: the build's own check
  (duet/model/usage.py) reads the Markdown, this one what readers get.
  `guards.yaml` adds phrases no page may show that are not renderings.
- The pinyin follows Hanyu Pinyin orthography for running text: 个 is `ge`
  (neutral tone, never `gè`), and the words listed in PINYIN_WORDS are written
  as one word wherever the glossary's Chinese has them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, SITE_HOOK, build
from langtext import site_texts

from duet.diagnostics import Diagnostic, Diagnostics
from duet.load.content import load_content
from duet.model.usage import check_usage

GUARDS = ROOT / "tests" / "site" / "guards.yaml"
GLOSSARY = ROOT / "content" / "data" / "glossary.yaml"
USAGE = ROOT / "content" / "data" / "usage.yaml"
TAGS = {"zh": "zh-CN", "zh-hant": "zh-Hant", "en": "en"}


def renderings(code: str) -> list[dict[str, Any]]:
    """Each rendering the content gives in language `code` (`use`, `not`, `except`; a
    rendering's own forms are exceptions too), and the guards."""
    entries: list[dict[str, Any]] = []
    usages = [term.get("usage") or {} for term in yaml.safe_load(GLOSSARY.read_text("utf-8"))]
    usages += yaml.safe_load(USAGE.read_text("utf-8"))
    for usage in usages:
        rule = usage.get(code)
        if rule:
            entries.append({"use": rule.get("use", [])[:1], "not": rule.get("avoid", []),
                            "except": [*rule.get("except", []), *rule.get("use", [])]})
    guards: list[dict[str, Any]] = yaml.safe_load(GUARDS.read_text("utf-8")).get(code, [])
    return entries + guards


def rivals(texts: dict[str, str], entries: list[dict[str, Any]]) -> list[str]:
    """Each page and rival form found, with the text around it."""
    found = []
    for page, text in texts.items():
        for entry in entries:
            for allowed in entry.get("except", []):
                text = text.replace(allowed, "\u2060")
            for form in entry.get("not", []):
                found += [f"{page}: {form!r} in …{text[max(0, m.start() - 25):m.end() + 25]}…"
                          for m in re.finditer(re.escape(form), text)]
    return found


def missing(texts: dict[str, str], entries: list[dict[str, Any]]) -> list[str]:
    every = "\n".join(texts.values())
    return [form for entry in entries for form in entry.get("use", []) if form not in every]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("terms") / "_site"
    build(ROOT / "content", out, strict=True)
    return out


@pytest.mark.parametrize("code", ["zh", "en"])
def test_each_term_has_one_rendering_on_every_page(site: Path, code: str) -> None:
    texts = site_texts(site, code, TAGS[code])
    assert len(texts) >= 18 and len(renderings(code)) >= 10
    problems = rivals(texts, renderings(code))
    assert not problems, "\n".join(problems[:30])
    assert not missing(texts, renderings(code))


def test_the_rendering_check_finds_a_rival_and_honours_its_exceptions() -> None:
    entries = [{"use": ["“big health”"], "not": ["big health"], "except": ["“big health”"]},
               {"not": ["landmark"]}]
    assert rivals({"a": "bases for “big health” and landmark results"}, entries) == [
        "a: 'landmark' in …bases for \u2060 and landmark results…"]
    assert rivals({"a": "bases for “big health” industry"}, entries) == []
    assert len(rivals({"a": "a big health base"}, entries)) == 1
    assert missing({"a": "nothing"}, entries) == ["“big health”"]


def usage_warnings(content_dir: Path) -> list[Diagnostic]:
    """What the build's renderings check says of a content folder."""
    diagnostics = Diagnostics()
    content = load_content(content_dir, diagnostics, hook=SITE_HOOK)
    assert content is not None and not diagnostics.items
    check_usage(content, diagnostics)
    return diagnostics.items


def test_the_build_finds_every_term_rendered_one_way() -> None:
    assert [str(d) for d in usage_warnings(ROOT / "content")] == []


def test_a_rival_in_the_traditional_edition_is_caught_at_its_simplified_line(
        tmp_path: Path) -> None:
    """Without its entry in conversions.yaml, 厘米 becomes 釐米 in the 繁體 edition: each
    Simplified line that has 厘米 (pages, and data texts) is named."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    conversions = content / "conversions.yaml"
    text = conversions.read_text("utf-8")
    assert "\n  厘米: 公分" in text
    conversions.write_text(re.sub(r"\n  厘米: 公分[^\n]*", "", text), "utf-8")
    texts = [*content.rglob("*.zh.md"), *(content / "data").glob("*.yaml")]
    expected = {(path, number) for path in texts
                for number, line in enumerate(path.read_text("utf-8").split("\n"), 1)
                if "厘米" in line and (path.suffix == ".md"
                                     or line.lstrip(" -").startswith("zh:"))}
    assert len(expected) >= 4
    found = usage_warnings(content)
    assert {(Path(d.path).resolve(), d.line) for d in found} == {
        (path.resolve(), line) for path, line in expected}
    assert all(d.severity == "warning" and "'釐米'" in d.message and "conversions.yaml" in
               d.message and "'公分'" in d.message for d in found)


def test_the_content_gives_the_terms_that_had_rivals_one_rendering() -> None:
    uses = {form for entry in renderings("en") for form in entry["use"]}
    assert {"strategic leaders", "leaders of research teams", "industry specialists",
            "young talent", "representative results", "rise as a whole",
            "hard-core support"} <= uses
    assert {"公分", "品質", "「"} <= {form for entry in renderings("zh-hant")
                                   for form in entry["use"]}


def test_page_text_is_read_by_language() -> None:
    from langtext import texts_by_language

    texts = texts_by_language('<html lang="zh-Hant"><head><title>標題</title>'
                              '<meta name="description" content="說明"></head><body>'
                              '<p>正文<img alt="圖"><span lang="en">English</span>「引」</p>'
                              '<div lang="zh-CN">简体<br>文字</div><script>“x”</script>'
                              '<svg><rect/><text>圖中</text></svg></body></html>')
    assert texts["zh-hant"] == ["標題", "說明", "正文", "圖", "「引」", "圖中"]
    assert texts["en"] == ["English"] and texts["zh-cn"] == ["简体", "文字"]


PINYIN_WORDS = {
    # A word Hanyu Pinyin writes as one, whatever its length.
    "四不像": "sìbùxiàng",
    "金三角": "jīnsānjiǎo",
    "中三角": "zhōngsānjiǎo",
}


def glossary() -> list[dict[str, Any]]:
    terms: list[dict[str, Any]] = yaml.safe_load(GLOSSARY.read_text("utf-8"))
    return terms


def pinyin_problems(terms: list[dict[str, Any]]) -> list[str]:
    problems = []
    for term in terms:
        chinese, pinyin = str(term["zh"]), str(term["pinyin"])
        if re.search(r"\bgè\b", pinyin):
            problems.append(f"{term['id']}: 个 is 'ge' in running text: {pinyin}")
        if chinese.count("个") != len(re.findall(r"\bge\b", pinyin)):
            problems.append(f"{term['id']}: each 个 needs its 'ge': {pinyin}")
        for word, written in PINYIN_WORDS.items():
            if word in chinese and written not in pinyin:
                problems.append(f"{term['id']}: {word} is written {written}: {pinyin}")
    return problems


def test_glossary_pinyin_follows_the_orthography() -> None:
    problems = pinyin_problems(glossary())
    assert not problems, "\n".join(problems)


def test_the_pinyin_check_catches_the_old_forms() -> None:
    old = [{"id": "a", "zh": "四个“高地”", "pinyin": "sì gè “gāodì”"},
           {"id": "b", "zh": "四不像", "pinyin": "sì bù xiàng"},
           {"id": "c", "zh": "汉襄宜“金三角”", "pinyin": "Hàn-Xiāng-Yí “jīn sānjiǎo”"}]
    assert len(pinyin_problems(old)) == 4
