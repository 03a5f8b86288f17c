"""The explainer itself: complete, parallel in both languages, consistent in its
terms, and free of anything from the unrelated headlines around the source."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from conftest import ROOT, SITE_HOOK, build
from htmlparse import Document, parse_html

from duet.diagnostics import Diagnostics
from duet.load.content import Content, load_content

UNRELATED = ROOT / "tests" / "fixtures" / "unrelated_terms.txt"


@pytest.fixture(scope="module")
def content() -> Content:
    diagnostics = Diagnostics()
    loaded = load_content(ROOT / "content", diagnostics, hook=SITE_HOOK)
    assert loaded is not None and not diagnostics.errors
    return loaded


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "_site"
    build(ROOT / "content", out, strict=True)
    return out


def article(site: Path, lang: str, key: str) -> Document:
    path = site / lang / ("" if key == "index" else key) / "index.html"
    return parse_html(path.read_bytes())


@functools.cache  # the glossary test asks for each page once per term
def article_text(site: Path, lang: str, key: str) -> str:
    [element] = article(site, lang, key).find_all("article")
    return re.sub(r"\s+", " ", element.text)


def test_every_required_page_exists_in_both_languages(content: Content) -> None:
    keys = {(page.key, page.lang) for page in content.pages}
    required = ["index", "context", "highlands", "strengthenings", "milestones",
                "breakthroughs", "glossary", "about"]
    required += [f"highlands/{i['id']}" for i in content.data["highlands"]]
    required += [f"strengthenings/{i['id']}" for i in content.data["strengthenings"]]
    for key in required:
        assert (key, "zh") in keys and (key, "en") in keys, key


def test_the_plan_has_four_highlands_six_strengthenings_four_years(content: Content) -> None:
    assert [h["number"] for h in content.data["highlands"]] == [1, 2, 3, 4]
    assert [s["number"] for s in content.data["strengthenings"]] == [1, 2, 3, 4, 5, 6]
    assert [m["year"] for m in content.data["milestones"]] == [2021, 2022, 2023, 2024]


def test_milestone_mottos_are_the_sources(content: Content) -> None:
    mottos = [m["motto"].values["zh"] for m in content.data["milestones"]]
    assert mottos == ["谋篇布局", "立柱架梁", "成势见效", "聚势突破"]


def test_every_page_of_a_section_has_its_built_page(site: Path, content: Content) -> None:
    for collection in ("highlands", "strengthenings"):
        for item in content.data[collection]:
            for lang in ("zh", "en"):
                doc = article(site, lang, f"{collection}/{item['id']}")
                assert "measures" in doc.ids()


KEY_FIGURES = {
    "zh": ["9", "29", "第7", "19", "第2", "70%以上", "厘米级"],
    "en": ["9", "29", "7th", "19", "2nd", "over 70%", "centimetre"],
}
"""The record the plan builds on. The fifth inspection (2024) is context, not part
of the record: the context page tells it, the figures do not list it."""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_key_figures_are_on_the_home_page(site: Path, lang: str) -> None:
    doc = article(site, lang, "index")
    value_classes = {"figure-value", "vis-figure-value"}
    values = [e.text.strip() for e in doc.elements
              if value_classes & set(e.attrs.get("class", "").split())]
    panel = " ".join(values)
    for figure in KEY_FIGURES[lang]:
        assert any(figure in value for value in values), (figure, panel)
    assert not any(value.startswith(("第5", "5th")) for value in values), panel


def test_every_glossary_term_is_complete(content: Content) -> None:
    for term in content.data["glossary"]:
        assert term["zh"] and term["pinyin"] and term["en"], term["id"]
        assert set(term["explanation"].values) == set(content.config.codes), term["id"]
        assert all(text.strip() for text in term["explanation"].values.values())


def test_undefined_codes_say_the_source_gives_no_definition(content: Content) -> None:
    by_zh = {term["zh"]: term for term in content.data["glossary"]}
    for code in ("61020", "71020", "51020"):
        matches = [t for zh, t in by_zh.items() if code in zh]
        assert matches, code
        assert not matches[0]["source_defines"], code


def test_glossary_terms_keep_their_english_rendering(site: Path, content: Content) -> None:
    """A glossary term used on a Chinese page has its English rendering on the English one."""
    keys = {page.key for page in content.pages if page.key != "glossary"}
    problems = []
    for term in content.data["glossary"]:
        zh_forms = (term["match"] or {}).get("zh") or [term["zh"]]
        en_forms = [term["en"], *((term["match"] or {}).get("en") or [])]
        for key in sorted(keys):
            if any(form in article_text(site, "zh", key) for form in zh_forms):
                english = article_text(site, "en", key)
                if not any(_loose(form) in _loose(english) for form in en_forms):
                    problems.append(f"{key}: {term['zh']} → {term['en']}")
    assert not problems, "\n".join(problems)


def _loose(text: str) -> str:
    return re.sub(r"[\"'“”‘’]", "", text).lower()


def test_nothing_from_the_unrelated_headlines_appears(site: Path) -> None:
    words = [line.strip() for line in UNRELATED.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            found = [word for word in words if word in text]
            assert not found, (path, found)


def test_every_page_names_the_source(site: Path) -> None:
    for path in (site / "zh").rglob("index.html"):
        assert "网易湖北" in path.read_text(encoding="utf-8"), path
    for path in (site / "en").rglob("index.html"):
        assert "NetEase Hubei" in path.read_text(encoding="utf-8"), path
