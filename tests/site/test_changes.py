"""Change notes: shown on their page, listed site-wide newest first, published as an
Atom feed per edition, checked on input, and reported when one language lacks one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import build, run_cli
from htmlparse import parse_html

from duet.diagnostics import ContentError

ATOM = "{http://www.w3.org/2005/Atom}"
ABOUT_NOTES = {
    "zh": ("  - {date: 2025-02-01, kind: update, note: 补充了资料来源的说明。}\n"
           "  - {date: 2025-03-05, kind: correction, note: 更正了来源的日期。}\n"),
    "en": ("  - {date: 2025-02-01, kind: update, note: Added a note on the source.}\n"
           "  - {date: 2025-03-05, kind: correction, note: Corrected the source's date.}\n"),
}
INDEX_NOTES = {
    "zh": "  - {date: 2025-02-20, kind: update, note: 首页加了导读。}\n",
    "en": "  - {date: 2025-02-20, kind: update, note: The home page has a reading guide.}\n",
}


def add_notes(path: Path, notes: str) -> int:
    """Put `changes:` with `notes` into the page's front matter; the line of the first."""
    lines = path.read_text(encoding="utf-8").split("\n")
    end = lines.index("---", 1)
    lines[end:end] = ["changes:", *notes.rstrip("\n").split("\n")]
    path.write_text("\n".join(lines), encoding="utf-8")
    return end + 2


@pytest.fixture
def noted(mini_content: Path) -> Path:
    for lang in ("zh", "en"):
        add_notes(mini_content / f"about.{lang}.md", ABOUT_NOTES[lang])
        add_notes(mini_content / f"index.{lang}.md", INDEX_NOTES[lang])
    return mini_content


def test_a_page_shows_its_notes_newest_first(noted: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(noted, out)
    doc = parse_html((out / "en/about/index.html").read_bytes())
    assert doc.find_all("section", class_="change-notes")
    items = [li for li in doc.find_all("li") if li.attrs.get("id", "").startswith("change-")]
    assert [item.attrs["id"] for item in items] == ["change-2025-03-05", "change-2025-02-01"]
    assert "Corrected the source's date." in items[0].text
    assert "Correction" in items[0].text and "Update" in items[1].text
    assert "2025-03-05" in [time.attrs["datetime"] for time in doc.find_all("time")]
    plain = parse_html((out / "en/topics/index.html").read_bytes())
    assert not plain.find_all("section", class_="change-notes")


def test_the_changes_page_and_feed_list_every_note_newest_first(noted: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(noted, out)
    listing = parse_html((out / "zh/changes/index.html").read_bytes())
    links = [a.attrs["href"] for a in listing.find_all("a") if "#change-" in a.attrs["href"]]
    assert links == ["/zh/about/#change-2025-03-05", "/zh/#change-2025-02-20",
                     "/zh/about/#change-2025-02-01"]
    feed = ElementTree.fromstring((out / "en/changes.xml").read_bytes())
    assert feed.tag == f"{ATOM}feed"
    assert feed.attrib["{http://www.w3.org/XML/1998/namespace}lang"] == "en"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_link] == ["https://example.org/en/changes.xml"]
    assert feed.findtext(f"{ATOM}updated") == "2025-03-05T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    dates = [entry.findtext(f"{ATOM}updated") for entry in entries]
    assert dates == ["2025-03-05T00:00:00Z", "2025-02-20T00:00:00Z", "2025-02-01T00:00:00Z"]
    for stamp in dates:
        dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")  # RFC 3339
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids)
    assert ids[0] == "https://example.org/en/about/#change-2025-03-05"
    first = entries[0]
    assert first.find(f"{ATOM}category").get("term") == "correction"
    assert first.findtext(f"{ATOM}summary") == "Corrected the source's date."
    assert first.findtext(f"{ATOM}title").startswith("Correction")
    assert first.find(f"{ATOM}link").get("href") == ids[0]


def test_every_page_links_its_editions_feed(noted: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(noted, out)
    for lang in ("zh", "en"):
        for path in (out / lang).rglob("index.html"):
            doc = parse_html(path.read_bytes())
            feeds = [link.attrs["href"] for link in doc.find_all("link")
                     if link.attrs.get("type") == "application/atom+xml"]
            assert feeds == [f"/{lang}/changes.xml"], path


def test_the_feed_is_the_same_bytes_from_build_to_build(noted: Path, tmp_path: Path) -> None:
    build(noted, tmp_path / "one")
    build(noted, tmp_path / "two")
    for lang in ("zh", "en"):
        assert ((tmp_path / "one" / lang / "changes.xml").read_bytes()
                == (tmp_path / "two" / lang / "changes.xml").read_bytes())


def test_a_site_without_notes_has_an_empty_valid_feed(mini_content: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(mini_content, out)
    feed = ElementTree.fromstring((out / "en/changes.xml").read_bytes())
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == "2025-01-10T00:00:00Z"  # the source's date
    listing = parse_html((out / "en/changes/index.html").read_bytes())
    assert listing.find_all("p", class_="change-log-empty")


@pytest.mark.parametrize(("note", "message"), [
    ("  - {date: 2025-03-05, kind: corection, note: x}",
     "'corection' is not one of: correction, update; did you mean 'correction'?"),
    ("  - {date: 5 March, kind: update, note: x}", "'5 March' is not a date"),
    ("  - {date: 2025-03-05, kind: update}", "missing required key 'note'"),
    ("  - {date: 2025-03-05, kind: update, note: x, by: me}", "unknown key 'by'"),
])
def test_a_bad_note_is_named_with_its_line(mini_content: Path, tmp_path: Path, note: str,
                                           message: str) -> None:
    page = mini_content / "about.en.md"
    line = add_notes(page, note)
    result = run_cli("--content", str(mini_content), "--out", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"about.en.md:{line}:" in result.stderr
    assert message in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_note_in_one_language_only_is_reported_at_its_line(mini_content: Path,
                                                             tmp_path: Path) -> None:
    line = add_notes(mini_content / "about.zh.md", ABOUT_NOTES["zh"])
    add_notes(mini_content / "about.en.md",
              "  - {date: 2025-02-01, kind: update, note: Added a note on the source.}\n")
    result = build(mini_content, tmp_path / "site", strict=False)
    reported = [d for d in result.warnings if "not in 'en' yet" in d.message]
    assert len(reported) == 1
    assert Path(reported[0].path).name == "about.zh.md"
    assert reported[0].line == line + 1  # the correction, not the update both have
    assert "correction of 2025-03-05" in reported[0].message
    with pytest.raises(ContentError):
        build(mini_content, tmp_path / "strict", strict=True)
