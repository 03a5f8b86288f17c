"""A language derived from another (site.yaml `derive:`): 繁體中文 made from the Simplified
pages with OpenCC, its override file, and the real site built in three languages."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, SITE_HOOK, build, run_cli, snapshot
from test_integration import BASE

from duet.build import BuildOptions, build_site
from duet.diagnostics import ContentError, Diagnostics
from duet.drift.units import collect_units
from duet.incremental.cache import Cache, build_with_cache
from duet.incremental.store import Store
from duet.load.content import load_content
from duet.load.derive import Converter, Derivation, converter, load_overrides

CONTENT = ROOT / "content"
HANT = "zh-hant"


def upper(text: str) -> str:
    """A stand-in conversion: upper-cases, so what was left alone shows."""
    return text.upper()


def test_markdown_text_is_converted_and_ids_links_urls_and_code_are_not() -> None:
    convert = Converter(upper, {})
    source = ("## a heading {#keep-id}\n\nsee [the term](term:sharp-knife) and "
              "[a page](@/highlands#five-relationships), <https://example.org/x> or "
              "https://example.org/y, `code span`\n\n```\nfenced code\n```\nend")
    assert convert.markdown(source) == (
        "## A HEADING {#keep-id}\n\nSEE [THE TERM](term:sharp-knife) AND "
        "[A PAGE](@/highlands#five-relationships), <https://example.org/x> OR "
        "https://example.org/y, `code span`\n\n```\nfenced code\n```\nEND")


def test_override_terms_replace_the_conversion_longest_first() -> None:
    convert = Converter(upper, {"ab": "ab!", "abc": "ABC?"})
    assert convert.text("x ab abc y") == "X ab! ABC? Y"
    assert convert.markdown("ab [ab](@/ab)") == "ab! [ab!](@/ab)"


def test_opencc_converts_phrases_and_the_override_file_keeps_official_terms() -> None:
    plain = converter(Derivation("zh", "s2twp"))
    assert plain.text("湖北科技创新高地") == "湖北科技創新高地"
    assert plain.text("软件") == "軟體"  # a phrase, not character by character (軟件)
    assert plain.text("全球高端人才集聚地") == "全球高階人才集聚地"
    overrides = load_overrides(CONTENT / "conversions.yaml", [HANT], Diagnostics())
    kept = converter(Derivation("zh", "s2twp", overrides[HANT]))
    assert kept.text("全球高端人才集聚地") == "全球高端人才集聚地"
    assert kept.text("强化平台支撑，着力优化") == "強化平台支撐，著力優化"


def test_a_malformed_override_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "conversions.yaml"
    path.write_text("zh-tw:\n  a: b\nzh-hant: [a, b]\n", encoding="utf-8")
    diagnostics = Diagnostics()
    assert load_overrides(path, [HANT], diagnostics) == {}
    messages = [(d.line, d.message) for d in diagnostics.items]
    assert messages[0][0] == 1 and "'zh-tw' is not a derived language" in messages[0][1]
    assert messages[1][0] == 3 and "expected a map of terms" in messages[1][1]


def test_a_language_derived_from_an_unknown_one_is_an_error(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("{from: zh,", "{from: zh-cn,"),
                    encoding="utf-8")
    with pytest.raises(ContentError) as failure:
        build(content, tmp_path / "out")
    assert "'zh-hant' is derived from 'zh-cn', which is not a language written by hand" in str(
        failure.value.diagnostics[0].message)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hant") / "_site"
    result = build(CONTENT, out, strict=True, base_url=BASE)
    assert len(set(result.pages.values())) == 1 and set(result.pages) == {"zh", HANT, "en"}
    assert not result.warnings
    return out


def page_text(out: Path, path: str) -> str:
    """A page's text without its tags."""
    return re.sub(r"<[^>]*>", "", (out / path).read_text(encoding="utf-8"))


def test_every_page_of_the_real_site_exists_in_three_languages(built: Path) -> None:
    trees = {code: {p.relative_to(built / code).as_posix()
                    for p in (built / code).rglob("*.html")} for code in ("zh", HANT, "en")}
    assert trees["zh"] == trees[HANT] == trees["en"]


def test_a_traditional_page_is_the_simplified_one_converted(built: Path) -> None:
    simplified = (built / "zh/highlands/talent/index.html").read_text(encoding="utf-8")
    traditional = (built / HANT / "highlands/talent/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hant"' in traditional
    assert "创新" in simplified and "创新" not in traditional and "創新" in traditional
    assert "湖北" in traditional
    assert "全球高端人才集聚地" in traditional  # the override file keeps the official name

    def ids(html: str) -> list[str]:
        return re.findall(r' id="([^"]+)"', html)

    def links(html: str) -> Counter[str]:
        """Every href, with either Chinese edition's folder named alike (each page links
        the other through its switcher)."""
        return Counter(href.replace(f"/{HANT}/", "/LANG/").replace("/zh/", "/LANG/")
                       for href in re.findall(r' href="([^"]+)"', html))

    assert ids(simplified) == ids(traditional)
    assert links(simplified) == links(traditional)


def test_data_site_texts_and_ui_strings_are_converted(built: Path) -> None:
    home = (built / HANT / "index.html").read_text(encoding="utf-8")
    assert "<title>湖北科技創新高地解讀</title>" in home
    assert "搜尋" in home  # the UI catalog: 搜索 converted with Taiwan's phrases
    glossary = page_text(built, f"{HANT}/glossary/index.html")
    assert "漢襄宜「金三角」" in glossary and "強化平台支撐" in glossary


def test_the_search_index_has_a_traditional_chinese_index(built: Path) -> None:
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"][HANT]["page_count"] == entry["languages"]["zh-cn"]["page_count"]


def test_a_derived_language_has_no_translation_units() -> None:
    content = load_content(CONTENT, Diagnostics(), hook=SITE_HOOK)
    assert content is not None
    langs = {lang for group in collect_units(content, CONTENT).values()
             for unit in group.units.values() for lang in unit}
    assert langs == {"zh", "en"}
    summary = run_cli("translations")
    assert summary.returncode == 0 and HANT not in summary.stdout


@pytest.fixture
def project(tmp_path: Path) -> BuildOptions:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    return BuildOptions.for_project(ROOT, content_dir=content, out_dir=tmp_path / "site",
                                    strict=False, base_url=BASE, cache_dir=tmp_path / "cache")


def test_a_hand_written_page_replaces_the_generated_one(project: BuildOptions) -> None:
    source = (project.content_dir / "about.zh.md").read_text(encoding="utf-8")
    assert "关于" in source
    (project.content_dir / f"about.{HANT}.md").write_text(
        source.replace("\n---\n", "\n---\n\n本頁由編輯親手撰寫。\n", 1), encoding="utf-8")
    result = build_site(dataclasses.replace(project, strict=False))
    about = page_text(project.out_dir, f"{HANT}/about/index.html")
    assert "本頁由編輯親手撰寫。" in about
    assert "关于" in about  # as the editor wrote it: not converted
    assert result.pages[HANT] == result.pages["zh"]
    # read as written, against the edition's renderings: the Simplified text's “”
    assert result.warnings and all(
        w.path.endswith(f"about.{HANT}.md") and "avoided in 'zh-hant'" in w.message
        for w in result.warnings)


def test_an_incremental_build_after_a_zh_edit_updates_the_traditional_page(
        project: BuildOptions) -> None:
    def incremental() -> None:
        build_with_cache(project, Cache(project, Store(project.cache_dir)))

    incremental()
    page = project.content_dir / "highlands" / "talent.zh.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "各展其能", "各展其能，创新不止", 1), encoding="utf-8")
    incremental()
    traditional = (project.out_dir / HANT / "highlands/talent/index.html").read_text(
        encoding="utf-8")
    assert "各展其能，創新不止" in traditional
    plain = dataclasses.replace(project, out_dir=project.out_dir.parent / "plain",
                                cache_dir=None, strict=False)
    build_site(plain)
    assert snapshot(project.out_dir) == snapshot(plain.out_dir)


def test_a_problem_in_a_source_page_is_reported_once(project: BuildOptions) -> None:
    with (project.content_dir / "about.zh.md").open("a", encoding="utf-8") as page:
        page.write("\n[坏链接](@/nowhere)\n")
    with pytest.raises(ContentError) as failure:
        build_site(project)
    broken = [d for d in failure.value.diagnostics if "@/nowhere" in d.message]
    assert len(broken) == 1 and broken[0].path.endswith("about.zh.md")
