"""The build-time pictures: accessible SVG, text as text, real geometry."""

from __future__ import annotations

import math
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import ROOT, SITE_HOOK, build
from htmlparse import parse_html

from explainer import visuals

SVG = "{http://www.w3.org/2000/svg}"
BROWSER_SITE = ROOT / "tests" / "browser" / "site" / "content"


def parse_svg(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def texts(svg: ElementTree.Element) -> str:
    return " ".join("".join(t.itertext()) for t in svg.iter(f"{SVG}text"))


def assert_accessible(svg: ElementTree.Element) -> None:
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby", "").split()
    ids = {e.get("id"): e for e in svg.iter()}
    assert ids[title_id].tag == f"{SVG}title" and ids[title_id].text
    assert ids[desc_id].tag == f"{SVG}desc" and ids[desc_id].text
    assert not any(e.get("style") for e in svg.iter()), "style attributes break the CSP"
    assert not list(svg.iter(f"{SVG}image")) and not list(svg.iter(f"{SVG}foreignObject"))


@pytest.mark.parametrize(("text", "width", "size"), [
    ("打造全国有影响力的科技创新高地", 100, 16),
    ("A gathering place for top global talent", 120, 15),
    ("建设汉襄宜“金三角”，推动鄂湘赣“中三角”创新联盟", 90, 14),
])
def test_wrap_keeps_every_character_and_fits_the_width(text: str, width: float,
                                                       size: float) -> None:
    lines = visuals.wrap(text, width, size)
    assert len(lines) > 1
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(visuals.text_width(line, size) <= width for line in lines if len(line) > 1)


def test_wrap_never_starts_a_line_with_closing_punctuation() -> None:
    for width in range(30, 200, 7):
        for line in visuals.wrap("推动鄂湘赣“中三角”创新联盟，建设汉襄宜“金三角”。", width, 14)[1:]:
            assert line[0] not in "，。”、", (width, line)


def test_timeline_has_each_year_motto_and_fact_as_text() -> None:
    years = [visuals.Year(2021, "谋篇布局", ("9家湖北实验室揭牌",)),
             visuals.Year(2024, "聚势突破", ("19 projects <won> awards",))]
    for width in (visuals.WIDE, visuals.NARROW):
        svg = parse_svg(visuals.timeline(years, f"t{width}", "历程", width))
        assert_accessible(svg)
        words = texts(svg)
        assert "2021" in words and "谋篇布局" in words and "<won>" in words
        assert "聚势突破" in "".join(svg.itertext())


def test_structure_shows_goal_four_and_six() -> None:
    highlands = [visuals.Box(i, f"高地{i}", "各展其能") for i in range(1, 5)]
    strengthenings = [visuals.Box(i, f"强化{i}") for i in range(1, 7)]
    svg = parse_svg(visuals.structure("科技创新高地", "四个高地", highlands, "六个强化",
                                      strengthenings, "s", "一览"))
    assert_accessible(svg)
    words = texts(svg)
    assert all(f"高地{i}" in words for i in range(1, 5))
    assert all(f"强化{i}" in words for i in range(1, 7))
    boxes = [r for r in svg.iter(f"{SVG}rect") if "vis-box" in r.get("class", "")]
    assert len(boxes) == 10


def test_map_places_cities_by_their_real_coordinates() -> None:
    places = [visuals.Place("wuhan", "武汉", 30.593, 114.305, "", ("golden",)),
              visuals.Place("xiangyang", "襄阳", 32.009, 112.122, "", ("golden",)),
              visuals.Place("yichang", "宜昌", 30.692, 111.286, "", ("golden",))]
    positions, scale, _ = visuals.project(places, 400, 40)
    assert positions["yichang"][0] < positions["xiangyang"][0] < positions["wuhan"][0]
    assert positions["xiangyang"][1] < positions["wuhan"][1]  # north is up
    # Wuhan–Xiangyang is about 270 km as the crow flies
    dx = positions["wuhan"][0] - positions["xiangyang"][0]
    dy = positions["wuhan"][1] - positions["xiangyang"][1]
    km = (dx * dx + dy * dy) ** 0.5 / scale * 111.2
    assert 240 < km < 300
    svg = parse_svg(visuals.schematic_map(places, [visuals.Group("golden", "金三角", "solid")],
                                          "m", "地图", "示意图。", "100 公里", "北"))
    assert_accessible(svg)
    assert "示意图" in svg.find(f"{SVG}desc").text  # type: ignore[union-attr]
    assert {"武汉", "襄阳", "宜昌", "金三角"} <= set(texts(svg).split())


def test_figure_panel_draws_counts_and_shares() -> None:
    figures = [visuals.Figure("9", "个湖北实验室", count=9),
               visuals.Figure("70%以上", "市场份额", share=0.7)]
    svg = parse_svg(visuals.figure_panel(figures, "f", "关键数字"))
    assert_accessible(svg)
    dots = [c for c in svg.iter(f"{SVG}circle") if c.get("class") == "vis-dot"]
    assert len(dots) == 9
    assert any(p.get("class") == "vis-ring-fill" for p in svg.iter(f"{SVG}path"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("visuals") / "_site"
    build(BROWSER_SITE, out, base_url="https://example.org/")
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pictures_appear_where_their_data_belongs(built: Path, lang: str) -> None:
    def svg_ids(path: str) -> set[str]:
        doc = parse_html((built / lang / path / "index.html").read_bytes())
        return {e.attrs.get("id", "") for e in doc.find_all("svg")}

    assert {"figures-picture-wide", "figures-picture-narrow"} <= svg_ids("")
    assert {"timeline-picture-wide", "timeline-picture-narrow"} <= svg_ids("milestones")
    assert "map-picture" in svg_ids("strengthenings/whole-region")
    assert "map-picture" not in svg_ids("strengthenings/platforms")


def test_wrap_leaves_no_single_character_on_the_last_line() -> None:
    for width in range(60, 300, 5):
        lines = visuals.wrap("谋划建设光谷科创大走廊，以东湖科学城为核心区域", width, 14)
        if len(lines) > 1:
            assert len(lines[-1]) > 1, (width, lines)


def test_bold_chinese_is_measured_at_one_em() -> None:
    assert visuals.text_width("全球高端人才集聚地", 15, bold=True) == 9 * 15
    assert visuals.text_width("Hubei", 15, bold=True) > visuals.text_width("Hubei", 15)


def _real_places() -> tuple[list[visuals.Place], list[visuals.Group]]:
    places = [visuals.Place("wuhan", "Wuhan", 30.593, 114.305, "capital of Hubei",
                            ("golden", "central")),
              visuals.Place("xiangyang", "Xiangyang", 32.009, 112.122, "", ("golden",)),
              visuals.Place("yichang", "Yichang", 30.692, 111.286, "", ("golden",)),
              visuals.Place("changsha", "Changsha", 28.228, 112.939, "capital of Hunan",
                            ("central",)),
              visuals.Place("nanchang", "Nanchang", 28.682, 115.858, "capital of Jiangxi",
                            ("central",))]
    groups = [visuals.Group("golden", "Wuhan–Xiangyang–Yichang “golden triangle”", "solid"),
              visuals.Group("central", "Hubei–Hunan–Jiangxi “central triangle”", "dashed")]
    return places, groups


def test_map_labels_stay_clear_of_lines_and_each_other_inside_the_picture() -> None:
    places, groups = _real_places()
    positions, _, _ = visuals.project(places, 200, 0)
    edges = [(positions["wuhan"], positions["changsha"]),
             (positions["wuhan"], positions["nanchang"]),
             (positions["wuhan"], positions["xiangyang"]),
             (positions["wuhan"], positions["yichang"])]
    boxes: list[tuple[float, float, float, float]] = []
    for place in places:
        x, y = positions[place.id]
        box = visuals._city_label(visuals.Canvas(), place, x, y, 0, 0, edges, boxes)
        assert not visuals._blocked(box, edges, boxes), place.id
        boxes.append(box)
    svg = parse_svg(visuals.schematic_map(places, groups, "m", "Map", "Schematic.", "100 km",
                                          "N"))
    assert_accessible(svg)
    left, top, width, height = (float(v) for v in svg.get("viewBox", "").split())
    for text in svg.iter(f"{SVG}text"):
        x, y = float(text.get("x", 0)), float(text.get("y", 0))
        assert left <= x <= left + width and top <= y <= top + height, "".join(text.itertext())
    assert width <= visuals.NARROW * 1.15


def test_chinese_titles_break_between_phrases() -> None:
    from explainer.presentation import PHRASE_BREAK

    title = "打造具有全国影响力的科技创新高地"
    assert PHRASE_BREAK.sub("|", title) == "打造具有全国影响力的|科技创新高地"
    assert PHRASE_BREAK.sub("|", "背景：一次考察与一场大会") == "背景：|一次考察|与一场大会"
    assert PHRASE_BREAK.sub("|", "强化全域创新") == "强化全域创新"


# -- Chinese line breaks: between words, never inside one ----------------------

WORDS = frozenset({"十八大", "习近平", "总书记", "考察", "湖北", "尖刀", "技术攻关", "工程",
                   "国家科学技术奖", "项目", "实施"})
SPLIT_IN_THE_SECOND_EDITION = [  # the home page's figure broke 习近|平, 尖|刀, 国家科|学技术奖
    "党的十八大以来习近平总书记考察湖北（2024年11月）",
    "2023年实施的“尖刀”技术攻关工程",
    "2024年获国家科学技术奖的项目",
]


def split_words(lines: list[str], words: frozenset[str]) -> list[str]:
    """The words of `words` that a line break falls inside."""
    text = "".join(lines)
    breaks = {sum(map(len, lines[:i])) for i in range(1, len(lines))}
    return [word for word in words for m in re.finditer(re.escape(word), text)
            if any(m.start() < b < m.end() for b in breaks)]


def widest_unit(text: str, words: frozenset[str], size: float) -> float:
    return max(visuals.text_width(t, size, bold=True) for t in visuals._tokens(text, words))


@pytest.mark.parametrize("text", SPLIT_IN_THE_SECOND_EDITION)
def test_chinese_lines_never_break_inside_a_word(text: str) -> None:
    start = math.ceil(widest_unit(text, WORDS, 14))
    for width in range(start, 400, 3):
        for bold, balance in ((False, False), (False, True), (True, True)):
            lines = visuals.wrap(text, width, 14, bold=bold, balance=balance, words=WORDS)
            assert "".join(lines) == text
            assert not split_words(lines, WORDS), (width, lines)


def test_the_word_check_catches_a_breaker_without_words() -> None:
    found = {word for text in SPLIT_IN_THE_SECOND_EDITION for width in range(40, 300, 3)
             for word in split_words(visuals.wrap(text, width, 14), WORDS)}
    assert {"习近平", "尖刀", "国家科学技术奖"} <= found


def test_a_run_the_dictionary_does_not_know_stays_whole_and_numbers_keep_their_unit() -> None:
    assert visuals._tokens("召开全省科技创新大会", frozenset({"科技创新"})) == [
        "召开全省", "科技创新", "大会"]
    assert visuals._tokens("实施29项“尖刀”技术攻关工程", WORDS) == [
        "实施29项", "“尖刀”", "技术攻关", "工程"]
    assert visuals._tokens("综合排名升至全国第7", frozenset({"综合", "排名"})) == [
        "综合", "排名", "升至全国第7"]
    # A unit wider than the line is broken between its characters, as a last resort.
    lines = visuals.wrap("召开全省科技创新大会", 60, 14, words=frozenset({"科技创新"}))
    assert lines[0] == "召开全省"


def test_chinese_items_are_numbered_full_width() -> None:
    highlands = [visuals.Box(i, f"高地{i}", "各展其能") for i in range(1, 3)]
    svg = parse_svg(visuals.structure("目标", "四个高地", highlands, "六个强化", highlands,
                                      "s", "一览", wording=visuals.FULL_WIDTH))
    desc = "".join(e.text or "" for e in svg.iter(f"{SVG}desc"))
    assert "（1）高地1" in desc and not re.search(r"\d\.", desc)


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, dict[str, frozenset[str]]]:
    """The explainer built, and each Chinese edition's picture dictionary."""
    from duet.diagnostics import Diagnostics
    from duet.load.content import load_content
    from duet.model.site import build_site_model

    out = tmp_path_factory.mktemp("real") / "_site"
    build(ROOT / "content", out, strict=True)
    content = load_content(ROOT / "content", Diagnostics(), hook=SITE_HOOK)
    assert content is not None
    model = build_site_model(content, {}, Diagnostics())
    return out, {lang: visuals.dictionary(model.data[lang], lang) for lang in ("zh", "zh-hant")}


@pytest.mark.parametrize("lang", ["zh", "zh-hant"])
def test_every_chinese_picture_line_breaks_between_words(
        real_site: tuple[Path, dict[str, frozenset[str]]], lang: str) -> None:
    """Every line break drawn in the site's pictures falls at punctuation or between
    two words, so the dictionary covers every text at the widths it is drawn at."""
    site, words = real_site
    assert {"习近平", "国家科学技术奖", "尖刀"} <= words["zh"]
    assert {"習近平", "國家科學技術獎", "尖刀"} <= words["zh-hant"]
    checked, problems = 0, []
    for path in sorted((site / lang).rglob("index.html")):
        for svg in re.findall(r"<svg.*?</svg>", path.read_text("utf-8"), re.S):
            for text in parse_svg(svg).iter(f"{SVG}text"):
                lines = ["".join(span.itertext()) for span in text.iter(f"{SVG}tspan")]
                if len(lines) < 2:
                    continue
                checked += 1
                joined = "".join(lines)
                units = visuals._tokens(joined, words[lang])
                allowed = {sum(map(len, units[:i])) for i in range(len(units) + 1)}
                breaks = {sum(map(len, lines[:i])) for i in range(1, len(lines))}
                if not breaks <= allowed or split_words(lines, words[lang]):
                    problems.append(f"{path.relative_to(site)}: {' | '.join(lines)}")
    assert checked > 20
    assert not problems, "\n".join(sorted(set(problems)))
