"""What templates get beyond the site model, for one language: the pictures
drawn from the data, the generated pages' addresses, glossary definitions on
term links and the page metadata for search engines and link previews."""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import re
from collections.abc import Callable
from typing import Any

from babel import Locale
from markupsafe import Markup

from duet.load.config import Language
from duet.model.site import HOME_KEY, Page, Site
from duet.model.sources import site_sources
from duet.model.views import SEARCH_KEY, Row, View, parallel_key, view_path
from duet.render.i18n import N_, Formatter
from duet.render.opendata import Publication
from duet.render.termtips import add_term_tips, definitions

from . import visuals

MAP_NOTE = N_("Schematic map: each dot stands at the place’s real latitude and longitude. "
              "No borders are drawn; the lines only join the places the plan groups "
              "together, and the three provinces are marked by their capitals.")
SCALE = N_("100 km")
NORTH = N_("N")
OVER = N_("over %(value)s")
MEASURES = N_("What the plan lists")
FIGURE = N_("%(value)s %(label)s")
OTHER_TERMS = N_("Other terms")
ORDINAL_PATTERNS = {
    "zero": N_("%(num)sth"), "one": N_("%(num)sst"), "two": N_("%(num)snd"),
    "few": N_("%(num)srd"), "many": N_("%(num)sth"), "other": N_("%(num)sth"),
}
"""An ordinal's words in the theme's language, by CLDR ordinal category."""
FIGURE_SECTION = "figures"
"""The pages of the figures, each with its own page to embed: `figures/<name>`."""
FIGURE_DATA = {
    "plan": ("highlands", "strengthenings"),
    "key-figures": ("figures",),
    "timeline": ("milestones",),
    "map": ("places", "glossary"),
}
"""Each figure and the data collections it is drawn from."""
EMBED_HEIGHT = {"plan": 760, "key-figures": 720, "timeline": 980, "map": 820}
"""The height, in CSS pixels, an embedded figure's frame asks for (its page at 640 wide)."""
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PHRASE_BREAK = re.compile(r"(?<=[的：])(?=[^\W\d_]{3})|(?<=\w\w)(?=[与和])")
"""Where a Chinese title may break: after 的 with at least three characters left,
after a full-width colon, before the conjunctions 与 and 和."""


class Presentation:
    """Helpers bound to one language, exposed to templates as globals."""

    def __init__(self, site: Site, language: Language, formatter: Formatter) -> None:
        self.site = site
        self.lang = language.code
        self.chinese = language.tag.lower().startswith("zh")
        self.formatter = formatter
        self.data = site.data[self.lang]
        self.definitions = definitions(self.data.get("glossary", []))
        self.wording = self._wording()
        self.publication = Publication(site, self.lang)

    def _wording(self) -> visuals.Wording:
        """Full-width punctuation where the locale lists items with a full-width
        separator (Chinese 、), half-width otherwise; figures worded as the
        catalog orders value and label; Chinese lines break between the words of
        the language's data (`visuals.dictionary`)."""
        middle = Locale.parse(self.formatter.locale).list_patterns["standard"]["middle"]
        base = visuals.Wording() if str(middle).isascii() else visuals.FULL_WIDTH
        figure = self.gettext(FIGURE).replace("%(value)s", "{value}").replace(
            "%(label)s", "{label}")
        words = visuals.dictionary(self.data, self.lang) if self.chinese else frozenset()
        return dataclasses.replace(base, figure=figure, words=words)

    def gettext(self, message: str) -> str:
        return str(self.formatter.translations.gettext(message))

    def ordinal(self, value: int) -> str:
        """`3rd`, `第3`: the words by the CLDR ordinal category of the value (CLDR gives
        the rules, the catalog the words)."""
        pattern = ORDINAL_PATTERNS.get(self.formatter.ordinal_form(value),
                                       ORDINAL_PATTERNS["other"])
        return self.gettext(pattern) % {"num": self.formatter.number(value)}

    # -- generated pages --------------------------------------------------

    def search_url(self) -> str:
        return view_path(self.site.config.base_path, self.lang, SEARCH_KEY)[0]

    def parallel_url(self, page: Page | View) -> str | None:
        """The parallel reading of this page, or of the home page where it has none."""
        original = page.original if isinstance(page, View) else page
        key = original.key if original is not None else HOME_KEY
        for candidate in (key, HOME_KEY):
            pages = [self.site.page(code, candidate) for code in self.site.config.codes]
            if all(p is not None and not p.is_fallback for p in pages):
                return view_path(self.site.config.base_path, self.lang,
                                 parallel_key(candidate))[0]
        return None

    @functools.cached_property
    def script_variants(self) -> str:
        """For a Chinese edition of a site that derives one script from the other:
        `{simplified: traditional}` for every character of the source edition that
        the conversion changes, as JSON, so that search can look for a query in the
        edition's own script. Empty where there is nothing to map."""
        if not self.chinese:
            return ""
        mapping: dict[str, str] = {}
        for code, source, convert in self.site.config.derived():
            if self.lang not in (code, source):
                continue
            texts = [str(page.title) + str(page.body) for page in self.site.pages_in(source)]
            texts.extend(_strings(self.site.data.get(source, {})))
            chars = sorted({c for text in texts for c in text if HAN.match(c)})
            converted = convert.text("\n".join(chars)).split("\n")
            if len(converted) == len(chars):
                mapping.update((c, t) for c, t in zip(chars, converted, strict=True)
                               if len(t) == 1 and t != c)
        return json.dumps(mapping, ensure_ascii=False, sort_keys=True) if mapping else ""

    def parallel_pair(self) -> list[str]:
        """The two editions a parallel page shows first: this one and the first other
        in another language (not the same language in another script)."""
        config = self.site.config
        others = [code for code in config.codes if code != self.lang]
        primary = config.language(self.lang).tag.split("-")[0].lower()
        across = [code for code in others
                  if config.language(code).tag.split("-")[0].lower() != primary]
        return [self.lang, (across or others)[0]] if others else [self.lang]

    def rows(self, view: View, rows: list[Row]) -> list[Row]:
        """The parallel reading's rows (`parallel_rows`: the template reads the bodies),
        and a row of the measures a highland or strengthening lists."""
        assert view.original is not None
        order = [self.lang, *(c for c in self.site.config.codes if c != self.lang)]
        rows = list(rows)
        measures = {code: self._measures(view.original, code) for code in order}
        if all(measures.values()):
            rows.append(Row("measures", measures, heading=self.gettext(MEASURES)))
        return rows

    def _measures(self, page: Page, code: str) -> Markup:
        """The measures a highland or strengthening lists, as a list in one language."""
        collection, _, item_id = (page.data_ref or "").partition("/")
        items = self.site.data[code].get(collection, []) if item_id else []
        item = next((i for i in items if i["id"] == item_id), None)
        if item is None or "measures" not in item:
            return Markup()
        return Markup('<ul class="measures">{}</ul>').format(
            Markup("").join(Markup("<li>{}</li>").format(m) for m in item["measures"]))

    def heading(self, text: str) -> Markup:
        """A Chinese title with its line breaks kept between phrases: after 的 and
        ：, before 与 and 和 (`<wbr>` inside a keep-all span), so that a title on
        two lines does not split a word such as 影响力. Other titles as they are."""
        if not self.chinese:
            return Markup.escape(text)
        marked = PHRASE_BREAK.sub("\ufeff", str(text))
        if "\ufeff" not in marked:
            return Markup.escape(text)
        return Markup('<span class="phrases">{}</span>').format(
            Markup("<wbr>").join(marked.split("\ufeff")))

    @property
    def list_separator(self) -> str:
        """What stands between the items of a plain list in this language: "、" or ", "."""
        pattern = Locale.parse(self.formatter.locale).list_patterns["standard"]["middle"]
        return str(pattern).replace("{0}", "").replace("{1}", "")

    def term_tips(self, body: str) -> Markup:
        return add_term_tips(str(body), self.definitions)

    def home_parts(self, body: str, answer_id: str) -> tuple[Markup, Markup, Markup]:
        """A home page body cut for "answer first": the first paragraph of the
        section whose heading has the id `answer_id` (what the plan commits to),
        the opening paragraphs (the story), and the sections after them with that
        paragraph taken out. Without such a section the opening paragraphs are
        the answer and there is no story."""
        lead, sections = self.lead_and_sections(body)
        found = re.search(rf'(<h2 id="{re.escape(answer_id)}"[^>]*>.*?</h2>)\s*(<p>.*?</p>)\s*',
                          str(sections), re.DOTALL)
        if found is None:
            return lead, Markup(), sections
        rest = str(sections)[:found.start()] + found.group(1) + "\n" + str(sections)[found.end():]
        return Markup(found.group(2)), lead, Markup(rest)

    @staticmethod
    def unlink(html: str, urls: list[str]) -> Markup:
        """The HTML with its links to these addresses reduced to their text: where a
        figure already links to the pages, a list after it does not repeat them."""
        wanted = "|".join(re.escape(url) for url in urls)
        if not wanted:
            return Markup(html)
        return Markup(re.sub(rf'<a href="(?:{wanted})">(.*?)</a>', r"\1", str(html),
                             flags=re.DOTALL))

    @staticmethod
    def outline(body: str) -> list[tuple[str, Markup]]:
        """The body's sections, (id, heading text), for an "on this page" list."""
        return [(ident, Markup(re.sub(r"<[^>]+>", "", text)))
                for ident, text in re.findall(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', str(body),
                                              re.DOTALL)]

    def glossary_topics(self) -> list[tuple[str, str, list[Any]]]:
        """The glossary's terms grouped by topic, (id, name, terms), in the topics'
        order; terms in no topic come last, under "Other terms" (all of them, where
        the site has no topics)."""
        terms = self.data.get("glossary", [])
        by_id = {term["id"]: term for term in terms}
        groups = [(f"topic-{topic['id']}", str(topic["name"]),
                   [by_id[i] for i in topic["terms"] if i in by_id])
                  for topic in self.data.get("topics", [])]
        placed = {term["id"] for _, _, members in groups for term in members}
        rest = [term for term in terms if term["id"] not in placed]
        if rest:
            groups.append(("topic-other", self.gettext(OTHER_TERMS), rest))
        return [group for group in groups if group[2]]

    @staticmethod
    def topic_entries(topics: list[tuple[str, str, list[Any]]]) -> list[tuple[str, str]]:
        return [(ident, name) for ident, name, _ in topics]

    @staticmethod
    def entries(items: list[Any], *fields: str) -> list[tuple[str, str]]:
        """Data items as (id, their fields joined by a space), for an "on this page" list."""
        return [(str(item["id"]), " ".join(str(item[f]) for f in fields)) for item in items]

    def lead_and_sections(self, body: str) -> tuple[Markup, Markup]:
        """A body with its term tips, cut before the first section heading: the
        opening paragraphs (a page's lead) and the sections after them."""
        lead, heading, rest = str(self.term_tips(body)).partition("<h2")
        return Markup(lead), Markup(heading + rest)

    # -- metadata -----------------------------------------------------------

    def json_ld(self, page: Page | View, url: str, title: str, description: str) -> Markup:
        """schema.org description of the page, safe inside a `<script>` data block."""
        config = self.site.config
        source = site_sources(config, self.lang)[0]
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "WebSite" if page.key == HOME_KEY else "Article",
            "name" if page.key == HOME_KEY else "headline": title,
            "description": description,
            "url": url,
            "inLanguage": config.language(page.content_lang).tag,
            "isBasedOn": {
                "@type": "NewsArticle",
                "headline": source.title,
                "publisher": {"@type": "Organization", "name": str(source.outlet)},
                "datePublished": source.date.isoformat() if source.date else None,
            },
        }
        if page.key != HOME_KEY:
            data["isPartOf"] = {"@type": "WebSite", "name": config.title.get(self.lang),
                                "url": config.base_url + f"{self.lang}/"}
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e"))

    # -- pictures -----------------------------------------------------------

    def figure_name(self, page: Page) -> str:
        """The figure a page of the figures section shows (its key's last part)."""
        name = page.key.rpartition("/")[2]
        if name not in FIGURE_DATA:
            raise ValueError(f"there is no figure '{name}' for the page '{page.key}' "
                             f"(figures: {', '.join(FIGURE_DATA)})")
        return name

    def figure_page(self, name: str) -> Page | None:
        """The figure's own page (to embed), if the site has one."""
        return self.site.page(self.lang, f"{FIGURE_SECTION}/{name}")

    def figure_sources(self, name: str) -> list[tuple[str, str, str]]:
        """(title, CSV URL, JSON URL) of each public collection the figure is drawn from."""
        links = dict(self.publication.links(FIGURE_DATA[name]))
        return [(self.publication.title(c), links[f"{c}.csv"], links[f"{c}.json"])
                for c in FIGURE_DATA[name] if f"{c}.csv" in links]

    @staticmethod
    def embed_code(name: str, url: str, title: str) -> str:
        """The HTML another site pastes to embed the figure (shown as text)."""
        return (f'<iframe src="{html.escape(url)}" title="{html.escape(title)}" '
                f'width="100%" height="{EMBED_HEIGHT[name]}" style="border: 0" '
                'loading="lazy"></iframe>')

    def figure(self, name: str, title: str) -> Markup:
        """The figure drawn on its own, for its page."""
        if name == "plan":
            home = self.site.page(self.lang, HOME_KEY)
            return self.structure(home.title if home else title, title)
        if name == "key-figures":
            return self.figures(title)
        if name == "timeline":
            return self.timeline(title)
        return (Markup('<div class="picture-map">') + self._map_picture(title)
                + Markup('<p>{}</p></div>').format(self.gettext(MAP_NOTE)))

    def figure_value(self, figure: Any) -> str:
        style = figure["style"]
        if style == "count":
            return self.formatter.number(figure["value"])
        if style == "ordinal":
            return self.ordinal(figure["value"])
        if style == "percent":
            value = self.formatter.percent(figure["value"])
            return self.gettext(OVER) % {"value": value} if figure["qualifier"] == "over" \
                else value
        return str(figure["text"])

    def figures(self, title: str) -> Markup:
        items = [visuals.Figure(
            self.figure_value(f), str(f["label"]),
            count=int(f["value"]) if f["style"] == "count" and f["value"] <= 60 else None,
            share=f["value"] / 100 if f["style"] == "percent" else None)
            for f in self.data.get("figures", [])]
        return self._both(lambda width, ident: visuals.figure_panel(
            items, ident, title, width, self.wording),
                          "figures-picture", items)

    def timeline(self, title: str) -> Markup:
        years = [visuals.Year(int(m["year"]), str(m["motto"]), tuple(str(e) for e in m["events"]))
                 for m in self.data.get("milestones", [])]
        return self._both(lambda width, ident: visuals.timeline(
            years, ident, title, width, self.wording),
                          "timeline-picture", years)

    def structure(self, goal: str, title: str) -> Markup:
        def boxes(name: str, note: str | None) -> list[visuals.Box]:
            return [visuals.Box(int(item["number"]), str(item["name"]),
                                str(item[note]) if note else "")
                    for item in sorted(self.data.get(name, []), key=lambda i: i["number"])]

        highlands = boxes("highlands", "quality")
        strengthenings = boxes("strengthenings", None)
        if not highlands or not strengthenings:
            return Markup()
        labels = [self._short_title(key) for key in ("highlands", "strengthenings")]
        return self._both(lambda width, ident: visuals.structure(
            goal, labels[0], highlands, labels[1], strengthenings, ident, title, width,
            self.wording),
            "structure-picture", highlands)

    def place_map(self, page: Page, item: Any, title: str) -> Markup:
        """The schematic map, on pages that use a term the places belong to."""
        places = self.data.get("places", [])
        groups = list(dict.fromkeys(term for place in places for term in place["terms"]))
        used = set(page.terms) | set(item["terms"] if item and "terms" in item else [])
        if not places or not used & set(groups):
            return Markup()
        return (Markup('<figure class="picture picture-map">') + self._map_picture(title)
                + Markup('<figcaption>{}</figcaption></figure>').format(
                    self.gettext(MAP_NOTE)))

    def _map_picture(self, title: str) -> Markup:
        places = self.data.get("places", [])
        groups = list(dict.fromkeys(term for place in places for term in place["terms"]))
        glossary = {term["id"]: term for term in self.data.get("glossary", [])}
        styles = ["solid", "dashed"]
        drawn = [visuals.Group(g, str(glossary[g][self.lang]), styles[i % 2])
                 for i, g in enumerate(groups) if g in glossary]
        points = [visuals.Place(p["id"], str(p["name"]), float(p["lat"]), float(p["lon"]),
                                str(p["marks"]) if p["marks"] else "", tuple(p["terms"]))
                  for p in places]
        return visuals.schematic_map(
            points, drawn, "map-picture", title, self.gettext(MAP_NOTE), self.gettext(SCALE),
            self.gettext(NORTH), wording=self.wording)

    def _short_title(self, key: str) -> str:
        page = self.site.page(self.lang, key)
        return page.short_title if page else key

    @staticmethod
    def _both(draw: Callable[[int, str], Markup], ident: str, items: list[Any]) -> Markup:
        """The picture for a wide column and for a phone; CSS shows one of them."""
        if not items:
            return Markup()
        return (Markup('<div class="picture-wide">') + draw(visuals.WIDE, f"{ident}-wide")
                + Markup('</div><div class="picture-narrow" data-pagefind-ignore>')
                + draw(visuals.NARROW, f"{ident}-narrow") + Markup("</div>"))



def _strings(value: Any) -> list[str]:
    """Every text inside a data value (records, lists and texts)."""
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in _strings(item)]
    return [str(value)] if value is not None else []


def presentation_globals(site: Site, language: Language, formatter: Formatter
                         ) -> dict[str, Any]:
    return {"show": Presentation(site, language, formatter)}
