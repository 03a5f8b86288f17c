"""The whole build, stage by stage: load → model → render → write → post.

`build_site(options)` is the plain build, and the reference every incremental
test compares with. Given incremental `Steps` (incremental/cache.py), the same
stages take what earlier builds made instead of making it again, and render
only the files whose inputs changed.
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
from duet.drift.history import RecordedHistory
from duet.load.config import Config, hooks_setting, load_config
from duet.load.content import (
    SITE_FILE,
    Content,
    LoadedPage,
    PageRequest,
    load_content,
    load_pages,
)
from duet.load.hooks import Hook, load_hook
from duet.load.schemas import ENGINE_COLLECTIONS
from duet.model.reads import BodyReads, recording_untracked
from duet.model.site import Bodies, Compile, CompileJob, Site, build_site_model
from duet.model.usage import check_usage
from duet.parallel import compile_all, map_in_order
from duet.pdf import pdf_name
from duet.progress import active
from duet.publish.linkcheck import LinkFacts, check_links, link_facts
from duet.publish.search import Indexing, Pagefind, SearchIndexError, pagefind_ahead
from duet.publish.write import (
    NewFile,
    Stamp,
    WriteError,
    discard_leftovers,
    publish,
    stage_site,
)
from duet.render.assets import STATIC_PREFIX, Assets, fingerprint
from duet.render.cards import load_painter
from duet.render.i18n import (
    Formatter,
    UiString,
    catalog_path,
    check_catalog_coverage,
    extract_ui_strings,
    load_translations,
)
from duet.render.opendata import check_open_data
from duet.render.templates import (
    LanguageRenderer,
    asset_global,
    make_environment,
    render_site,
    report_link_problems,
    template_anchors,
)
from duet.steps import PLAIN, BuildReport, KeptModel, Steps

PACKAGE_DIR = Path(__file__).resolve().parent
SEARCHABLE = b"data-pagefind-body"
"""What marks a page for the search index (Pagefind reads the part of a page inside it)."""
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
        """The standard layout: content/, templates/, static/, locales/ and _site/ in root,
        and the site's code in the folder of root that site.yaml names (`hooks:`)."""
        values: dict[str, object] = {
            "content_dir": root / "content", "out_dir": root / "_site",
            "templates_dir": root / "templates", "static_dir": root / "static",
            "locales_dir": root / "locales",
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "hooks_dir" not in values:
            folder = hooks_setting(Path(str(values["content_dir"])) / "site.yaml")
            values["hooks_dir"] = root / folder if folder else None
        return cls(**values)  # type: ignore[arg-type]

    def source_folders(self) -> list[Path]:
        """Every folder whose files the output is made from."""
        return [folder for folder in (self.content_dir, self.templates_dir, self.static_dir,
                                      self.locales_dir, self.hooks_dir)
                if folder is not None and folder.is_dir()]


@dataclass
class BuildResult:
    pages: dict[str, int]
    warnings: list[Diagnostic]
    seconds: float
    files: int = 0
    report: BuildReport = field(default_factory=BuildReport)
    site: Site | None = field(default=None, repr=False)
    model: KeptModel | None = field(default=None, repr=False)
    """The model and the warnings making it gave (what the dev server keeps)."""
    published: dict[str, NewFile] = field(default_factory=dict, repr=False)
    """Every file of the site, by output path (what an incremental build records)."""
    stamps: dict[str, Stamp] = field(default_factory=dict, repr=False)
    """Each published file's stamp (write.py)."""
    everyone: BodyReads = field(default_factory=dict, repr=False)
    """The body reads that count for every output (model/reads.py)."""
    history: dict[str, tuple[str, str | None, bool]] = field(default_factory=dict, repr=False)
    """What the drift check learnt of files' last changes (drift/history.py)."""
    drift: DriftReport | None = field(default=None, repr=False)
    """The translations as this build checked them (what the dev server's dashboard
    shows)."""

    @property
    def written(self) -> int:
        return self.report.written

    def summary(self) -> str:
        counts = ", ".join(f"{count} {lang}" for lang, count in self.pages.items())
        return (f"built {sum(self.pages.values())} pages ({counts}), {self.files} files "
                f"({self.written} changed), {len(self.warnings)} warning(s) "
                f"in {self.seconds:.2f} s")


def build_site(options: BuildOptions, steps: Steps = PLAIN) -> BuildResult:
    """Build the site into options.out_dir; raise ContentError and keep the old site on
    problems. With incremental `steps`, take from earlier builds what they made: the
    result is byte for byte the site the plain build writes."""
    started = time.perf_counter()
    with collector_paused(), recording_untracked() as untracked:
        diagnostics = Diagnostics()
        check_output_location(options, diagnostics)
        fail_on_errors(diagnostics, options.strict)
        discard_leftovers(options.out_dir)
        progress = active()
        report = BuildReport()
        hook = load_hook(options.hooks_dir, diagnostics, reserved=ENGINE_COLLECTIONS)
        fail_on_errors(diagnostics, options.strict)
        progress.stage("load")
        history = RecordedHistory()
        config = site_config(options, diagnostics) if steps is PLAIN else None
        with pagefind_ahead(search_ahead(config)) as pagefind:
            made, drift = load_and_model(options, diagnostics, steps, report, hook, history,
                                         config)
            site = made.site
            progress.stage("render")
            files, facts, renderers = render(site, options, diagnostics, steps, report, hook)
            with search_index(files, options, diagnostics, steps, pagefind) as index:
                check_site(files, facts, renderers, site.config.base_path, options,
                           diagnostics, steps)
                files.update(index())
            progress.stage("publish")
            stamps = publish_site(options.out_dir, files, steps)
        everyone = dict(untracked.everyone)
        for done in files.values():
            everyone.update(done.everyone)
        report.written = len(files)
        return BuildResult({code: len(site.pages_in(code)) for code in site.config.codes},
                           diagnostics.warnings, time.perf_counter() - started,
                           files=len(files), report=report, site=site, model=made,
                           published=files, stamps=stamps, everyone=everyone,
                           history=history.answers, drift=drift)


def site_config(options: BuildOptions, diagnostics: Diagnostics) -> Config:
    """site.yaml, loaded before the pages (for `search_ahead`), checked."""
    config = load_config(options.content_dir / SITE_FILE, diagnostics, options.base_url)
    if config is None:
        fail_on_errors(diagnostics, strict=options.strict, force=True)
        raise AssertionError("unreachable")
    return config


def search_ahead(config: Config | None) -> dict[str, str] | None:
    """A line in each of the site's languages to start Pagefind on before the pages are
    loaded (search.py: `pagefind_ahead`), when this build indexes every page (a plain
    build, which loads `config` first): what Pagefind loads for each language (0.2 s
    for Chinese) loads on another core while this one loads the pages."""
    if config is None:
        return None
    return {language.tag: f"{language.name} {config.title.get(language.code) or ''}"
            for language in config.languages}


def load_and_model(options: BuildOptions, diagnostics: Diagnostics, steps: Steps,
                   report: BuildReport, hook: Hook, history: RecordedHistory,
                   config: Config | None = None) -> tuple[KeptModel, DriftReport]:
    """Stages 1 and 2, the translations' drift (a page's notice is part of the model) and
    the terms' renderings, checked on the content every build; the steps may give the
    last build's model instead of making it anew. `config`: site.yaml, if loaded first."""
    compile_pages = compiler(steps, report)
    kept = steps.kept_model(compile_pages, report)
    if kept is None:
        start = len(diagnostics.items)
        content = load(options, diagnostics, steps, report, hook, config)
        loaded = diagnostics.items[start:]
    else:
        report.model_kept = True
        content = kept.content
        diagnostics.items.extend(kept.load_warnings)
    drift = check_translations(options.content_dir, content, diagnostics, history)
    check_usage(content, diagnostics)
    active().stage("model")
    if kept is None:
        start = len(diagnostics.items)
        site = model(content, options, diagnostics, steps, compile_pages)
        kept = KeptModel(content, site, loaded, diagnostics.items[start:])
    else:
        diagnostics.items.extend(kept.model_warnings)
        fail_on_errors(diagnostics, options.strict)
    notice = content.config.translation_notice
    kept.site.translation_behind = drift.behind if notice else {}
    kept.site.translation_drafts = drift.drafts if notice else {}
    kept.site.drafted_texts = frozenset(drift.drafted_texts if notice else ())
    return kept, drift


def load(options: BuildOptions, diagnostics: Diagnostics, steps: Steps, report: BuildReport,
         hook: Hook, config: Config | None = None) -> Content:
    """Stage 1: site.yaml (unless given), every page and data file, checked. In this
    process: a pool's workers would send each page back whole, which costs as much as
    loading it."""
    def parse(requests: list[PageRequest]) -> list[LoadedPage]:
        report.parsed += len(requests)
        return load_pages(requests)

    content = load_content(options.content_dir, diagnostics, options.base_url,
                           steps.load_pages(parse), hook, config)
    if content is None:
        fail_on_errors(diagnostics, strict=options.strict, force=True)
        raise AssertionError("unreachable")
    return content


def compiler(steps: Steps, report: BuildReport) -> Compile:
    """Page bodies compiled on every core (or taken from the steps), counted."""
    def compile_pages(jobs: list[CompileJob]) -> Bodies:
        report.compiled += len(jobs)
        return Bodies.of(active().sliced(compile_all)(jobs))

    return steps.compile(compile_pages)


def model(content: Content, options: BuildOptions, diagnostics: Diagnostics, steps: Steps,
          compile_pages: Compile) -> Site:
    """Stage 2: one site with every language, pages compiled, links checked."""
    anchors = steps.from_templates("anchors", partial(template_anchors, options.templates_dir),
                                   diagnostics)
    site = build_site_model(content, anchors, diagnostics, compile_pages)
    fail_on_errors(diagnostics, options.strict)
    return site


def render(site: Site, options: BuildOptions, diagnostics: Diagnostics, steps: Steps,
           report: BuildReport, hook: Hook
           ) -> tuple[dict[str, NewFile], Mapping[str, LinkFacts], dict[str, LanguageRenderer]]:
    """Stage 3: every file of the new site (pages rendered or kept, static files), the
    link facts of its pages, and the renderers that made them."""
    static, assets = static_files(options)
    check_open_data(site, diagnostics)
    renderers = make_renderers(site, options, diagnostics, steps, hook, assets)
    fail_on_errors(diagnostics, options.strict)
    rendered = render_site(site, renderers, diagnostics, active().mapped(map_in_order),
                           steps.wanted(site))
    fail_on_errors(diagnostics, options.strict)
    report.rendered = sorted(rendered)
    files = steps.kept(rendered)
    files.update((path, NewFile(done.digest, done.payload, done.reads.own, done.reads.everyone,
                                SEARCHABLE in done.payload, done.links))
                 for path, done in rendered.items())
    # a static HTML page's links are checked like a rendered one's
    files.update((path, NewFile(digest(payload), payload, links=link_facts(payload)
                                if path.endswith(".html") else None))
                 for path, payload in static.items())
    files = dict(sorted(files.items()))
    return files, PageFacts(files, steps), renderers


def make_renderers(site: Site, options: BuildOptions, diagnostics: Diagnostics, steps: Steps,
                   hook: Hook, assets: Assets) -> dict[str, LanguageRenderer]:
    """A Jinja environment per language, with its catalog, the site's template globals and
    `asset()` for the static files' fingerprinted names."""
    bytecode = steps.bytecode()
    renderers = {}
    for language in site.config.languages:
        translations, translated = load_translations(options.locales_dir, language.code,
                                                     language.locale, diagnostics,
                                                     language.derive,
                                                     theme_language=site.config.theme_language)
        env = make_environment(options.templates_dir, translations, bytecode)
        env.globals["asset"] = asset_global(assets.names)
        env.globals["print_pdf"] = pdf_url(site.config, language.code, assets)
        renderers[language.code] = LanguageRenderer(
            site, language, env, Formatter(language.locale, translations),
            hook.template_globals, frozenset(translated),
            load_painter(options.templates_dir, language.code, diagnostics))
    return renderers


def pdf_url(config: Config, code: str, assets: Assets) -> str | None:
    """Where the language's PDF (`duet pdf`, pdf.py) is published, if it has been made."""
    name = pdf_name(code)
    return f"{config.base_path}{STATIC_PREFIX}{name}" if name in assets.names else None


class PageFacts(Mapping[str, LinkFacts]):
    """The link facts of every page of the new site: a rendered page's, as it was
    rendered; a kept one's, from the steps when they did not give them with the file."""

    def __init__(self, files: Mapping[str, NewFile], steps: Steps) -> None:
        self.files = files
        self.steps = steps
        self.found: dict[str, LinkFacts] = {}

    def __getitem__(self, path: str) -> LinkFacts:
        new = self.files[path]
        if new.links is not None:
            return new.links
        if path not in self.found:
            self.found[path] = self.steps.link_facts(path, new)
        return self.found[path]

    def __iter__(self) -> Iterator[str]:
        return (path for path in self.files if path.endswith(".html"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def check_site(files: Mapping[str, NewFile], facts: Mapping[str, LinkFacts],
               renderers: dict[str, LanguageRenderer], base_path: str, options: BuildOptions,
               diagnostics: Diagnostics, steps: Steps) -> None:
    """Stage 5, while Pagefind works: every link of every page (or of those the steps
    name), and the catalogs."""
    active().stage("check")
    sources = steps.pages_to_check(files, facts)
    problems = [problem.partition(": ")[::2] for problem in check_links(
        list(facts) if sources is None else sources, facts, files, base_path)]
    if problems:
        report_link_problems(problems, next(iter(renderers.values())).site, renderers,
                             options.static_dir, diagnostics)
    ui_strings = [UiString(*found) for found in steps.from_templates(
        "ui strings", lambda _: [(s.msgid, s.path, s.line) for s in extract_ui_strings(
            options.templates_dir, PACKAGE_DIR, options.hooks_dir)], diagnostics)]
    for code, renderer in renderers.items():
        check_catalog_coverage(ui_strings, code, renderer.translated,
                               catalog_path(options.locales_dir, code), diagnostics,
                               theme_language=renderer.site.config.theme_language)
    fail_on_errors(diagnostics, options.strict)


@contextlib.contextmanager
def search_index(files: Mapping[str, NewFile], options: BuildOptions, diagnostics: Diagnostics,
                 steps: Steps, pagefind: Pagefind | None
                 ) -> Iterator[Callable[[], dict[str, NewFile]]]:
    """Stage 5: Pagefind started on the searchable pages, to work while the block checks
    the site; the block calls what this yields for the index's files (or the published
    ones, when made from the same pages). Pagefind is stopped however the block ends."""
    published = steps.search_index(files)
    searchable = {path: new.payload or options.out_dir / path
                  for path, new in files.items() if new.searchable}
    indexing: Indexing | None = None
    try:
        if published is None and searchable:
            indexing = Indexing.beside(options.out_dir, searchable, pagefind)
    except OSError as exc:
        raise WriteError(f"cannot index the site beside it: {exc}") from exc
    except SearchIndexError as exc:
        diagnostics.error(options.out_dir, 0, 0, str(exc))
        fail_on_errors(diagnostics, options.strict)

    def index() -> dict[str, NewFile]:
        nonlocal indexing
        if indexing is None:
            return published or {}
        active().stage("search index")
        try:
            bundle, indexing = indexing.files(), None
        except SearchIndexError as exc:
            indexing = None
            diagnostics.error(options.out_dir, 0, 0, str(exc))
            fail_on_errors(diagnostics, options.strict)
            raise AssertionError("unreachable") from exc
        return {path: NewFile(digest(payload), payload) for path, payload in bundle.items()}

    try:
        yield index
    finally:
        if indexing is not None:  # the build failed before the index was taken
            indexing.cancel()


def publish_site(out_dir: Path, files: Mapping[str, NewFile], steps: Steps
                 ) -> dict[str, Stamp]:
    """Stage 4: put the new site in place at once (staged whole beside the output folder,
    then swapped in, unless the steps do it their way). Each file's stamp as published."""
    try:
        stamps = steps.publish(files)
        if stamps is not None:
            return stamps
        staging, stamps = stage_site(out_dir, files)
    except OSError as exc:
        raise WriteError(f"cannot write the site beside it: {exc}") from exc
    publish(staging, out_dir)
    return stamps


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
