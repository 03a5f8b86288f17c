from pathlib import Path

import pytest
from conftest import SITE_HOOK

from duet import model as model_module
from duet.diagnostics import Diagnostics
from duet.load import Content, SourcePage, load_content
from duet.model import (
    BuiltModel,
    Page,
    Site,
    build_model,
    build_site_model,
    compile_serially,
    patch_site_model,
)


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


def loaded(content_dir: Path) -> Content:
    content = load_content(content_dir, Diagnostics(), hook=SITE_HOOK)
    assert content is not None
    return content


def with_new_bodies(last: BuiltModel, fresh: Content) -> Content:
    """`fresh`, with the pages whose files did not change being the last model's own
    objects, as a build's cache hands them over."""
    old = {(source.key, source.lang): source for source in last.sources}

    def unchanged(source: SourcePage) -> bool:
        before = old.get((source.key, source.lang))
        return before is not None and (before.body, before.front_fingerprint) == (
            source.body, source.front_fingerprint)

    fresh.pages = [old[(source.key, source.lang)] if unchanged(source) else source
                   for source in fresh.pages]
    return fresh


def site_facts(site: Site) -> list[tuple[object, ...]]:
    """Everything the renderers read of a model, in comparable form."""
    return [(lang, key, page.url, page.content_lang, page.is_fallback, page.body,
             page.source.body, page.compiled.headings, page.compiled.links,
             page.parent.key if page.parent else None, [c.key for c in page.children],
             sorted(page.translations))
            for (lang, key), page in page_items(site)] + [
        (site.page_anchors, site.term_usage, site.data)]


def page_items(site: Site) -> list[tuple[tuple[str, str], Page]]:
    return list(site.pages.items())


def test_a_body_edit_patches_the_model_into_the_one_a_full_build_makes(
        mini_content: Path) -> None:
    (mini_content / "about.en.md").unlink()  # a fallback page, and a warning to repeat
    last = build_model(loaded(mini_content), ANCHORS, Diagnostics())
    page = mini_content / "about.zh.md"
    page.write_text(page.read_text().replace("来源说明。", "\n\n来源说明，补充一句。\n"))
    fresh = with_new_bodies(last, loaded(mini_content))
    diagnostics = Diagnostics()
    patched = patch_site_model(last, fresh, ANCHORS, diagnostics, compile_serially)
    assert patched is not None and patched.site is last.site
    assert patched.compiled == [("zh", "about"), ("en", "about")]
    full_diagnostics = Diagnostics()
    full = build_model(loaded(mini_content), ANCHORS, full_diagnostics)
    assert site_facts(patched.site) == site_facts(full.site)
    assert "补充一句" in str(patched.site.pages[("en", "about")].body)
    assert diagnostics.items == full_diagnostics.items != []


@pytest.mark.parametrize("edit", [
    ("about.zh.md", "来源说明。", "## 新节 {#new}\n\n来源说明。"),
    ("about.zh.md", "来源说明。", "来源说明，见[主题](@/topics)。"),
    ("topics/index.en.md", "[Back](@/)", "[Back](@/about)"),
    ("topics/index.en.md", "Optics Valley", "Wuhan"),
    ("about.zh.md", "title: 关于", "title: 关于本站"),
    ("about.zh.md", "来源说明。", "[坏链接](@/nowhere)"),
], ids=["heading", "new link", "link target", "glossary term", "front matter", "error"])
def test_a_change_other_pages_can_see_is_not_patched(
        mini_content: Path, edit: tuple[str, str, str]) -> None:
    last = build_model(loaded(mini_content), ANCHORS, Diagnostics())
    before = site_facts(last.site)
    name, old, new = edit
    page = mini_content / name
    assert old in page.read_text()
    page.write_text(page.read_text().replace(old, new))
    fresh = with_new_bodies(last, loaded(mini_content))
    assert patch_site_model(last, fresh, ANCHORS, Diagnostics(), compile_serially) is None
    assert site_facts(last.site) == before  # refused without touching the model


def test_new_pages_or_template_anchors_are_not_patched(mini_content: Path) -> None:
    last = build_model(loaded(mini_content), ANCHORS, Diagnostics())
    assert patch_site_model(last, loaded(mini_content), {}, Diagnostics(),
                            compile_serially) is None
    (mini_content / "more.en.md").write_text("---\ntitle: More\n---\nText.\n")
    assert patch_site_model(last, loaded(mini_content), ANCHORS, Diagnostics(),
                            compile_serially) is None


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
