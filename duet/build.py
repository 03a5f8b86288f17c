"""The whole build, stage by stage: load → model → render → write → post."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Snapshot
from .diagnostics import ContentError, Diagnostic, Diagnostics
from .i18n import Formatter, catalog_path, check_catalog_coverage
from .incremental import BuildState, Update
from .load import load_content
from .model import Site, compile_serially
from .parallel import compile_all, map_in_order
from .progress import active
from .render import LanguageRenderer, map_serially, render_site
from .search import SearchIndexError

PACKAGE_DIR = Path(__file__).resolve().parent


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

    @classmethod
    def for_project(cls, root: Path, **overrides: object) -> BuildOptions:
        """The standard layout: content/, templates/, static/, locales/ and _site/ in root."""
        values: dict[str, object] = {
            "content_dir": root / "content", "out_dir": root / "_site",
            "templates_dir": root / "templates", "static_dir": root / "static",
            "locales_dir": root / "locales",
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


@dataclass
class BuildResult:
    pages: dict[str, int]
    warnings: list[Diagnostic]
    seconds: float
    files: int = 0
    site: Site | None = field(default=None, repr=False)
    state: BuildState | None = field(default=None, repr=False)
    """What the next build into the same folder can reuse (the cache, in memory)."""
    written: int = 0
    """Files written or removed in the output folder; 0 when nothing changed."""

    def summary(self) -> str:
        counts = ", ".join(f"{count} {lang}" for lang, count in self.pages.items())
        return (f"built {sum(self.pages.values())} pages ({counts}), {self.files} files "
                f"({self.written} changed), {len(self.warnings)} warning(s) "
                f"in {self.seconds:.2f} s")


def build_site(options: BuildOptions, state: BuildState | None = None) -> BuildResult:
    """Build the site into options.out_dir; raise ContentError and keep the old site on problems.

    Only what changed since the last build into the same folder is done again
    (`state`, or the cache in options.cache_dir; see incremental.py): the
    result is byte for byte the site a build from nothing writes."""
    with collector_paused():
        return _build(options, state)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a build runs.

    A build allocates millions of objects that live to its end (the content, the
    site model, the cache it reads), and the collector would scan them again and
    again as they pile up: a quarter of a cold build at 10,000 pages per
    language, a third of a one-page rebuild in the dev server. What a build
    leaves behind is collected later (the dev server collects after the reload;
    the command line simply exits)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(options: BuildOptions, state: BuildState | None) -> BuildResult:
    started = time.perf_counter()
    diagnostics = Diagnostics()
    check_output_location(options, diagnostics)
    fail_on_errors(diagnostics, options.strict)
    active().stage("scan")
    state = state or BuildState.open(options)
    inputs = state.scan_inputs()
    if state.up_to_date(inputs, options.strict):
        pages, warnings, files = state.last_result()
        return BuildResult(pages, warnings, time.perf_counter() - started, files=files,
                           written=0)
    state.prestage()  # leftovers removed; on a large site, the published files linked
    try:
        return _rebuild(options, state, inputs, diagnostics, started)
    finally:
        state.settle()


def _rebuild(options: BuildOptions, state: BuildState, inputs: Snapshot,
             diagnostics: Diagnostics, started: float) -> BuildResult:
    """Everything after the scan found a change: load, model, render, write, post."""
    progress = active()
    progress.stage("load")
    content = load_content(options.content_dir, diagnostics, options.base_url,
                           state.pages_loader(inputs), state.collection_loader(inputs))
    anchors = state.template_anchors(inputs, diagnostics)
    if content is None:
        fail_on_errors(diagnostics, strict=options.strict, force=True)
        raise AssertionError("unreachable")
    config = content.config
    ui_strings = state.ui_strings(inputs)
    renderers_input = {}
    for language in config.languages:
        translations, translated = state.translations(inputs, language, diagnostics)
        check_catalog_coverage(ui_strings, language.code, translated,
                               catalog_path(options.locales_dir, language.code), diagnostics)
        renderers_input[language.code] = (language, translations)

    progress.stage("model")
    site = state.site_model(content, anchors, inputs, diagnostics, progress.sliced(
        compile_all if state.parallel else compile_serially))
    fail_on_errors(diagnostics, options.strict)

    renderers = {
        code: LanguageRenderer(site, language, state.environment(inputs, code, translations),
                               Formatter(language.locale, translations))
        for code, (language, translations) in renderers_input.items()
    }
    plan = state.plan(site, inputs)
    progress.stage("render", len(plan.render))
    files = render_site(site, renderers, diagnostics,
                        progress.mapped(map_in_order if state.parallel else map_serially),
                        plan.needs_render, state.describer())
    fail_on_errors(diagnostics, options.strict)

    progress.stage("write")
    update = state.stage(plan, files)
    state.store_memo_early(update)  # written on another core while the site is staged
    _write_and_publish(update, options, config.base_path, diagnostics)
    pages = {code: len(site.pages_in(code)) for code in config.codes}
    state.remember(update, inputs, pages, diagnostics.warnings)
    return BuildResult(pages, diagnostics.warnings, time.perf_counter() - started,
                       files=len(update.records), site=site, state=state,
                       written=len(update.written) + len(update.removed) + update.indexed)


def _write_and_publish(update: Update, options: BuildOptions, base_path: str,
                       diagnostics: Diagnostics) -> None:
    """Stage the new site, check its links, add the search index and swap it in; on a
    problem, discard what was staged and raise ContentError (the old site stays)."""
    try:
        update.start_search()
    except SearchIndexError as exc:
        diagnostics.error(options.out_dir, 0, 0, str(exc))
        fail_on_errors(diagnostics, options.strict)
    update.write_staging()
    active().stage("check links")
    problems = update.check_links(base_path)
    if problems:
        update.discard()
        for problem in problems:
            path, _, message = problem.partition(": ")
            diagnostics.error(options.out_dir / path, 0, 0, message)
        fail_on_errors(diagnostics, options.strict)
    active().stage("search index")
    try:
        update.index_search()
    except SearchIndexError as exc:
        update.discard()
        diagnostics.error(options.out_dir, 0, 0, str(exc))
        fail_on_errors(diagnostics, options.strict)
    active().stage("publish")
    update.publish()


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
