"""Stage 2, model: one Site holding both languages, every page linked to its
counterpart, every internal link and anchor checked. No file I/O here."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from duet.diagnostics import Diagnostics
from duet.load.config import Config
from duet.load.content import Content, SourcePage
from duet.load.schema import PageLink, Record, Text
from duet.load.yamlsource import Where
from duet.model.checks import check_heading_parity, check_links
from duet.model.markdown import (
    BodyFacts,
    GlossaryIndex,
    Heading,
    LinkContext,
    LinkRef,
    compile_inline,
    compile_markdown,
)
from duet.model.reads import TextRef, note_body_read, note_text_shown
from duet.model.sources import Source, page_sources

TAG = re.compile(r"<[^>]+>")
HOME_KEY = "index"
GLOSSARY = "glossary"


@dataclass(frozen=True)
class LocalText:
    """A data text in one language, ready for a template: `{{ x }}` gives HTML,
    `{{ x.text }}` plain text. `lang` is the language it is written in.

    Its words are reached only through `html`, `text`, `str()` and `__html__`, and
    each reports that the output being rendered shows the text (reads.py), which is
    how a page knows it shows a machine draft (drift/notice.py)."""

    _html: Markup
    _text: str
    lang: str
    tag: str
    fallback: bool
    origin: tuple[str, int, int]
    """The file, line and column of the `{lang: text}` map it comes from."""

    @property
    def html(self) -> Markup:
        note_text_shown((self.lang, *self.origin))
        return self._html

    @property
    def text(self) -> str:
        note_text_shown((self.lang, *self.origin))
        return self._text

    def __html__(self) -> str:
        if self.fallback:
            return f'<span lang="{self.tag}" class="fallback-text">{self.html}</span>'
        return str(self.html)

    def __str__(self) -> str:
        return self.text


class DataItem(Record):
    """A data item seen in one language (text fields are LocalText)."""


@dataclass
class Page:
    """One page in one language, as templates see it.

    What it was made from (`_source`, `_compiled`) is private: templates cannot
    reach names that start with '_' (see render.make_environment), so the body
    HTML is read only through `body`, which reports the read (reads.py)."""

    key: str
    lang: str
    content_lang: str
    _source: SourcePage = field(repr=False)
    url: str
    output_path: str
    _compiled: BodyFacts = field(repr=False)
    _bodies: Mapping[str, Markup] = field(repr=False)
    """The HTML of every compiled body, by digest (`Bodies.html`)."""
    is_fallback: bool = False
    translations: dict[str, Page] = field(default_factory=dict, repr=False)
    parent: Page | None = field(default=None, repr=False)
    children: list[Page] = field(default_factory=list, repr=False)

    @property
    def body(self) -> Markup:
        html_digest = self._compiled.html_digest
        note_body_read(self.lang, self.key, html_digest)
        return self._bodies[html_digest]

    @property
    def headings(self) -> list[Heading]:
        return self._compiled.headings

    @property
    def terms(self) -> list[str]:
        return self._compiled.terms

    @property
    def source_path(self) -> Path:
        return self._source.path

    @property
    def title(self) -> str:
        return str(self._source.front["title"])

    @property
    def short_title(self) -> str:
        return str(self._source.front["short_title"] or self.title)

    @property
    def description(self) -> str | None:
        description: str | None = self._source.front["description"]
        return description

    @property
    def template(self) -> str:
        return str(self._source.front["template"])

    @property
    def data_ref(self) -> str | None:
        data_ref: str | None = self._source.front["data"]
        return data_ref

    @property
    def weight(self) -> int:
        return int(self._source.front["weight"])

    @property
    def updated(self) -> Any:
        return self._source.front["updated"]

    @property
    def sources(self) -> list[Source]:
        """The page's own sources (`sources:` in its front matter)."""
        return page_sources(self._source.front["sources"] or ())

    @property
    def changes(self) -> list[Record]:
        """The page's change notes (date, kind, note), newest first."""
        notes: list[Record] = self._source.front.get("changes") or []
        return sorted(notes, key=lambda note: note["date"], reverse=True)

    @property
    def anchors(self) -> set[str]:
        return {heading.id for heading in self.headings}

    def ancestors(self) -> list[Page]:
        chain = []
        current = self.parent
        while current is not None:
            chain.append(current)
            current = current.parent
        return list(reversed(chain))


@dataclass
class Site:
    config: Config
    pages: dict[tuple[str, str], Page]
    data: dict[str, dict[str, Any]]
    term_usage: dict[str, list[str]]
    page_anchors: dict[str, set[str]]
    translation_behind: dict[tuple[str, str], Any] = field(default_factory=dict)
    """(language, page key) → the drift check's `Behind` (see duet/drift), set by the build."""
    translation_drafts: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(language, page key) → the page's sections whose text is an unreviewed machine
    draft (see duet/drift), set by the build."""
    drafted_texts: frozenset[TextRef] = frozenset()
    """The data texts, in the language they are written in, that are an unreviewed
    machine draft (see duet/drift), set by the build."""

    def page(self, lang: str, key: str) -> Page | None:
        return self.pages.get((lang, key))

    def pages_in(self, lang: str) -> list[Page]:
        return list(self._by_language.get(lang, ()))

    def all_pages(self) -> list[Page]:
        return [page for lang in self.config.codes for page in self._by_language.get(lang, ())]

    @functools.cached_property
    def keys(self) -> list[str]:
        return sorted({key for _, key in self.pages})

    @functools.cached_property
    def _by_language(self) -> dict[str, list[Page]]:
        """Each language's pages in output order (the model is complete before it is read)."""
        by_language: dict[str, list[Page]] = {}
        for (lang, _), page in self.pages.items():
            by_language.setdefault(lang, []).append(page)
        for pages in by_language.values():
            pages.sort(key=lambda page: page.output_path)
        return by_language


@dataclass(frozen=True)
class CompileJob:
    """One page body to compile, with everything the compile reads."""

    source: str
    links: LinkContext
    glossary: GlossaryIndex
    autolink_terms: bool
    line_offset: int

    def run(self) -> tuple[BodyFacts, Markup]:
        """What the model reads of the body, and its HTML (hashed here, maybe on another
        core)."""
        compiled = compile_markdown(self.source, self.links, self.glossary,
                                    autolink_terms=self.autolink_terms,
                                    line_offset=self.line_offset)
        return compiled.facts(), compiled.html


@dataclass(frozen=True)
class Bodies:
    """Compiled bodies: what the model reads of each, in order, and their HTML by digest."""

    facts: list[BodyFacts]
    html: Mapping[str, Markup]

    @classmethod
    def of(cls, compiled: list[tuple[BodyFacts, Markup]]) -> Bodies:
        return cls([facts for facts, _ in compiled],
                   {facts.html_digest: html for facts, html in compiled})


Compile = Callable[[list[CompileJob]], Bodies]
"""Compiles many bodies at once, in order (on every core, or from a build's cache)."""


def compile_serially(jobs: list[CompileJob]) -> Bodies:
    return Bodies.of([job.run() for job in jobs])


def build_site_model(content: Content, template_anchors: dict[str, set[str]],
                     diagnostics: Diagnostics, compile_all: Compile = compile_serially) -> Site:
    """Pair pages by translation key, compile them, resolve data, check every link."""
    config = content.config
    glossary = glossary_index(content.data.get(GLOSSARY, []), config.codes)
    by_key = _pair_pages(content.pages, config, diagnostics)
    plan: list[tuple[str, str, SourcePage, bool]] = []
    for key, sources in sorted(by_key.items()):
        for lang in config.codes:
            source = sources.get(lang) or _fallback_source(sources, config)
            plan.append((key, lang, source, lang not in sources))
    bodies = compile_all([compile_job(config, glossary, key, lang, source)
                          for key, lang, source, _ in plan])
    pages: dict[tuple[str, str], Page] = {}
    for (key, lang, source, is_fallback), result in zip(plan, bodies.facts, strict=True):
        if not is_fallback and not source.derived:  # a derived page's are its source's
            for line, col, message in result.problems:
                diagnostics.error(source.path, line, col, message)
        pages[(lang, key)] = Page(
            key=key, lang=lang, content_lang=source.lang, _source=source,
            url=LinkContext(config.base_path, lang).page_url(key),
            output_path=_output_path(lang, key), _compiled=result, _bodies=bodies.html,
            is_fallback=is_fallback,
        )
    _link_pages(pages, config)
    data_links: list[tuple[Where, LinkRef]] = []
    data = {lang: _localise_collections(content, lang, data_links, diagnostics)
            for lang in config.codes}
    page_anchors = _page_anchors(pages, content, template_anchors)
    site = Site(config, pages, data, {}, page_anchors)
    check_heading_parity(by_key, pages, config, diagnostics)
    check_links(site, content, data_links, diagnostics)
    site.term_usage = _term_usage(site, content)
    return site


def compile_job(config: Config, glossary: GlossaryIndex, key: str, lang: str,
                source: SourcePage) -> CompileJob:
    """The compile of `source`'s body as the page `key` in `lang`."""
    return CompileJob(source.body, LinkContext(config.base_path, lang), glossary,
                      key != GLOSSARY, source.body_line - 1)


def glossary_index(terms: list[Record], languages: tuple[str, ...]) -> GlossaryIndex:
    forms: list[tuple[str, str, str]] = []
    for term in terms:
        for lang in languages:
            declared = (term["match"] or {}).get(lang)
            default = term.get(lang)  # the term itself, in the field named by the language
            for form in declared or ([default] if default else []):
                forms.append((lang, form, term["id"]))
    return GlossaryIndex(tuple(forms))


def _pair_pages(sources: list[SourcePage], config: Config,
                diagnostics: Diagnostics) -> dict[str, dict[str, SourcePage]]:
    by_key: dict[str, dict[str, SourcePage]] = {}
    for source in sources:
        same = by_key.setdefault(source.key, {})
        if source.lang in same:
            other = same[source.lang]
            diagnostics.error(source.path, 0, 0, f"this page and {other.path.as_posix()} both "
                                                 f"make the page /{source.lang}/{source.key}/")
            continue
        same[source.lang] = source
    for _key, same in sorted(by_key.items()):
        for lang in config.written_codes:  # a derived language's page is made, never expected
            if lang not in same:
                present = next(iter(same.values()))
                expected = present.path.name.replace(f".{present.lang}.md", f".{lang}.md")
                if (present.path.parent / expected).exists():
                    continue  # it is there but could not be loaded: reported already
                diagnostics.warning(present.path, 0, 0,
                                    f"missing translation: no '{lang}' version of this page "
                                    f"(expected {expected}); the {lang} site shows the "
                                    f"{present.lang} text with a notice"
                                    + "".join(f", and so does the {code} site made from it"
                                              for code, source, _ in config.derived()
                                              if source == lang and code not in same))
    return by_key


def _fallback_source(sources: dict[str, SourcePage], config: Config) -> SourcePage:
    return sources.get(config.default_language) or next(iter(sources.values()))


def _output_path(lang: str, key: str) -> str:
    return f"{lang}/index.html" if key == HOME_KEY else f"{lang}/{key}/index.html"


def _parent_key(key: str) -> str | None:
    if key == HOME_KEY:
        return None
    return key.rpartition("/")[0] or HOME_KEY


def _link_pages(pages: dict[tuple[str, str], Page], config: Config) -> None:
    for (lang, key), page in pages.items():
        page.translations = {other: pages[(other, key)] for other in config.codes}
        parent_key = _parent_key(key)
        while parent_key is not None and (lang, parent_key) not in pages:
            parent_key = _parent_key(parent_key)
        if parent_key is not None:
            page.parent = pages[(lang, parent_key)]
            page.parent.children.append(page)
    for page in pages.values():
        page.children.sort(key=lambda child: (child.weight, child.key))


def _localise_collections(content: Content, lang: str,
                          data_links: list[tuple[Where, LinkRef]],
                          diagnostics: Diagnostics) -> dict[str, Any]:
    config = content.config
    link_ctx = LinkContext(config.base_path, lang)
    record_links = lang == config.default_language

    def localise(value: Any) -> Any:
        if isinstance(value, Text):
            chosen = lang if lang in value.values else next(
                (code for code in config.codes if code in value.values), lang)
            source = value.values.get(chosen, "")
            result = compile_inline(source, link_ctx, line=value.where.line)
            if chosen == lang:  # each language's text reported once, where it is compiled
                for line, _, message in result.problems:
                    diagnostics.error(value.where.path, line, value.where.col, message)
            if record_links or chosen != lang:
                data_links.extend((value.where, link) for link in result.links)
            plain = html.unescape(TAG.sub("", result.html))
            return LocalText(result.html, plain, chosen, config.language(chosen).tag,
                             chosen != lang, (str(value.where.path), value.where.line,
                                              value.where.col))
        if isinstance(value, PageLink):
            if record_links:
                data_links.append((value.where, LinkRef("page", value.key, value.anchor,
                                                        value.where.line, value.where.col)))
            return link_ctx.page_url(value.key) + (f"#{value.anchor}" if value.anchor else "")
        if isinstance(value, Record):
            return DataItem({k: localise(v) for k, v in value.items()}, value.where)
        if isinstance(value, list):
            return [localise(v) for v in value]
        return value

    return {name: localise(items) for name, items in sorted(content.data.items())}


def _item_ids(items: Iterable[Any]) -> Iterator[str]:
    for item in items:
        if isinstance(item, Record):
            if isinstance(item.get("id"), str):
                yield item["id"]
            for value in item.values():
                if isinstance(value, list):
                    yield from _item_ids(value)


def _page_anchors(pages: dict[tuple[str, str], Page], content: Content,
                  template_anchors: dict[str, set[str]]) -> dict[str, set[str]]:
    """Every id a page will carry: its headings, its template's ids, its data items' ids."""
    anchors: dict[str, set[str]] = {}
    for (_, key), page in pages.items():
        ids = anchors.setdefault(key, set())
        ids |= page.anchors | template_anchors.get(page.template, set())
        if page.data_ref:
            collection, _, item_id = page.data_ref.partition("/")
            items = content.data.get(collection, [])
            if not item_id:
                ids |= set(_item_ids(items))
    return anchors


def _term_usage(site: Site, content: Content) -> dict[str, list[str]]:
    usage: dict[str, set[str]] = {}
    for page in site.pages_in(site.config.default_language):
        used = set(page.terms)
        if page.data_ref and "/" in page.data_ref:
            collection, _, item_id = page.data_ref.partition("/")
            for item in content.data.get(collection, []):
                if item["id"] == item_id:
                    used |= set(item.get("terms") or [])
        for term in used:
            usage.setdefault(term, set()).add(page.key)
    return {term: sorted(keys) for term, keys in usage.items()}
