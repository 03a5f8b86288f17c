"""The engine's own templates: `root.html` (the language chooser at the site's root),
`404.html`, `sitemap.xml` and `robots.txt`, used where the theme has none of that
name (docs/themes.md)."""

from __future__ import annotations

from pathlib import Path

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DEFAULT_PREFIX = "duet"
"""A theme reaches a default by this prefix too (`{% extends "duet/404.html" %}`)."""


def default_templates_used(templates_dir: Path) -> list[Path]:
    """The engine's templates a theme has no template of its own for."""
    return [path for path in sorted(DEFAULT_TEMPLATES.iterdir())
            if path.is_file() and not (templates_dir / path.name).exists()]
