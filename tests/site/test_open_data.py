"""The plan as open data: every collection site.yaml declares public is published in
every edition as CSV and JSON, described by a Frictionless data package that the
`frictionless` library finds valid, with a README; the files are the same bytes on
every build; every figure on the site links to its data; a declaration naming what
the data does not have is a clear error."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import frictionless
import pytest
import yaml
from conftest import MINI, ROOT, build, snapshot

from duet.diagnostics import ContentError

CONTENT = ROOT / "content"
EDITIONS = ("zh", "zh-hant", "en")


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("open-data") / "_site"
    build(CONTENT, out)
    return out


def declared() -> dict[str, list[str]]:
    """The public collections and their fields, read from site.yaml as an editor wrote it."""
    config = yaml.safe_load((CONTENT / "site.yaml").read_text(encoding="utf-8"))
    return {entry["id"]: entry["fields"] for entry in config["open_data"]["collections"]}


def source_items(name: str) -> list[dict[str, object]]:
    return yaml.safe_load((CONTENT / "data" / f"{name}.yaml").read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_the_issue_s_collections_are_declared_public() -> None:
    assert {"highlands", "strengthenings", "milestones", "figures", "breakthroughs",
            "glossary"} <= set(declared())


@pytest.mark.parametrize("lang", EDITIONS)
def test_each_edition_s_data_package_is_valid(real_site: Path, lang: str) -> None:
    package = real_site / lang / "data" / "datapackage.json"
    report = frictionless.validate(str(package))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    names = {resource["path"] for resource in descriptor["resources"]}
    for name in declared():
        assert {f"{name}.csv", f"{name}.json"} <= names
    assert descriptor["licenses"][0]["path"].startswith("https://creativecommons.org/")
    assert descriptor["sources"][0]["title"]
    tag = {"zh": "zh-CN", "zh-hant": "zh-Hant", "en": "en"}[lang]
    assert descriptor["languages"] == [tag]
    for resource in descriptor["resources"]:
        assert (package.parent / resource["path"]).is_file()


def test_the_csv_holds_what_the_yaml_says(real_site: Path) -> None:
    """Read against the content's YAML as an editor wrote it (not through the engine)."""
    for name, fields in declared().items():
        items = source_items(name)
        rows = read_csv(real_site / "en" / "data" / f"{name}.csv")
        assert [row["id"] for row in rows] == [item["id"] for item in items]
        for row, item in zip(rows, items, strict=True):
            for field in fields:
                value = item.get(field)
                if isinstance(value, dict) and "en" in value and field not in ("match",):
                    expected = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", value["en"])
                    assert row[field] == expected.replace("*", ""), (name, field)
                elif isinstance(value, bool):
                    assert row[field] == str(value).lower()
                elif isinstance(value, int | float):
                    assert float(row[field]) == value


def test_list_fields_become_tables_of_their_own(real_site: Path) -> None:
    for name in ("highlands", "strengthenings"):
        rows = read_csv(real_site / "zh" / "data" / f"{name}-measures.csv")
        items = source_items(name)
        expected = [(item["id"], str(position), measure["zh"])
                    for item in items
                    for position, measure in enumerate(item["measures"], start=1)]
        assert [(r[f"{name}_id"], r["position"], r["value"]) for r in rows] == expected
    events = json.loads((real_site / "en" / "data" / "milestones.json").read_text("utf-8"))
    assert [len(year["events"]) for year in events] == [
        len(item["events"]) for item in source_items("milestones")]


def test_the_traditional_edition_s_data_is_converted(real_site: Path) -> None:
    simplified = (real_site / "zh" / "data" / "highlands.csv").read_text(encoding="utf-8")
    traditional = (real_site / "zh-hant" / "data" / "highlands.csv").read_text(encoding="utf-8")
    assert "高端人才" in simplified and "高端人才" in traditional
    assert "创新" in simplified and "创新" not in traditional and "創新" in traditional


@pytest.mark.parametrize("lang", EDITIONS)
def test_the_readme_names_every_file(real_site: Path, lang: str) -> None:
    folder = real_site / lang / "data"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for path in folder.iterdir():
        if path.name != "README.md":
            assert path.name in readme, path.name
    assert "CC" in readme or "Creative Commons" in readme


def test_the_data_files_are_the_same_bytes_on_every_build(real_site: Path,
                                                          tmp_path: Path) -> None:
    build(CONTENT, tmp_path / "again")
    for lang in EDITIONS:
        assert snapshot(real_site / lang / "data") == snapshot(tmp_path / "again" / lang / "data")


def test_every_figure_links_to_its_data(real_site: Path) -> None:
    """Each figure of a page (a drawn picture, the plan) is followed by its data links,
    and they lead to files of the site."""
    figures_seen = 0
    for path in sorted(real_site.rglob("*.html")):
        relative = path.relative_to(real_site).as_posix()
        if relative.startswith("pagefind/") or "/figures/" in relative or "/print/" in relative:
            continue
        text = path.read_text(encoding="utf-8")
        figures = re.findall(r'<figure class="(?:picture[^"]*|plan[^"]*)"', text)
        data_lines = re.findall(r'<p class="figure-data"[^>]*>(.*?)</p>', text, re.DOTALL)
        assert len(data_lines) == len(figures), relative
        for line in data_lines:
            links = re.findall(r'href="/([^"]+)"', line)
            assert any(link.endswith(".csv") for link in links), relative
            for link in links:
                target = real_site / link
                assert target.is_file() or (target / "index.html").is_file(), (relative, link)
        figures_seen += len(figures)
    assert figures_seen >= 10


def test_a_site_without_open_data_publishes_none(mini_content: Path, tmp_path: Path) -> None:
    site_yaml = mini_content / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    site_yaml.write_text(text[:text.index("open_data:")], encoding="utf-8")
    build(mini_content, tmp_path / "out")
    assert not (tmp_path / "out" / "en" / "data").exists()


def test_the_mini_site_publishes_what_it_declares(tmp_path: Path) -> None:
    build(MINI, tmp_path / "out")
    folder = tmp_path / "out" / "en" / "data"
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md", "datapackage.json", "figures.csv", "figures.json", "glossary.csv",
        "glossary.json"]
    assert frictionless.validate(str(folder / "datapackage.json")).valid
    rows = read_csv(folder / "figures.csv")
    assert rows[0] == {"id": "labs", "value": "9", "style": "count", "qualifier": "",
                       "label": "Hubei Laboratories"}


@pytest.mark.parametrize(("written", "wrong", "message"), [
    ("- id: figures\n", "- id: nowhere\n", "no data collection 'nowhere'"),
    ("[id, value, style, qualifier, label]", "[id, colour]",
     "the collection 'figures' has no field 'colour'"),
])
def test_a_declaration_the_data_does_not_match_is_an_error(
        mini_content: Path, tmp_path: Path, written: str, wrong: str, message: str) -> None:
    site_yaml = mini_content / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    assert written in text
    site_yaml.write_text(text.replace(written, wrong), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        build(mini_content, tmp_path / "out")
    problems = [str(d) for d in raised.value.diagnostics]
    assert any("site.yaml:" in p and message in p for p in problems), problems
