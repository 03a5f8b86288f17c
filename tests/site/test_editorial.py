"""Editorial rules of the explainer that a reader or a fact-checker would catch.

- The Chinese prose is the site's own: no text shares a run of MIN_RUN or more
  characters with the source article. Exempt: the data fields in
  QUOTED_FIELDS, glossary explanations marked `from_source` (quotations by
  definition), Markdown block quotes (attributed quotations) and titles cited
  in 《》. Quotation marks neither count nor break a run, so a short quoted
  phrase passes while a copied sentence around it does not.
- Generated Chinese text (pictures' titles and descriptions, aria labels) uses
  full-width punctuation.
- The English uses one date style and curly apostrophes and quotes.
- A glossary gloss marked as the source's own wording is in the source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build
from htmlparse import Document, Element, parse_html

SOURCE = ROOT / "tests" / "fixtures" / "source_article.txt"
"""The body of the source article (NetEase Hubei, 10 January 2025), as captured."""
MIN_RUN = 20
QUOTED_FIELDS: dict[str, set[str]] = {
    # collection: fields that may quote the plan word for word
    "highlands": {"measures"},
    "strengthenings": {"measures"},
}
FROM_SOURCE = "from_source"
"""A glossary entry with this flag set quotes the source: exempt from the run
check, and its Chinese must be found in the source instead."""

CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
HALF_WIDTH_BESIDE_CJK = re.compile(rf"{CJK}\s*[:;(),]|[:;(),]\s*{CJK}|\d\.\s*{CJK}")
US_DATE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|"
                     r"October|November|December) \d{1,2}, \d{4}\b")
STRAIGHT_QUOTE = re.compile(r"[A-Za-z.,;:!?)]['\"]|['\"][A-Za-z(]")
NOT_PROSE = {"script", "style", "code", "pre"}


def normalise(text: str) -> str:
    """The text as compared: cited titles out, full-width forms folded,
    quotation marks and whitespace dropped, dashes alike."""
    text = re.sub(r"《[^》]*》", "", text)
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[“”\"「」‘’'《》]", "", text)
    text = re.sub(r"[—–-]+", "-", text)
    return re.sub(r"\s+", "", text)


def source_text() -> str:
    """The article body, without the unrelated headlines after it."""
    return SOURCE.read_text(encoding="utf-8").split("相关推荐")[0]


def shared_runs(text: str, source: str, length: int = MIN_RUN) -> list[str]:
    """The maximal runs of at least `length` characters of `text` found in `source`."""
    runs, start = [], 0
    while start <= len(text) - length:
        if text[start:start + length] in source:
            end = start + length
            while end < len(text) and text[start:end + 1] in source:
                end += 1
            runs.append(text[start:end])
            start = end
        else:
            start += 1
    return runs


def longest_shared_run(text: str, source: str) -> int:
    best = 0
    for start in range(len(text)):
        while start + best < len(text) and text[start:start + best + 1] in source:
            best += 1
    return best


def markdown_prose(text: str) -> str:
    """A page body as plain text: no front matter, block quotes, link targets,
    heading ids or emphasis marks."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    text = re.sub(r"\]\([^)]*\)", "", text)
    text = re.sub(r"\{#[^}]*\}", "", text)
    return re.sub(r"[\[\]*_`#]", "", text)


def _zh_texts(node: object, where: str, collection: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if node.get(FROM_SOURCE):
            return
        for key, value in node.items():
            if key in QUOTED_FIELDS.get(collection, set()):
                continue
            if key == "zh" and isinstance(value, str):
                yield f"{where}.zh", value
            else:
                yield from _zh_texts(value, f"{where}.{key}", collection)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _zh_texts(value, f"{where}[{index}]", collection)


def chinese_prose(content: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every Chinese page body paragraph and data text."""
    for path in sorted(content.rglob("*.zh.md")):
        for number, paragraph in enumerate(markdown_prose(path.read_text("utf-8"))
                                           .split("\n\n")):
            if paragraph.strip():
                yield f"{path.relative_to(content)} ¶{number}", paragraph
    for path in sorted((content / "data").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        yield from _zh_texts(data, path.name, path.stem)


def copied_runs(content: Path) -> list[tuple[str, str]]:
    source = normalise(source_text())
    return [(where, run) for where, text in chinese_prose(content)
            for run in shared_runs(normalise(text), source)]


def test_the_run_check_finds_a_copied_sentence(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "page.zh.md").write_text(
        "---\ntitle: t\n---\n\n"
        "本站认为，增强武汉科创中心引领力、辐射力。做实汉襄宜金三角协同创新支撑点。\n\n"
        "> 湖北科技创新从多点发力转向全面突破，从量的积累迈向质的飞跃\n", "utf-8")
    (tmp_path / "data" / "strengthenings.yaml").write_text(
        "- measures:\n    - zh: 深入实施关键技术攻关“尖刀”工程，力争在6G、人形机器人\n"
        "  summary:\n    zh: 加快建设光谷科创大走廊、东湖科学城“一廊一城”核心承载区\n", "utf-8")
    found = {where: run for where, run in copied_runs(tmp_path)}
    assert set(found) == {"page.zh.md ¶0", "strengthenings.yaml[0].summary.zh"}, found


def test_chinese_prose_shares_no_long_run_with_the_source() -> None:
    runs = copied_runs(ROOT / "content")
    assert not runs, "\n".join(f"{where}: {len(run)} {run}" for where, run in runs)


def test_glosses_in_the_sources_words_are_in_the_source() -> None:
    source = normalise(source_text())
    glossary = yaml.safe_load((ROOT / "content/data/glossary.yaml").read_text("utf-8"))
    quoted = [term for term in glossary if term.get(FROM_SOURCE)]
    assert quoted, "no glossary entry is marked as the source's own wording"
    missing = [term["id"] for term in quoted
               if normalise(term["explanation"]["zh"]) not in source]
    assert not missing, missing


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("editorial") / "_site"
    build(ROOT / "content", out, strict=True)
    return out


def pages(site: Path, lang: str) -> Iterator[tuple[Path, Document]]:
    for path in sorted((site / lang).rglob("*.html")):
        yield path, parse_html(path.read_bytes())


def generated_texts(doc: Document) -> Iterator[str]:
    """Pictures' titles and descriptions and every aria label of a page."""
    for element in doc.elements:
        if element.tag in ("title", "desc"):
            yield element.text
        if "aria-label" in element.attrs:
            yield element.attrs["aria-label"]


def test_generated_chinese_text_uses_full_width_punctuation(site: Path) -> None:
    problems = [f"{path.relative_to(site)}: {text[:80]}"
                for lang in ("zh", "zh-hant")
                for path, doc in pages(site, lang) for text in generated_texts(doc)
                if HALF_WIDTH_BESIDE_CJK.search(text)]
    assert not problems, "\n".join(problems)


def test_the_punctuation_check_catches_half_width() -> None:
    assert HALF_WIDTH_BESIDE_CJK.search("四个高地: 1. 全球高端人才集聚地 (各展其能)")
    assert HALF_WIDTH_BESIDE_CJK.search("四个高地：1.全球高端人才集聚地（各展其能）")
    assert not HALF_WIDTH_BESIDE_CJK.search("四个高地：（1）全球高端人才集聚地（各展其能）")


def prose_text(doc: Document) -> str:
    """The visible text of a page's body, without scripts and code."""
    [body] = doc.find_all("body")
    hidden = [e.text for e in doc.elements if e.tag in NOT_PROSE and e.text]
    text = body.text
    for chunk in hidden:
        text = text.replace(chunk, " ")
    return text


def _english(site: Path) -> Iterator[tuple[Path, str, list[Element]]]:
    for path, doc in pages(site, "en"):
        yield path, prose_text(doc), doc.elements


def test_english_has_one_date_style(site: Path) -> None:
    problems = [f"{path.relative_to(site)}: {match}" for path, text, _ in _english(site)
                for match in US_DATE.findall(text)]
    assert not problems, "\n".join(problems)
    about = (site / "en" / "about" / "index.html").read_text("utf-8")
    assert "10 January 2025" in about


def test_english_prose_has_curly_quotes(site: Path) -> None:
    problems = [f"{path.relative_to(site)}: …{text[max(0, m.start() - 30):m.end() + 30]}…"
                for path, text, _ in _english(site) for m in STRAIGHT_QUOTE.finditer(text)]
    assert not problems, "\n".join(problems[:20])


def test_the_quote_and_date_checks_catch_the_old_forms() -> None:
    assert US_DATE.search("Source: NetEase Hubei, January 10, 2025.")
    assert STRAIGHT_QUOTE.search("Hubei's confidence") and STRAIGHT_QUOTE.search('"Sharp Knife"')
    assert not STRAIGHT_QUOTE.search("Hubei’s “Sharp Knife”")


def test_the_corrections_contact_is_on_about_and_in_every_footer(site: Path) -> None:
    config = yaml.safe_load((ROOT / "content/site.yaml").read_text("utf-8"))
    email = config["corrections"]["email"]
    for lang in ("zh", "en"):
        about = parse_html((site / lang / "about" / "index.html").read_bytes())
        assert any(e.attrs.get("href") == f"mailto:{email}" for e in about.find_all("a")
                   if "corrections" in e.text or e.text == email)
        for path, doc in pages(site, lang):
            [footer] = doc.find_all("footer")
            assert email in footer.text, path
