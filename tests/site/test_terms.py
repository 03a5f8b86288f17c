"""One term, one rendering, across every built page, and the glossary's pinyin.

- `renderings.yaml` lists, per language, the rendering each term uses and the
  rivals no page may show; every built page's text in that language is read.
- The pinyin follows Hanyu Pinyin orthography for running text: 个 is `ge`
  (neutral tone, never `gè`), and the words listed in PINYIN_WORDS are written
  as one word wherever the glossary's Chinese has them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, build
from langtext import site_texts

RENDERINGS = ROOT / "tests" / "site" / "renderings.yaml"
GLOSSARY = ROOT / "content" / "data" / "glossary.yaml"
TAGS = {"zh": "zh-CN", "zh-hant": "zh-Hant", "en": "en"}


def renderings(code: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load(RENDERINGS.read_text("utf-8"))[code]
    return entries


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
    return [entry["use"] for entry in entries if "use" in entry and entry["use"] not in every]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("terms") / "_site"
    build(ROOT / "content", out, strict=True)
    return out


@pytest.mark.parametrize("code", ["zh", "en"])
def test_each_term_has_one_rendering_on_every_page(site: Path, code: str) -> None:
    texts = site_texts(site, code, TAGS[code])
    assert len(texts) >= 18
    problems = rivals(texts, renderings(code))
    assert not problems, "\n".join(problems[:30])
    assert not missing(texts, renderings(code))


def test_the_rendering_check_finds_a_rival_and_honours_its_exceptions() -> None:
    entries = [{"use": "“big health”", "not": ["big health"], "except": ["“big health”"]},
               {"not": ["landmark"]}]
    assert rivals({"a": "bases for “big health” and landmark results"}, entries) == [
        "a: 'landmark' in …bases for \u2060 and landmark results…"]
    assert rivals({"a": "bases for “big health” industry"}, entries) == []
    assert len(rivals({"a": "a big health base"}, entries)) == 1
    assert missing({"a": "nothing"}, entries) == ["“big health”"]


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
