"""Stage 3, render: Jinja2 templates over the site model. Returns
`{output path: (bytes, description)}` and writes nothing."""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from jinja2 import meta
from markupsafe import Markup

from duet.diagnostics import Diagnostics
from duet.digests import digest
from duet.drift.notice import DraftNotice, notice_lookup
from duet.load.config import Language
from duet.load.hooks import TemplateGlobals, no_globals
from duet.model.changes import change_log, note_anchors
from duet.model.markdown import LinkContext
from duet.model.reads import Reads, recording_reads, replay, replaying
from duet.model.site import HOME_KEY, Page, Site
from duet.model.sources import site_sources
from duet.model.views import (
    CHANGES_KEY,
    CHANGES_TEMPLATE,
    View,
    build_views,
    parallel_rows,
    view_path,
)
from duet.publish.linkcheck import LinkFacts, link_facts
from duet.render.assets import STATIC_PREFIX, static_source
from duet.render.cards import CardPainter, CardText, card_path, card_text
from duet.render.citation import Citer
from duet.render.defaults import DEFAULT_PREFIX, DEFAULT_TEMPLATES, TEMPLATE_SUFFIXES
from duet.render.i18n import Formatter
from duet.render.opendata import Publication
from duet.render.printed import printed_pages

STATIC_ID = re.compile(r"""\bid="([a-z0-9]+(?:-[a-z0-9]+)*)\"""")
FEED_TEMPLATE = "changes.xml"
"""The Atom feed of each language's corrections and updates (model/changes.py)."""
SPECIAL_TEMPLATES = ("root.html", "404.html", "sitemap.xml", "robots.txt", FEED_TEMPLATE)

MapInOrder = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]
"""`[function(item) for item in items]`, or the same computed on several cores."""


def map_serially(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    return [function(item) for item in items]


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory and shared by every environment made here.

    Each language renders with its own environment (its catalog, its globals),
    but they compile the same templates with the same settings: the first one
    compiles a template, the others load its code. A template whose source
    changed is compiled again (Jinja checks the source's checksum)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = SharedBytecode()


class ReadCarryingTemplate(jinja2.Template):
    """A template whose module Jinja keeps for every later import without context
    (`{% import "x.html" as x %}`): the module carries the body reads made while it
    was made, and each render that imports it counts them again (reads.py)."""

    _module_reads: Reads | None = None

    def _get_default_module(self, ctx: jinja2.runtime.Context | None = None
                            ) -> jinja2.environment.TemplateModule:
        if ctx is not None and ctx.globals_keys - self.globals.keys():
            return super()._get_default_module(ctx)  # made for this import alone
        if self._module is None or self._module_reads is None:
            with replaying(Reads()) as made:
                self._module = self.make_module()
            self._module_reads = made
        else:
            replay(self._module_reads)
        return self._module


class TemplateEnvironment(jinja2.Environment):
    """Jinja, with the model's private names out of the templates' reach.

    Every `x.name`, `x[name]` and `x|attr(name)` in a template goes through
    here; a name that starts with '_' is undefined (an error, as templates
    render with StrictUndefined). The model keeps what a page was made from
    under such names, so the only way to a page's body is `Page.body`, which
    reports the read to the incremental build (reads.py)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute.startswith("_"):
            return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: str | Any) -> Any:
        if isinstance(argument, str) and argument.startswith("_"):
            return self.undefined(obj=obj, name=argument)
        return super().getitem(obj, argument)


TemplateEnvironment.template_class = ReadCarryingTemplate


def _public_attr(environment: jinja2.Environment, obj: Any, name: str) -> Any:
    """The `attr` filter, through the same gate as `x.name`."""
    return environment.getattr(obj, name)


def theme_loader(templates_dir: Path) -> jinja2.BaseLoader:
    """The theme's templates first, then the engine's defaults."""
    defaults = jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES))
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(templates_dir)), defaults,
                                jinja2.PrefixLoader({DEFAULT_PREFIX: defaults})])


def make_environment(templates_dir: Path, translations: Any | None = None,
                     bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    env = TemplateEnvironment(
        loader=theme_loader(templates_dir),
        bytecode_cache=bytecode_cache or SHARED_BYTECODE,
        autoescape=True,  # every template, whatever its extension: content is never trusted
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # an environment lives for one build: no stat of its source per render
    )
    env.policies["ext.i18n.trimmed"] = True
    env.filters["attr"] = jinja2.pass_environment(_public_attr)
    i18n: Any = env  # the i18n extension adds these methods to the environment
    if translations is not None:
        i18n.install_gettext_translations(translations, newstyle=True)
    else:
        i18n.install_null_translations(newstyle=True)
    return env


def asset_global(names: Mapping[str, str]) -> Callable[..., str]:
    """The templates' `asset('site.css')`: the URL of a static file's fingerprinted copy
    (assets.py), under the site's base path."""
    @jinja2.pass_context
    def asset(context: jinja2.runtime.Context, name: str) -> str:
        if name not in names:
            raise jinja2.TemplateRuntimeError(f"asset('{name}'): there is no static/{name}")
        return f"{context['config'].base_path}static/{names[name]}"

    return asset


def template_anchors(templates_dir: Path, diagnostics: Diagnostics) -> dict[str, set[str]]:
    """The literal `id="…"` attributes each page template carries, following
    extends and includes, so links to them can be checked before rendering."""
    env = make_environment(templates_dir)
    cache: dict[str, set[str]] = {}

    def ids_of(name: str, seen: frozenset[str]) -> set[str]:
        if name in cache:
            return cache[name]
        try:
            source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
            parsed = env.parse(source, name, filename)
        except jinja2.TemplateNotFound:
            return set()
        except jinja2.TemplateSyntaxError as exc:
            diagnostics.error(exc.filename or name, exc.lineno, 1,
                              f"template syntax error: {exc.message}")
            return set()
        ids = set(STATIC_ID.findall(source))
        for child in meta.find_referenced_templates(parsed):
            if child and child not in seen:
                ids |= ids_of(child, seen | {child})
        cache[name] = ids
        return ids

    return {path.name: ids_of(path.name, frozenset({path.name}))
            for path in sorted(templates_dir.glob("*.html"))}


@dataclass
class LanguageRenderer:
    """Everything a template needs that depends on the language: the engine's globals,
    and those the site's hooks add (`site_globals`)."""

    site: Site
    language: Language
    env: jinja2.Environment
    formatter: Formatter
    site_globals: TemplateGlobals = no_globals
    translated: frozenset[str] = frozenset()
    """The UI strings its catalog translates (the build checks them after rendering)."""
    cards: CardPainter | None = None
    """Draws the language's share cards (cards.py); None: the theme has no card font."""

    def __post_init__(self) -> None:
        self.links = LinkContext(self.site.config.base_path, self.language.code)
        self.publication = Publication(self.site, self.language.code)
        self.env.filters.update(
            date=self.formatter.date, number=self.formatter.number,
            percent=self.formatter.percent, format_list=self.formatter.list,
            ordinal_form=self.formatter.ordinal_form, plural_form=self.formatter.plural_form,
        )
        self.env.globals.update(
            site=self.site, config=self.site.config, lang=self.language.code,
            language=self.language, languages=self.site.config.languages,
            collections=self.site.data[self.language.code],
            site_sources=site_sources(self.site.config, self.language.code),
            url_for=self.url_for, absolute=self.absolute, page_for=self.page_for,
            data_of=self.data_for, parallel_rows=parallel_rows, open_data=self.publication,
            citation=Citer(self.site.config, self.language),
            menu=self.menu(), card_url=self.card_url,
            change_log=partial(change_log, self.site, self.language.code),
            note_anchors=note_anchors, changes_feed=self.changes_feed(),
            changes_page=self.changes_page(),
            printed_pages=partial(printed_pages, self.site, self.language.code, self.render_page),
        )
        with replaying(Reads()) as setup:
            self.env.globals.update(self.site_globals(self.site, self.language,
                                                      self.formatter))
        self.draft_notice = DraftNotice(self.site.config, self.site.translation_drafts,
                                        self.site.drafted_texts, self.language, setup.texts)
        self.env.globals["translation_notice"] = notice_lookup(
            self.site.config, self.site.translation_behind, self.language)
        self.env.globals["machine_draft_notice"] = self.draft_notice

    def url_for(self, key: str, anchor: str = "") -> str:
        """The URL of page `key` (and its section `anchor`) in this language; a page or
        section the site does not have is the template's mistake, reported at the line
        that asked for it."""
        anchors = self.site.page_anchors.get(key)
        if anchors is None:
            raise jinja2.TemplateRuntimeError(
                f"broken link: url_for('{key}'): there is no page '{key}'")
        if anchor and anchor not in anchors:
            raise jinja2.TemplateRuntimeError(
                f"broken anchor: url_for('{key}', '{anchor}'): page '{key}' has no "
                f"section '#{anchor}'")
        return self.links.page_url(key) + (f"#{anchor}" if anchor else "")

    def absolute(self, url: str) -> str:
        config = self.site.config
        return config.base_url.rstrip("/") + "/" + url[len(config.base_path):]

    def page_for(self, key: str) -> Page | None:
        return self.site.page(self.language.code, key)

    def menu(self) -> list[Page]:
        return [page for key in self.site.config.menu
                if (page := self.site.page(self.language.code, key)) is not None]

    def data_for(self, page: Page) -> Any:
        if not page.data_ref:
            return None
        collection, _, item_id = page.data_ref.partition("/")
        items = self.site.data[self.language.code].get(collection, [])
        if not item_id:
            return items
        return next((item for item in items if item["id"] == item_id), None)

    def render_page(self, page: Page) -> bytes:
        template = self.env.get_template(page.template)
        return self.draft_notice.rendering(partial(
            template.render, page=page, data=self.data_for(page), body=Markup(page.body),
            alternates=self.alternates(page))).encode("utf-8")

    def render_view(self, view: View) -> bytes:
        template = self.env.get_template(view.template)
        return self.draft_notice.rendering(partial(
            template.render, page=view, alternates=self.alternates(view))).encode("utf-8")

    def alternates(self, page: Page | View) -> list[tuple[str, str]]:
        """(hreflang, absolute URL) for every language plus x-default."""
        config = self.site.config
        pairs = [(config.language(code).tag, self.absolute(other.url))
                 for code, other in page.translations.items()]
        default = (self.absolute(config.base_path) if page.key == HOME_KEY
                   else self.absolute(page.translations[config.default_language].url))
        pairs.append(("x-default", default))
        return pairs

    def changes_feed(self) -> str | None:
        """The URL of the language's Atom feed of corrections and updates, if the theme
        makes one."""
        if FEED_TEMPLATE not in self.env.list_templates():
            return None
        return f"{self.site.config.base_path}{feed_path(self.language.code)}"

    def changes_page(self) -> str | None:
        """The URL of the language's page of corrections and updates, if the theme
        makes one."""
        if CHANGES_TEMPLATE not in self.env.list_templates():
            return None
        return view_path(self.site.config.base_path, self.language.code, CHANGES_KEY)[0]

    def card_text(self, page: Page) -> CardText:
        return card_text(self.site.config, self.language, page.title, page.description)

    def card_url(self, page: Page | View | None) -> str | None:
        """The absolute URL of the share card of a page (a parallel reading's is its
        page's, the search page's the home page's); None without cards."""
        if self.cards is None or page is None:
            return None
        if isinstance(page, View):
            page = page.original or self.page_for(HOME_KEY)
            if page is None:
                return None
        return self.absolute(page.url + card_path("index.html"))

    def render_named(self, name: str, **context: Any) -> bytes:
        return self.env.get_template(name).render(**context).encode("utf-8")


@dataclass(frozen=True)
class RenderedFile:
    """One output file's bytes and digest, and the page bodies it read (reads.py)."""

    payload: bytes
    digest: str
    reads: Reads
    links: LinkFacts | None
    """A page's link facts, taken where it was rendered (maybe on another core)."""

    @classmethod
    def of(cls, path: str, payload: bytes, reads: Reads) -> RenderedFile:
        return cls(payload, digest(payload), reads,
                   link_facts(payload) if path.endswith(".html") else None)


Rendered = dict[str, RenderedFile]
"""Output path (relative to the output folder) → the rendered file."""


def render_site(site: Site, renderers: dict[str, LanguageRenderer],
                diagnostics: Diagnostics,
                map_in_order: MapInOrder = map_serially,
                wanted: Callable[[str], bool] | None = None) -> Rendered:
    """Every output file of the site, by path relative to the output folder.

    Pages and views are rendered through `map_in_order` (possibly on other
    cores); one that fails there is rendered again here to report why.
    `wanted(output path)`, when given, picks the files to render: an
    incremental build keeps the others from the last build."""
    def want(path: str) -> bool:
        return wanted is None or wanted(path)

    def add(path: str, render: Callable[[], bytes]) -> None:
        with recording_reads() as reads:
            payload = render()
        files[path] = RenderedFile.of(path, payload, reads)

    files: Rendered = {}
    render_or_none = partial(_render_or_none, renderers)
    pages = [page for page in site.all_pages() if want(page.output_path)]
    for page, done in zip(pages, map_in_order(render_or_none, pages), strict=True):
        if done is not None:
            files[page.output_path] = done
            continue
        renderer = renderers[page.lang]
        try:
            add(page.output_path, partial(renderer.render_page, page))
        except jinja2.TemplateError as exc:
            report_template_error(exc, page.url, diagnostics, page)
    taken = {page.output_path for page in site.all_pages()}
    every_view = build_views(site, available_templates(renderers))
    views = []
    for view in every_view:
        if view.output_path in taken:
            diagnostics.error(files_owner(site, view), 0, 0,
                              f"this page takes the address {view.url}, which the site "
                              "needs for its search page or parallel reading")
        elif want(view.output_path):
            views.append(view)
    for view, done in zip(views, map_in_order(render_or_none, views), strict=True):
        if done is not None:
            files[view.output_path] = done
            continue
        try:
            add(view.output_path, partial(renderers[view.lang].render_view, view))
        except jinja2.TemplateError as exc:
            report_template_error(exc, view.url, diagnostics)
    render_cards(site, renderers, diagnostics, want, files)
    for renderer in renderers.values():
        for path, make in renderer.publication.files().items():
            if want(path):
                add(path, make)
    default = renderers[site.config.default_language]
    named: list[tuple[str, Callable[[], bytes]]] = [
        (path, partial(renderer.render_named, name, page=None))
        for path, renderer, name in [("index.html", default, ROOT_TEMPLATE), *(
            (f"{code}/404.html", renderer, NOT_FOUND_TEMPLATE)
            for code, renderer in renderers.items())]]
    listed: list[Page | View] = [*site.all_pages(), *(
        view for view in every_view if view.output_path not in taken)]
    named.append(("sitemap.xml", lambda: default.render_named(
        "sitemap.xml", pages=_sitemap_entries(listed, default))))
    named.append(("robots.txt", partial(default.render_named, "robots.txt")))
    named.extend((feed_path(code), partial(renderer.render_named, FEED_TEMPLATE, page=None))
                 for code, renderer in renderers.items() if renderer.changes_feed())
    for path, render in named:
        if want(path):
            try:
                add(path, render)
            except jinja2.TemplateError as exc:
                report_template_error(exc, site.config.base_path + path, diagnostics)
    return files


ROOT_TEMPLATE, NOT_FOUND_TEMPLATE = "root.html", "404.html"


def render_cards(site: Site, renderers: dict[str, LanguageRenderer], diagnostics: Diagnostics,
                 want: Callable[[str], bool], files: Rendered) -> None:
    """Each page's share card (cards.py), in its language (some 15 ms a card); a
    warning for a page whose card needs characters the card font lacks."""
    def painter(page: Page) -> CardPainter:
        """The font of the language the page's text is in (a fallback page's is another's)."""
        chosen = renderers[page.content_lang].cards or renderers[page.lang].cards
        assert chosen is not None  # only the pages of a language with cards get one
        return chosen

    pages = [page for page in site.all_pages() if renderers[page.lang].cards is not None]
    for page in pages:
        missing = painter(page).missing(renderers[page.lang].card_text(page))
        if missing:
            where = page._source.front.where
            diagnostics.warning(page.source_path, where.line, where.col,
                                f"the '{page.lang}' card font has no {' '.join(missing)}: the "
                                "page's share card would show empty boxes; make the font "
                                "again with `python -m duet.render.cardfont` "
                                "(docs/changes-and-sharing.md)")
    wanted = [page for page in pages if want(card_path(page.output_path))]
    for page in wanted:
        path = card_path(page.output_path)
        text = renderers[page.lang].card_text(page)
        files[path] = RenderedFile.of(path, painter(page).paint(text), Reads())


def feed_path(code: str) -> str:
    return f"{code}/{FEED_TEMPLATE}"


def available_templates(renderers: dict[str, LanguageRenderer]) -> set[str]:
    """The names of the theme's templates (every language renders with the same ones)."""
    return set(next(iter(renderers.values())).env.list_templates())


def _render_or_none(renderers: dict[str, LanguageRenderer],
                    page: Page | View) -> RenderedFile | None:
    """The page rendered, or None when its template fails (reported by the caller)."""
    renderer = renderers[page.lang]
    try:
        with recording_reads() as reads:
            payload = (renderer.render_view(page) if isinstance(page, View)
                       else renderer.render_page(page))
    except jinja2.TemplateError:
        return None
    return RenderedFile.of(page.output_path, payload, reads)


def _sitemap_entries(pages: list[Page | View],
                     renderer: LanguageRenderer) -> list[dict[str, Any]]:
    return [{"loc": renderer.absolute(page.url), "alternates": renderer.alternates(page),
             "lastmod": page.updated}
            for page in pages]


def files_owner(site: Site, view: View) -> Path | str:
    """The source file of the content page that sits where a generated page must go."""
    page = next((p for p in site.all_pages() if p.output_path == view.output_path), None)
    return page.source_path if page else view.output_path


def report_template_error(exc: jinja2.TemplateError, url: str, diagnostics: Diagnostics,
                          page: Page | None = None) -> None:
    """Report a template's mistake at its template and line (`templates/base.html:12:`),
    taken from the error or from the innermost template frame of its traceback; a
    page's own template that does not exist, at the page's front matter."""
    message = exc.message or str(exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template '{exc.name}' does not exist (in the theme or the engine's)"
    where = template_frame(exc)
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno)
    if where is None and page is not None:
        front = page._source.front.where
        diagnostics.error(page.source_path, front.line, front.col, message)
        return
    path, line = where or ("templates", 0)
    diagnostics.error(path, line, 1 if line else 0, f"{message} (while rendering {url})")


def output_templates(site: Site, renderers: dict[str, LanguageRenderer]) -> dict[str, str]:
    """The template each output file of the site is rendered with, by output path."""
    made = {page.output_path: page.template for page in site.all_pages()}
    made.update((view.output_path, view.template)
                for view in build_views(site, available_templates(renderers)))
    made.update({"index.html": ROOT_TEMPLATE, "sitemap.xml": "sitemap.xml",
                 "robots.txt": "robots.txt"})
    made.update((f"{code}/404.html", NOT_FOUND_TEMPLATE) for code in site.config.codes)
    return made


def report_link_problems(problems: list[tuple[str, str]], site: Site,
                         renderers: dict[str, LanguageRenderer], static_dir: Path,
                         diagnostics: Diagnostics) -> None:
    """Broken links and anchors found in the built pages, reported at the template line
    that writes them (content's own links were checked in the model, so these are the
    templates'): the line that holds the link's target, or else the page's template;
    a static HTML file's, at the file. The same problem from many pages is reported
    once, naming the first of them."""
    env = next(iter(renderers.values())).env
    templates = output_templates(site, renderers)
    seen: dict[tuple[str, int, str], list[str]] = {}
    for output, message in problems:
        target = LINK_TARGET.search(message)
        where = (link_line(env, templates[output], target.group(1) if target else "")
                 if output in templates
                 else (str(static_source(static_dir, output.removeprefix(STATIC_PREFIX))), 0))
        seen.setdefault((*where, message), []).append(
            site.config.base_path + output.removesuffix("index.html"))
    for (path, line, message), outputs in seen.items():
        more = f" and {len(outputs) - 1} more" if len(outputs) > 1 else ""
        diagnostics.error(path, line, 0, f"{message} (in {outputs[0]}{more})")


LINK_TARGET = re.compile(r"^broken (?:link|anchor) '([^']*)'")


def link_line(env: jinja2.Environment, name: str, target: str) -> tuple[str, int]:
    """Where template `name`, or one it extends, includes or imports, writes `target`
    literally (file, line); else the template itself, line 0."""
    seen: set[str] = set()

    def search(current: str) -> tuple[str, int] | None:
        seen.add(current)
        try:
            source, filename, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]
            parsed = env.parse(source)
        except jinja2.TemplateError:
            return None
        for number, text in enumerate(source.splitlines(), 1):
            if target and target in text:
                return filename or current, number
        for child in meta.find_referenced_templates(parsed):
            if child and child not in seen and (found := search(child)):
                return found
        return None

    found = search(name)
    if found:
        return found
    try:
        return env.loader.get_source(env, name)[1] or name, 0  # type: ignore[union-attr]
    except jinja2.TemplateError:
        return name, 0


def template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The template file and line of the innermost template frame in the traceback
    (Jinja rewrites a render's traceback so that its frames name the templates)."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(TEMPLATE_SUFFIXES) and Path(frame.filename).is_file():
            found = (frame.filename, frame.lineno or 0)
    return found
