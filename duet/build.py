"""The whole build, stage by stage: load → model → render → write → post.

`build_site(options)` is the plain build, and the reference every incremental
test compares with. Given a `Reuse` (incremental.py), the same stages take
what earlier builds made from the store, render only what changed and write
only what differs.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from duet.diagnostics import ContentError, Diagnostic, Diagnostics
from duet.digests import digest
from duet.drift.check import DriftReport, check_translations
from duet.incremental.reuse import SEARCHABLE, Reuse
from duet.load.config import Config
from duet.load.content import (
    Content,
    LoadedPage,
    PageRequest,
    PagesLoader,
    load_content,
    load_page_captured,
)
from duet.load.hooks import DEFAULT_DIR as HOOKS_DIR
from duet.load.hooks import Hook, load_hook
from duet.load.schemas import ENGINE_COLLECTIONS
from duet.model.markdown import CompiledMarkdown
from duet.model.site import Compile, CompileJob, Site, build_site_model
from duet.parallel import compile_all, map_cheap_in_order, map_in_order
from duet.progress import active
from duet.publish.linkcheck import LinkFacts, check_links
from duet.publish.search import Indexing, Pagefind, SearchIndexError, pagefind_ahead
from duet.publish.write import NewFile, WriteError, discard_leftovers, publish, stage_site
from duet.render.assets import Assets, fingerprint
from duet.render.i18n import (
    Formatter,
    catalog_path,
    check_catalog_coverage,
    extract_ui_strings,
    load_translations,
)
from duet.render.templates import (
    LanguageRenderer,
    asset_global,
    make_environment,
    render_site,
    template_anchors,
)

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_PREFIX = "static/"
T = TypeVar("T")


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path
    out_dir: Path
    templates_dir: Path
    static_dir: Path
    locales_dir: Path
    strict: bool = False
    base_url: str | None = None
    cache_dir: Path | None = None
    """Where builds keep what the next build can reuse; None: build everything."""
    hooks_dir: Path | None = None
    """The site's own code (see hooks.py); None, or a folder that does not exist: none."""

    @classmethod
    def for_project(cls, root: Path, **overrides: object) -> BuildOptions:
        """The standard layout: content/, templates/, static/, locales/, the site's code
        in explainer/ and _site/ in root."""
        values: dict[str, object] = {
            "content_dir": root / "content", "out_dir": root / "_site",
            "templates_dir": root / "templates", "static_dir": root / "static",
            "locales_dir": root / "locales", "hooks_dir": root / HOOKS_DIR,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def source_folders(self) -> list[Path]:
        """Every folder whose files the output is made from."""
        return [folder for folder in (self.content_dir, self.templates_dir, self.static_dir,
                                      self.locales_dir, self.hooks_dir)
                if folder is not None and folder.is_dir()]


@dataclass
class BuildReport:
    """What a build had to make, stage by stage (an incremental build takes the rest from
    earlier builds): what the tests and the dev server look at."""

    parsed: int = 0
    """Page files read and checked."""
    compiled: int = 0
    """Page bodies compiled."""
    rendered: list[str] = field(default_factory=list)
    """Output files rendered, by path."""
    written: int = 0
    """Files written or removed in the output folder; 0 when nothing changed."""
    model_kept: bool = False
    """The model was the last build's, with changed bodies swapped in (not made anew)."""


@dataclass
class BuildResult:
    pages: dict[str, int]
    warnings: list[Diagnostic]
    seconds: float
    files: int = 0
    report: BuildReport = field(default_factory=BuildReport)
    site: Site | None = field(default=None, repr=False)

    @property
    def written(self) -> int:
        return self.report.written

    def summary(self) -> str:
        counts = ", ".join(f"{count} {lang}" for lang, count in self.pages.items())
        return (f"built {sum(self.pages.values())} pages ({counts}), {self.files} files "
                f"({self.written} changed), {len(self.warnings)} warning(s) "
                f"in {self.seconds:.2f} s")


def build_site(options: BuildOptions, reuse: Reuse | None = None) -> BuildResult:
    """Build the site into options.out_dir; raise ContentError and keep the old site on
    problems. With `reuse`, redo only what changed since the last build into the
    same folder: the result is byte for byte the site a plain build writes."""
    started = time.perf_counter()
    with collector_paused():
        diagnostics = Diagnostics()
        check_output_location(options, diagnostics)
        fail_on_errors(diagnostics, options.strict)
        discard_leftovers(options.out_dir)
        progress = active()
        progress.stage("scan")
        if reuse is not None and (last := reuse.unchanged()) is not None:
            return BuildResult(dict(last.pages), list(last.warnings),
                               time.perf_counter() - started, files=len(last.outputs))
        report = BuildReport()
        hook = load_hook(options.hooks_dir, diagnostics, reserved=ENGINE_COLLECTIONS)
        fail_on_errors(diagnostics, options.strict)
        progress.stage("load")
        content, site, drift = load_and_model(options, diagnostics, reuse, report, hook)
        site.translation_behind = drift.behind if content.config.translation_notice else {}
        progress.stage("render")
        with pagefind_ahead(search_ahead(site.config, reuse)) as pagefind:
            files, facts, renderers = render(site, options, diagnostics, reuse, report, hook)
            pages = {code: len(site.pages_in(code)) for code in site.config.codes}
            report.written = write_and_publish(files, facts, renderers, site.config.base_path,
                                               options, diagnostics, reuse, pages, pagefind)
        return BuildResult(pages, diagnostics.warnings, time.perf_counter() - started,
                           files=len(files), report=report, site=site)


def search_ahead(config: Config, reuse: Reuse | None) -> dict[str, str] | None:
    """A line in each of the site's languages to start Pagefind on before the render
    (search.py: `pagefind_ahead`), when this build indexes every page: there is no
    last build to take the index from."""
    if reuse is not None and reuse.last() is not None:
        return None
    return {language.tag: f"{language.name} {config.title.get(language.code) or ''}"
            for language in config.languages}


def load_and_model(options: BuildOptions, diagnostics: Diagnostics, reuse: Reuse | None,
                   report: BuildReport, hook: Hook) -> tuple[Content, Site, DriftReport]:
    """Stages 1 and 2, and the translations' drift (a page's notice is part of the model).

    A process that builds again takes its last model when only page bodies
    changed, with the new bodies swapped in (incremental/kept.py)."""
    def parse(requests: list[PageRequest]) -> list[LoadedPage]:
        report.parsed += len(requests)
        return map_cheap_in_order(load_page_captured, requests)

    kept = reuse.kept_model(parse, compiler(report, reuse)) if reuse else None
    if kept is not None:
        report.model_kept = True
        diagnostics.items.extend(kept.load_warnings)
        drift = check_translations(options.content_dir, kept.content, diagnostics)
        diagnostics.items.extend(kept.model_warnings)
        fail_on_errors(diagnostics, options.strict)
        return kept.content, kept.site, drift
    start = len(diagnostics.items)
    content = load(options, diagnostics, reuse, parse, hook)
    loaded = len(diagnostics.items)
    drift = check_translations(options.content_dir, content, diagnostics)
    checked = len(diagnostics.items)
    active().stage("model")
    site = model(content, options, diagnostics, reuse, report)
    if reuse is not None:
        reuse.keep_model(content, site, (diagnostics.items[start:loaded],
                                         diagnostics.items[checked:]))
    return content, site, drift


def load(options: BuildOptions, diagnostics: Diagnostics, reuse: Reuse | None,
         parse: PagesLoader, hook: Hook) -> Content:
    """Stage 1: site.yaml, every page and data file, checked."""
    content = load_content(options.content_dir, diagnostics, options.base_url,
                           reuse.memo.pages_loader(parse) if reuse else parse, hook)
    if content is None:
        fail_on_errors(diagnostics, strict=options.strict, force=True)
        raise AssertionError("unreachable")
    return content


def model(content: Content, options: BuildOptions, diagnostics: Diagnostics,
          reuse: Reuse | None, report: BuildReport) -> Site:
    """Stage 2: one site with every language, pages compiled, links checked."""
    anchors = from_templates(reuse, "anchors", partial(template_anchors, options.templates_dir),
                             diagnostics)
    site = build_site_model(content, anchors, diagnostics, compiler(report, reuse))
    fail_on_errors(diagnostics, options.strict)
    return site


def compiler(report: BuildReport, reuse: Reuse | None) -> Compile:
    """Page bodies compiled on every core (those `reuse` has compiled before, from its
    memo), counted in the report."""
    def compile_pages(jobs: list[CompileJob]) -> list[CompiledMarkdown]:
        report.compiled += len(jobs)
        return active().sliced(compile_all)(jobs)

    return reuse.memo.compiler(compile_pages) if reuse else compile_pages


def render(site: Site, options: BuildOptions, diagnostics: Diagnostics, reuse: Reuse | None,
           report: BuildReport, hook: Hook
           ) -> tuple[dict[str, NewFile], Mapping[str, LinkFacts], dict[str, LanguageRenderer]]:
    """Stage 3: every file of the new site (pages rendered, static files), the link
    facts of its pages, and the renderers that made them."""
    static, assets = static_files(options)
    renderers = make_renderers(site, options, diagnostics, reuse, hook, assets)
    fail_on_errors(diagnostics, options.strict)
    plan = reuse.plan(site) if reuse else None
    rendered = render_site(site, renderers, diagnostics, active().mapped(map_in_order),
                           plan.wants if plan else None)
    fail_on_errors(diagnostics, options.strict)
    report.rendered = sorted(rendered)
    if reuse is not None and plan is not None:
        return (*reuse.new_site(plan, rendered, static), renderers)
    files = {path: NewFile("", done.payload) for path, done in rendered.items()}
    files.update((path, NewFile("", payload)) for path, payload in static.items())
    return files, {path: done.links for path, done in rendered.items() if done.links}, renderers


def make_renderers(site: Site, options: BuildOptions, diagnostics: Diagnostics,
                   reuse: Reuse | None, hook: Hook, assets: Assets
                   ) -> dict[str, LanguageRenderer]:
    """A Jinja environment per language, with its catalog, the site's template globals and
    `asset()` for the static files' fingerprinted names."""
    bytecode = reuse.memo.bytecode_cache() if reuse else None
    renderers = {}
    for language in site.config.languages:
        translations, translated = load_translations(options.locales_dir, language.code,
                                                     language.locale, diagnostics,
                                                     language.derive)
        env = make_environment(options.templates_dir, translations, bytecode)
        env.globals["asset"] = asset_global(assets.names)
        renderers[language.code] = LanguageRenderer(
            site, language, env, Formatter(language.locale, translations),
            hook.template_globals, frozenset(translated))
    return renderers


def check_catalogs(renderers: dict[str, LanguageRenderer], options: BuildOptions,
                   diagnostics: Diagnostics, reuse: Reuse | None) -> None:
    """Every UI string the templates, the engine and the site's code mark for translation
    has a translation in each language's catalog (else a warning)."""
    ui_strings = from_templates(reuse, "ui strings", lambda _: extract_ui_strings(
        options.templates_dir, PACKAGE_DIR, options.hooks_dir), diagnostics)
    for code, renderer in renderers.items():
        check_catalog_coverage(ui_strings, code, renderer.translated,
                               catalog_path(options.locales_dir, code), diagnostics)


def from_templates(reuse: Reuse | None, name: str, compute: Callable[[Diagnostics], T],
                   diagnostics: Diagnostics) -> T:
    """What the templates give (their anchors, their UI strings), remembered by `reuse`."""
    if reuse is None:
        return compute(diagnostics)
    return reuse.memo.from_templates(name, compute, diagnostics)


def static_files(options: BuildOptions) -> tuple[dict[str, bytes], Assets]:
    """The theme's static files by output path, each under its own name and under its
    fingerprinted one (render/assets.py), and the names."""
    folder = options.static_dir
    sources = {path.relative_to(folder).as_posix(): path.read_bytes()
               for path in sorted(folder.rglob("*")) if path.is_file()}
    assets = fingerprint({name: digest(data) for name, data in sources.items()},
                         sources.__getitem__)
    files = {STATIC_PREFIX + name: data for name, data in sources.items()}
    files.update((STATIC_PREFIX + fingerprinted, assets.rewritten.get(fingerprinted, sources[name]))
                 for name, fingerprinted in assets.names.items())
    return files, assets


def write_and_publish(files: dict[str, NewFile], facts: Mapping[str, LinkFacts],
                      renderers: dict[str, LanguageRenderer], base_path: str,
                      options: BuildOptions, diagnostics: Diagnostics, reuse: Reuse | None,
                      pages: dict[str, int], pagefind: Pagefind | None) -> int:
    """Stages 4 and 5: start Pagefind on the pages to index; while it works, check every
    link and the catalogs; add its index, then put the new site in place at once
    (a plain build stages it whole beside the output folder; an incremental one
    brings the spare folder up to date). `pagefind`, if started already, makes the
    index. The number of files written or removed."""
    indexing: Indexing | None = None
    try:
        active().stage("check")  # Pagefind started, then links and catalogs checked
        searchable = (reuse.pages_to_index(files) if reuse
                      else [path for path, new in files.items()
                            if new.payload is not None and SEARCHABLE in new.payload])
        if searchable:
            indexing = Indexing.beside(options.out_dir, {path: files[path].payload  # else linked
                                                         or options.out_dir / path
                                                         for path in searchable}, pagefind)
        sources = (reuse.pages_to_check(files, facts) if reuse
                   else [path for path in files if path.endswith(".html")])
        for problem in check_links(sources, facts, files, base_path):
            path, _, message = problem.partition(": ")
            diagnostics.error(options.out_dir / path, 0, 0, message)
        check_catalogs(renderers, options, diagnostics, reuse)
        fail_on_errors(diagnostics, options.strict)
        if indexing is not None:
            active().stage("search index")
            bundle, indexing = indexing.files(), None
            files.update((path, NewFile(digest(payload), payload))
                         for path, payload in bundle.items())
        elif searchable is None and reuse is not None:
            reuse.carry_search(files)  # the published index was made from the same pages
        active().stage("publish")
        if reuse is not None:
            return reuse.publish(files, pages, diagnostics.warnings)
        publish(stage_site(options.out_dir, {path: new.payload or b""
                                             for path, new in files.items()}),
                options.out_dir)
    except SearchIndexError as exc:
        diagnostics.error(options.out_dir, 0, 0, str(exc))
        fail_on_errors(diagnostics, options.strict)
    except OSError as exc:
        raise WriteError(f"cannot write the site beside it: {exc}") from exc
    finally:
        if indexing is not None:  # the build failed before it was taken
            indexing.cancel()
    return len(files)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a build runs.

    A build allocates millions of objects that live to its end (the content, the
    site model), and the collector would scan them again and again as they pile
    up. What a build leaves behind is collected later (the dev server collects
    after the reload; the command line simply exits)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_output_location(options: BuildOptions, diagnostics: Diagnostics) -> None:
    """The content, templates and static folders must exist; the output folder must not be a
    file, nor be, contain or sit inside a source folder."""
    for name, folder in (("content", options.content_dir),
                         ("templates", options.templates_dir), ("static", options.static_dir)):
        if not folder.is_dir():
            diagnostics.error(folder, 0, 0, f"the {name} folder does not exist (or is not "
                                            "a folder)")
    out = options.out_dir.resolve()
    if out.exists() and not out.is_dir():
        diagnostics.error(options.out_dir, 0, 0, "the output folder is a file; choose another "
                                                 "--out (the file is left alone)")
    for name, folder in (("content", options.content_dir), ("templates", options.templates_dir),
                         ("static", options.static_dir), ("locales", options.locales_dir)):
        source = folder.resolve()
        if out == source or source in out.parents or out in source.parents:
            diagnostics.error(options.out_dir, 0, 0, f"the output folder {out} overlaps the "
                                                     f"{name} folder {source}; choose another "
                                                     "--out")


def fail_on_errors(diagnostics: Diagnostics, strict: bool, force: bool = False) -> None:
    if strict:
        diagnostics.promote_warnings()
    if diagnostics.errors or force:
        raise ContentError(diagnostics.errors + diagnostics.warnings)
