"""The whole build, stage by stage: load → model → render → write → post."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import ContentError, Diagnostic, Diagnostics
from .i18n import (
    Formatter,
    catalog_path,
    check_catalog_coverage,
    extract_ui_strings,
    load_translations,
)
from .linkcheck import check_links
from .load import load_content
from .model import Site, build_site_model
from .parallel import compile_all, map_in_order
from .render import LanguageRenderer, make_environment, render_site, template_anchors
from .search import SearchIndexError, index_site
from .write import discard, discard_leftovers, publish, stage_output

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

    def summary(self) -> str:
        counts = ", ".join(f"{count} {lang}" for lang, count in self.pages.items())
        return (f"built {sum(self.pages.values())} pages ({counts}), {self.files} files, "
                f"{len(self.warnings)} warning(s) in {self.seconds:.2f} s")


def build_site(options: BuildOptions) -> BuildResult:
    """Build the site into options.out_dir; raise ContentError and keep the old site on problems."""
    started = time.perf_counter()
    diagnostics = Diagnostics()
    check_output_location(options, diagnostics)
    fail_on_errors(diagnostics, options.strict)

    content = load_content(options.content_dir, diagnostics, options.base_url)
    anchors = template_anchors(options.templates_dir, diagnostics)
    if content is None:
        fail_on_errors(diagnostics, strict=options.strict, force=True)
        raise AssertionError("unreachable")
    config = content.config
    ui_strings = extract_ui_strings(options.templates_dir, PACKAGE_DIR)
    renderers_input = {}
    for language in config.languages:
        translations, translated = load_translations(
            options.locales_dir, language.code, language.locale, diagnostics)
        check_catalog_coverage(ui_strings, language.code, translated,
                               catalog_path(options.locales_dir, language.code), diagnostics)
        renderers_input[language.code] = (language, translations)

    site = build_site_model(content, anchors, diagnostics, compile_all)
    fail_on_errors(diagnostics, options.strict)

    renderers = {
        code: LanguageRenderer(site, language,
                               make_environment(options.templates_dir, translations),
                               Formatter(language.locale, translations))
        for code, (language, translations) in renderers_input.items()
    }
    files = render_site(site, renderers, diagnostics, map_in_order)
    fail_on_errors(diagnostics, options.strict)

    discard_leftovers(options.out_dir)
    staging = stage_output(options.out_dir, files, options.static_dir)
    problems = check_links(staging, config.base_path)
    if problems:
        discard(staging)
        for problem in problems:
            path, _, message = problem.partition(": ")
            diagnostics.error(options.out_dir / path, 0, 0, message)
        fail_on_errors(diagnostics, options.strict)
    try:
        index_site(staging)
    except SearchIndexError as exc:
        discard(staging)
        diagnostics.error(options.out_dir, 0, 0, str(exc))
        fail_on_errors(diagnostics, options.strict)
    publish(staging, options.out_dir)

    pages = {code: len(site.pages_in(code)) for code in config.codes}
    return BuildResult(pages, diagnostics.warnings, time.perf_counter() - started,
                       files=len(files), site=site)


def check_output_location(options: BuildOptions, diagnostics: Diagnostics) -> None:
    """The output folder must not be, contain or sit inside a source folder."""
    out = options.out_dir.resolve()
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
