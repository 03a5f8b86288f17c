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
from duet.drift.notice import notice_lookup
from duet.load.config import Language
from duet.load.hooks import TemplateGlobals, no_globals
from duet.model.markdown import LinkContext
from duet.model.reads import Reads, recording_reads, replay, replaying
from duet.model.site import HOME_KEY, Page, Site
from duet.model.views import View, build_views, parallel_rows
from duet.publish.linkcheck import LinkFacts, link_facts
from duet.render.i18n import Formatter

STATIC_ID = re.compile(r"""\bid="([a-z0-9]+(?:-[a-z0-9]+)*)\"""")
SPECIAL_TEMPLATES = ("root.html", "404.html", "sitemap.xml", "robots.txt")

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


def make_environment(templates_dir: Path, translations: Any | None = None,
                     bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    env = TemplateEnvironment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
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

    def __post_init__(self) -> None:
        self.links = LinkContext(self.site.config.base_path, self.language.code)
        self.env.filters.update(
            date=self.formatter.date, number=self.formatter.number,
            percent=self.formatter.percent, ordinal=self.formatter.ordinal,
        )
        self.env.globals.update(
            site=self.site, config=self.site.config, lang=self.language.code,
            language=self.language, languages=self.site.config.languages,
            collections=self.site.data[self.language.code],
            url_for=self.url_for, absolute=self.absolute, page_for=self.page_for,
            data_of=self.data_for, parallel_rows=parallel_rows,
            menu=self.menu(),
        )
        self.env.globals.update(self.site_globals(self.site, self.language, self.formatter))
        self.env.globals["translation_notice"] = notice_lookup(
            self.site.config, self.site.translation_behind, self.language)

    def url_for(self, key: str, anchor: str = "") -> str:
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
        html = template.render(page=page, data=self.data_for(page),
                               body=Markup(page.body), alternates=self.alternates(page))
        return html.encode("utf-8")

    def render_view(self, view: View) -> bytes:
        template = self.env.get_template(view.template)
        return template.render(page=view, alternates=self.alternates(view)).encode("utf-8")

    def alternates(self, page: Page | View) -> list[tuple[str, str]]:
        """(hreflang, absolute URL) for every language plus x-default."""
        config = self.site.config
        pairs = [(config.language(code).tag, self.absolute(other.url))
                 for code, other in page.translations.items()]
        default = (self.absolute(config.base_path) if page.key == HOME_KEY
                   else self.absolute(page.translations[config.default_language].url))
        pairs.append(("x-default", default))
        return pairs

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
        except jinja2.TemplateNotFound as exc:
            where = page._source.front.where
            diagnostics.error(page.source_path, where.line, where.col,
                              f"template '{exc.name}' does not exist in templates/")
        except jinja2.TemplateError as exc:
            _report_template_error(exc, page, diagnostics)
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
            diagnostics.error(view.template, getattr(exc, "lineno", 0) or 0, 0,
                              f"while rendering {view.url}: {exc.message or exc}")
    default = renderers[site.config.default_language]
    for path, renderer, name in [("index.html", default, "root.html"),
                                 *((f"{code}/404.html", renderer, "404.html")
                                   for code, renderer in renderers.items())]:
        if want(path):
            add(path, partial(renderer.render_named, name, page=None))
    if want("sitemap.xml"):
        listed: list[Page | View] = [*site.all_pages(), *(
            view for view in every_view if view.output_path not in taken)]
        add("sitemap.xml", lambda: default.render_named(
            "sitemap.xml", pages=_sitemap_entries(listed, default)))
    if want("robots.txt"):
        add("robots.txt", partial(default.render_named, "robots.txt"))
    return files


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


def _report_template_error(exc: jinja2.TemplateError, page: Page,
                           diagnostics: Diagnostics) -> None:
    """Name the template line: Jinja keeps it in the traceback of rendering errors."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", 0) or 0
    if not line:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".html", ".xml", ".txt")):
                name, line = frame.filename, frame.lineno or 0
                break
    diagnostics.error(name or page.template, line, 1 if line else 0,
                      f"while rendering {Diagnostics.display(page.source_path)}: "
                      f"{exc.message or exc}")
