"""The engine's own templates: `root.html` (the language chooser at the site's root),
`404.html`, `sitemap.xml` and `robots.txt`, which the engine renders where the theme
has none of that name, and `notices.html`, a part a theme may include (docs/themes.md)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2 import meta

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DEFAULT_PREFIX = "duet"
"""A theme reaches a default by this prefix too (`{% extends "duet/404.html" %}`)."""
RENDERED = frozenset({"root.html", "404.html", "sitemap.xml", "robots.txt"})
"""The defaults the engine renders by themselves; the others serve when a theme names them."""
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")


def default_templates_used(templates_dir: Path) -> list[Path]:
    """The engine's templates a site's pages are made with: those the engine renders
    where the theme has none of its own, and those the theme names (`notices.html`
    where it has none of that name, or any as `duet/<name>`)."""
    defaults = [path for path in sorted(DEFAULT_TEMPLATES.iterdir()) if path.is_file()]
    own = _theme_templates(templates_dir)
    parser = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    named = {name for path in own
             for name in _names_in(parser, path, [d.name for d in defaults])}
    own_names = {path.name for path in own}
    return [path for path in defaults
            if f"{DEFAULT_PREFIX}/{path.name}" in named
            or (path.name not in own_names and (path.name in RENDERED or path.name in named))]


def _theme_templates(templates_dir: Path) -> list[Path]:
    if not templates_dir.is_dir():
        return []
    return sorted(path for path in templates_dir.rglob("*")
                  if path.is_file() and path.suffix in TEMPLATE_SUFFIXES)


def _names_in(parser: jinja2.Environment, path: Path, wanted: list[str]) -> set[str]:
    """The templates `path` extends, includes or imports by a constant name, if any of
    `wanted` is in its text (only then is it parsed); one that does not parse names
    none: the build reports it at its line."""
    try:
        text = path.read_text(encoding="utf-8")
        if not any(name in text for name in wanted):
            return set()
        tree = parser.parse(text)
    except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
        return set()
    return {name for name in meta.find_referenced_templates(tree) if name is not None}
