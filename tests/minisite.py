"""A two-language project (en, fr) with a two-template theme, made in a test's folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

SITE_YAML = """\
base_url: https://example.org/
default_language: en
languages:
  - {code: en, tag: en, locale: en, name: English}
  - {code: fr, tag: fr, locale: fr, name: Français}
title: {en: Test site, fr: Site de test}
description: {en: A test., fr: Un test.}
"""
BASE = """\
<!DOCTYPE html>
<html lang="{{ language.tag }}">
<head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body>
{% block content %}{% endblock %}
<p>{{ page.title }}</p>
</body>
</html>
"""
PAGE = '{% extends "base.html" %}\n{% block content %}{{ body }}{% endblock %}\n'


def project(root: Path, theme: dict[str, str] | None = None) -> Path:
    """A two-language project whose theme is base.html and page.html (and `theme`)."""
    files = {"content/site.yaml": SITE_YAML,
             "content/index.en.md": "---\ntitle: Home\n---\nHello.\n\n## Start {#start}\n",
             "content/index.fr.md": "---\ntitle: Accueil\n---\nBonjour.\n\n## Début {#start}\n",
             "templates/base.html": BASE, "templates/page.html": PAGE, **(theme or {})}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "static").mkdir(exist_ok=True)
    (root / "locales").mkdir(exist_ok=True)
    return root
