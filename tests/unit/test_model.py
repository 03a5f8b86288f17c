from pathlib import Path

import pytest
from conftest import SITE_HOOK

from duet.diagnostics import Diagnostics
from duet.load.content import load_content
from duet.load.hooks import Hook
from duet.load.schema import Field, Ident, ListOf, RecordOf
from duet.model import checks as model_module
from duet.model.reads import recording_reads, recording_untracked
from duet.model.site import Site, build_site_model


def model(content_dir: Path) -> tuple[Site, Diagnostics]:
    diagnostics = Diagnostics()
    content = load_content(content_dir, diagnostics, hook=SITE_HOOK)
    assert content is not None
    return build_site_model(content, {"home.html": {"key-figures"}}, diagnostics), diagnostics


def test_every_page_knows_its_counterpart(mini_content: Path) -> None:
    site, diagnostics = model(mini_content)
    assert not diagnostics.items
    zh = site.page("zh", "topics")
    en = site.page("en", "topics")
    assert zh is not None and en is not None
    assert zh.translations["en"] is en and en.translations["zh"] is zh
    assert zh.url == "/zh/topics/" and en.output_path == "en/topics/index.html"
    assert zh.parent is site.page("zh", "index")


def test_missing_page_translation_falls_back_with_a_warning(mini_content: Path) -> None:
    (mini_content / "about.en.md").unlink()
    site, diagnostics = model(mini_content)
    [warning] = diagnostics.warnings
    assert "missing translation" in warning.message and "about.en.md" in warning.message
    page = site.page("en", "about")
    assert page is not None and page.is_fallback and page.content_lang == "zh"


def test_missing_data_text_falls_back_and_is_marked(mini_content: Path) -> None:
    glossary = mini_content / "data" / "glossary.yaml"
    glossary.write_text(glossary.read_text().replace(", en: An area of Wuhan.", ""))
    site, diagnostics = model(mini_content)
    assert any(w.line == 5 and "no 'en' text" in w.message for w in diagnostics.warnings)
    text = site.data["en"]["glossary"][0].explanation
    assert text.fallback and 'lang="zh-CN"' in text.__html__()


def test_broken_link_and_anchor_are_errors_with_lines(mini_content: Path) -> None:
    page = mini_content / "topics" / "index.en.md"
    page.write_text(page.read_text() + "\n[a](@/nowhere) [b](@/about#nope) [c](#overveiw)\n")
    _, diagnostics = model(mini_content)
    messages = sorted((d.line, d.message) for d in diagnostics.errors)
    assert [line for line, _ in messages] == [8, 8, 8]
    text = " ".join(m for _, m in messages)
    assert "no page '@/nowhere'" in text
    assert "page '@/about' has no section '#nope'" in text
    assert "did you mean 'overview'" in text


def test_unknown_term_and_data_reference(mini_content: Path) -> None:
    page = mini_content / "about.zh.md"
    page.write_text(page.read_text().replace("title: 关于", "title: 关于\ndata: glossary/nope")
                    + "\n[x](term:optic-valley)\n")
    _, diagnostics = model(mini_content)
    text = " ".join(d.message for d in diagnostics.errors)
    assert "collection 'glossary' has no item 'nope'" in text
    assert "unknown glossary term 'optic-valley'; did you mean 'optics-valley'" in text


def test_template_anchors_count_as_targets(mini_content: Path) -> None:
    page = mini_content / "about.en.md"
    page.write_text(page.read_text() + "\n[figures](@/#key-figures)\n")
    _, diagnostics = model(mini_content)
    assert not diagnostics.errors


def test_heading_mismatch_between_languages_is_a_warning(mini_content: Path) -> None:
    page = mini_content / "topics" / "index.en.md"
    page.write_text(page.read_text().replace("{#overview}", "{#summary}"))
    _, diagnostics = model(mini_content)
    assert any("headings do not match" in w.message for w in diagnostics.warnings)


def test_glossary_usage_is_collected(mini_content: Path) -> None:
    site, _ = model(mini_content)
    assert site.term_usage["optics-valley"] == ["index", "topics"]


# -- patching the last model when only page bodies changed ------------------

ANCHORS = {"home.html": {"key-figures"}}


def test_suggestions_stop_once_their_budget_is_spent(
        mini_content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, _ = model(mini_content)
    keys = len(site.page_anchors)
    monkeypatch.setattr(model_module, "SUGGESTION_BUDGET", 2 * keys)
    page = mini_content / "about.en.md"
    page.write_text(page.read_text() + "\n[a](@/abut) [b](@/abot) [c](@/abou)\n")
    _, diagnostics = model(mini_content)
    suggested = {d.message.split("'")[1]: d.message.endswith("did you mean 'about'?")
                 for d in diagnostics.errors}
    # every problem is reported; the last one checked without a suggestion
    assert suggested == {"@/abut": True, "@/abot": True, "@/abou": False}


def test_reading_a_body_is_recorded_and_only_the_body_is(mini_content: Path) -> None:
    site, _ = model(mini_content)
    page = site.pages[("en", "about")]
    with recording_reads() as reads:
        _ = (page.title, page.headings, page.terms, page.translations["zh"].url)
    assert reads.own == {} and reads.everyone == {}
    with recording_reads() as reads:
        _ = page.translations["zh"].body
    assert list(reads.own) == [("zh", "about")] and reads.everyone == {}


def test_a_body_read_outside_any_output_counts_for_every_output(mini_content: Path) -> None:
    site, _ = model(mini_content)
    with recording_untracked() as untracked:
        _ = site.pages[("en", "about")].body
        with recording_reads() as reads:
            _ = site.pages[("zh", "about")].body
    assert list(untracked.everyone) == [("en", "about")] and untracked.own == {}
    assert list(reads.own) == [("zh", "about")]


def test_a_data_item_s_terms_are_checked_in_any_collection(mini_content: Path) -> None:
    """`terms` in a data item names glossary terms, whatever the site calls the collection."""
    sights = ListOf(RecordOf({"id": Field(Ident()),
                              "terms": Field(ListOf(Ident()), required=False, default=[])}))
    hook = Hook(collections={**SITE_HOOK.collections, "sights": sights},
                glossary_fields=SITE_HOOK.glossary_fields)
    (mini_content / "data" / "sights.yaml").write_text(
        "- id: bridge\n  terms: [optics-valley, optic-valey]\n", encoding="utf-8")
    diagnostics = Diagnostics()
    content = load_content(mini_content, diagnostics, hook=hook)
    assert content is not None and not diagnostics.errors
    build_site_model(content, {}, diagnostics)
    [error] = diagnostics.errors
    assert error.path.endswith("sights.yaml") and error.line == 1
    assert error.message == ("unknown glossary term 'optic-valey'; "
                             "did you mean 'optics-valley'?")
