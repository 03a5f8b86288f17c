"""The explainer's template helpers (`show`, explainer/presentation.py), over the
browser fixture's site model, one language at a time."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, SITE_HOOK

from duet.diagnostics import Diagnostics
from duet.load.content import load_content
from duet.model.site import Site, build_site_model
from duet.model.views import build_views, parallel_rows
from duet.render.i18n import Formatter, load_translations
from duet.render.templates import template_anchors
from explainer.presentation import Presentation, presentation_globals

BROWSER_SITE = ROOT / "tests" / "browser" / "site" / "content"


@pytest.fixture(scope="module")
def site() -> Site:
    diagnostics = Diagnostics()
    content = load_content(BROWSER_SITE, diagnostics, hook=SITE_HOOK)
    assert content is not None
    built = build_site_model(content, template_anchors(ROOT / "templates", diagnostics),
                             diagnostics)
    assert not diagnostics.errors, [str(d) for d in diagnostics.errors]
    return built


def show(site: Site, code: str) -> Presentation:
    language = site.config.language(code)
    translations, _ = load_translations(ROOT / "locales", code, language.locale, Diagnostics(),
                                        theme_language="en")
    return Presentation(site, language, Formatter(language.locale, translations))


def test_the_global_is_show(site: Site) -> None:
    language = site.config.language("en")
    formatter = show(site, "en").formatter
    made = presentation_globals(site, language, formatter)
    assert set(made) == {"show"} and isinstance(made["show"], Presentation)


def test_figure_values_follow_the_locale(site: Site) -> None:
    zh, en = show(site, "zh"), show(site, "en")
    count = {"style": "count", "value": 1234, "qualifier": None, "text": None}
    ordinal = {**count, "style": "ordinal", "value": 7}
    over = {**count, "style": "percent", "value": 70, "qualifier": "over"}
    text = {**count, "style": "text", "text": "about a third"}
    assert (en.figure_value(count), zh.figure_value(count)) == ("1,234", "1,234")
    assert (en.figure_value(ordinal), zh.figure_value(ordinal)) == ("7th", "第7")
    assert (en.figure_value(over), zh.figure_value(over)) == ("over 70%", "70%以上")
    assert en.figure_value({**over, "qualifier": None}) == "70%"
    assert en.figure_value(text) == "about a third"


def test_english_ordinals_follow_the_cldr_categories(site: Site) -> None:
    en = show(site, "en")
    assert [en.ordinal(n) for n in (1, 2, 3, 4, 11, 22)] == ["1st", "2nd", "3rd", "4th",
                                                            "11th", "22nd"]


def test_chinese_headings_break_between_phrases_and_others_are_escaped(site: Site) -> None:
    zh, en = show(site, "zh"), show(site, "en")
    assert zh.heading("打造具有全国影响力的科技创新高地") == (
        '<span class="phrases">打造具有全国影响力的<wbr>科技创新高地</span>')
    assert zh.heading("<b>创新</b>") == "&lt;b&gt;创新&lt;/b&gt;"
    assert en.heading("Science & the plan: <what> it says") == (
        "Science &amp; the plan: &lt;what&gt; it says")


def test_list_separator_is_the_locales(site: Site) -> None:
    assert show(site, "zh").list_separator == "、"
    assert show(site, "en").list_separator == ", "


def test_generated_pages_addresses(site: Site) -> None:
    en = show(site, "en")
    assert en.search_url() == "/en/search/"
    talent = site.page("en", "highlands/talent")
    assert talent is not None
    assert en.parallel_url(talent) == "/en/parallel/highlands/talent/"
    views = build_views(site, {"search.html", "parallel.html"})
    search = next(view for view in views if view.key == "search" and view.lang == "en")
    assert en.parallel_url(search) == "/en/parallel/"  # a view without original: home's


def test_parallel_rows_end_with_the_measures_in_every_language(site: Site) -> None:
    zh = show(site, "zh")
    views = build_views(site, {"parallel.html"})
    view = next(v for v in views if v.key == "parallel/highlands/talent" and v.lang == "zh")
    rows = zh.rows(view, parallel_rows(view.original, ["zh", "en"]))
    last = rows[-1]
    assert last.id == "measures" and last.heading == "部署要点"
    assert list(last.cells) == ["zh", "en"]  # the reader's language first
    assert "<li>实施人才强省战略</li>" in last.cells["zh"]
    assert "talent-strong province" in last.cells["en"]
    home = next(v for v in views if v.key == "parallel" and v.lang == "zh")
    assert all(row.id != "measures"
               for row in zh.rows(home, parallel_rows(home.original, ["zh", "en"])))


def test_term_tips_describe_glossary_links(site: Site) -> None:
    body = '<p><a href="/en/glossary/#hubei-labs" class="term">labs</a></p>'
    tipped = show(site, "en").term_tips(body)
    assert 'aria-describedby="tip-1-hubei-labs"' in tipped
    assert re.search(r'<span class="term-tip" role="tooltip" id="tip-1-hubei-labs" hidden', tipped)


def test_json_ld_is_safe_inside_a_script(site: Site) -> None:
    en = show(site, "en")
    home = site.page("en", "index")
    talent = site.page("en", "highlands/talent")
    assert home is not None and talent is not None
    text = en.json_ld(talent, "https://example.org/en/highlands/talent/", "</script><b>",
                      "A & B")
    assert "<" not in text and ">" not in text
    data = json.loads(text)
    assert data["@type"] == "Article" and data["headline"] == "</script><b>"
    assert data["inLanguage"] == "en" and data["isPartOf"]["url"].endswith("/en/")
    home_data = json.loads(en.json_ld(home, "https://example.org/en/", "Home", "d"))
    assert home_data["@type"] == "WebSite" and "isPartOf" not in home_data


@pytest.mark.parametrize("draw", ["figures", "timeline", "structure"])
def test_pictures_come_wide_and_narrow_with_their_own_ids(site: Site, draw: str) -> None:
    zh = show(site, "zh")
    picture = (zh.structure("目标", "结构") if draw == "structure"
               else getattr(zh, draw)("标题"))
    assert picture.count('<div class="picture-wide">') == 1
    assert picture.count('<div class="picture-narrow" data-pagefind-ignore>') == 1
    ids = re.findall(r'\bid="([^"]+)"', picture)
    assert ids and len(ids) == len(set(ids))


def test_the_map_appears_only_where_its_terms_are_used(site: Site) -> None:
    en = show(site, "en")
    region = site.page("en", "strengthenings/whole-region")
    talent = site.page("en", "highlands/talent")
    assert region is not None and talent is not None
    item = next(i for i in site.data["en"]["strengthenings"] if i["id"] == "whole-region")
    picture = en.place_map(region, item, "Places")
    assert picture.startswith('<figure class="picture picture-map">')
    assert "golden triangle" in picture.lower()
    talent_item = next(i for i in site.data["en"]["highlands"] if i["id"] == "talent")
    assert en.place_map(talent, talent_item, "Places") == ""
