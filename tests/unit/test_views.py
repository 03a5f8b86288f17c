"""Generated pages: search pages and parallel readings aligned by heading id."""

from __future__ import annotations

from pathlib import Path

from conftest import MINI, build
from htmlparse import parse_html

from duet.diagnostics import ContentError
from duet.model.views import _sections


def test_sections_cut_at_headings_and_move_ids_off_them() -> None:
    body = '<p>intro</p><h2 id="a">A</h2><p>1</p><h3 id="b">B</h3><p>2</p>'
    assert _sections(body) == {None: "<p>intro</p>", "a": "<h2>A</h2><p>1</p>",
                               "b": "<h3>B</h3><p>2</p>"}
    assert _sections("") == {}


def test_parallel_pages_align_sections_in_both_languages(tmp_path: Path) -> None:
    build(MINI, tmp_path / "out", base_url="https://example.org/")
    for lang, first, second in (("zh", "zh-CN", "en"), ("en", "en", "zh-CN")):
        doc = parse_html((tmp_path / "out" / lang / "parallel" / "topics" / "index.html")
                         .read_bytes())
        [row] = [s for s in doc.find_all("section") if s.attrs.get("id") == "overview"]
        cells = [d.attrs["lang"] for d in doc.find_all("div", class_="parallel-cell")]
        assert cells[:2] == [first, second]
        assert "overview" not in {h.attrs.get("id") for h in doc.find_all("h2")}
        assert row


def test_every_page_links_to_a_parallel_reading_and_the_search(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(MINI, out, base_url="https://example.org/")
    for path in sorted(out.rglob("*.html")):
        if path.relative_to(out).parts[0] not in ("zh", "en"):
            continue
        lang = path.relative_to(out).parts[0]
        hrefs = {a.attrs.get("href", "") for a in parse_html(path.read_bytes()).find_all("a")}
        assert any(h.startswith(f"/{lang}/parallel/") for h in hrefs), path
        assert f"/{lang}/search/" in hrefs, path


def test_a_page_at_the_search_address_is_reported(mini_content: Path, tmp_path: Path) -> None:
    for lang in ("zh", "en"):
        (mini_content / f"search.{lang}.md").write_text("---\ntitle: S\n---\n")
    try:
        build(mini_content, tmp_path / "out")
    except ContentError as exc:
        messages = [d.message for d in exc.diagnostics]
    else:
        raise AssertionError("the build should fail")
    assert any("search page or parallel reading" in m for m in messages), messages
