"""The 繁體中文 edition follows its written policy (docs/traditional-edition.md):
the plan's names in script only, Taiwan usage everywhere else, 「」『』 quotation
marks, the converter's character errors corrected; and every About page says
which editions exist and how the Traditional one is made."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT, build
from langtext import site_texts
from test_terms import missing, renderings, rivals

from duet.diagnostics import Diagnostics
from duet.load.derive import Converter, Derivation, converter, load_overrides, opencc_converter

CONVERSIONS = ROOT / "content" / "conversions.yaml"
HANT = "zh-hant"


@cache
def site_converter() -> Converter:
    overrides = load_overrides(CONVERSIONS, [HANT], Diagnostics())
    return converter(Derivation("zh", "s2twp", overrides[HANT]))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("traditional") / "_site"
    build(ROOT / "content", out, strict=True)
    return out


def test_every_traditional_page_uses_taiwan_usage_and_the_plans_names(site: Path) -> None:
    texts = site_texts(site, HANT, "zh-Hant")
    assert len(texts) >= 18
    problems = rivals(texts, renderings(HANT))
    assert not problems, "\n".join(problems[:30])
    assert not missing(texts, renderings(HANT))


@pytest.mark.parametrize(("simplified", "traditional"), [
    # The words the review of the edition listed, in sentences of the plan.
    ("加快打通“转化—孵化—产业化”循环链条", "加快打通「轉化—孵化—產業化」循環鏈條"),
    ("将卫星导航精度提升至厘米级", "將衛星導航精度提升至公分級"),
    ("支持在鄂央企、科技领军企业牵头组建", "支持在鄂央企、科技領軍企業牽頭組建"),
    ("原文只说明了要达到的状态", "原文只說明了要達到的狀態"),
    ("抓紧申建一批国家制造业创新中心", "抓緊申建一批國家製造業創新中心"),
    ("做强制造业中试平台", "做強製造業試量產平台"),
    ("原文说“一大批‘国之重器’挺起大国脊梁”", "原文說「一大批『國之重器』挺起大國脊梁」"),
    # Named programmes and bases: script only, as the plan words them.
    ("全国智能网联汽车产业基地、网络安全产业基地", "全國智能網聯汽車產業基地、網絡安全產業基地"),
    ("世界存储之都、世界工业软件之都", "世界存儲之都、世界工業軟件之都"),
    ("推动“51020”现代产业集群全面升级", "推動「51020」現代產業集群全面升級"),
    ("全力打造各展其能的全球高端人才集聚地", "全力打造各展其能的全球高端人才集聚地"),
    ("优化“包干制+负面清单”的科研管理体系", "優化「包幹制+負面清單」的科研管理體系"),
    # Prose: Taiwan's words, and 質量 only where it means mass.
    ("高端芯片", "高階晶片"),
    ("着力优化高质量创新空间布局", "著力優化高品質創新空間佈局"),
    ("以创新能力、质量、实效、贡献为导向", "以創新能力、品質、實效、貢獻為導向"),
    ("发射次数、载荷质量", "發射次數、酬載質量"),
    ("高端晶圆光刻胶", "高階晶圓光阻"),
    ("人体肺部磁共振成像", "人體肺部磁振造影"),
    ("高端三维五轴激光加工机床", "高階三維五軸雷射加工工具機"),
    ("“人造太阳”氘氚聚变", "「人造太陽」氘氚核融合"),
    ("不断提升产业链供应链韧性和安全水平", "不斷提升產業鏈供應鏈韌性和安全水準"),
])
def test_the_listed_conversions_hold(simplified: str, traditional: str) -> None:
    assert site_converter().text(simplified) == traditional


def entries(section: str) -> list[tuple[str, str, str]]:
    """(source, target, comment) of each entry in the numbered section of
    conversions.yaml ('1'…'4'), as its lines write them."""
    found, current = [], None
    for line in CONVERSIONS.read_text("utf-8").splitlines():
        header = re.match(r"\s*# -- (\d)\.", line)
        if header:
            current = header.group(1)
            continue
        entry = re.match(r"""\s+"?([^"#:\s]+)"?:\s*"?([^"#\s]+)"?\s*(?:#\s*(.*))?$""", line)
        if entry and current == section:
            found.append((entry.group(1), entry.group(2), entry.group(3) or ""))
    return found


def test_each_name_is_converted_in_script_only() -> None:
    names = entries("1")
    assert len(names) >= 6
    script_only = opencc_converter("s2tw")
    wrong = [(source, target, script_only(source)) for source, target, _ in names
             if target != script_only(source)]
    assert not wrong, wrong


def test_each_override_says_why() -> None:
    every = [entry for section in "1234" for entry in entries(section)]
    overrides = load_overrides(CONVERSIONS, [HANT], Diagnostics())[HANT]
    assert len(every) == len(overrides), "an entry outside the numbered sections"
    assert not [source for source, _, why in every if not why.strip()]


@pytest.mark.parametrize(("code", "tag", "says"), [
    ("zh", "zh-CN", ["简体中文", "繁體中文", "英文", "OpenCC", "机器转换", "台湾"]),
    (HANT, "zh-Hant", ["簡體中文", "繁體中文", "英文", "OpenCC", "機器轉換", "臺灣"]),
    ("en", "en", ["简体中文", "繁體中文", "English", "OpenCC", "converted by machine",
                  "Taiwan"]),
])
def test_every_about_page_names_the_editions_and_how_the_traditional_is_made(
        site: Path, code: str, tag: str, says: list[str]) -> None:
    about = site_texts(site, code, tag)[f"{code}/about/index.html"]
    assert [word for word in says if word not in about] == []


def test_simplified_single_quotes_are_only_quotation_marks(site: Path) -> None:
    """The override turns ’ into 』: in the zh pages it must only close a ‘."""
    unpaired = [page for page, text in site_texts(site, "zh", "zh-CN").items()
                if text.count("‘") != text.count("’")]
    assert not unpaired
