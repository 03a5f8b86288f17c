"""The site's hooks (duet/load/hooks.py): no folder, a broken one, one that adds a
collection and a template global; and the engine building a site without any."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from duet.build import BuildOptions, build_site
from duet.diagnostics import Diagnostics
from duet.load.hooks import MODULE, NO_HOOK, hook_files, load_hook
from duet.load.schemas import ENGINE_COLLECTIONS

SITE_YAML = """\
base_url: https://example.org/
default_language: aa
languages:
  - {code: aa, tag: aa, locale: en, name: First}
  - {code: bb, tag: bb, locale: en, name: Second}
title: {aa: Site A, bb: Site B}
description: {aa: A site., bb: B site.}
menu: [index]
sources:
  - title: {aa: Source, bb: Source}
    outlet: {aa: Paper, bb: Paper}
    date: 2025-01-10
"""

THEME = {
    "page.html": "<!DOCTYPE html><html lang=\"{{ language.tag }}\"><title>{{ page.title }}"
                 "</title><body>{{ body }}{% block extra %}{% endblock %}</body></html>\n",
    "glossary.html": "<!DOCTYPE html><html lang=\"{{ language.tag }}\"><title>{{ page.title }}"
                     "</title><dl>{% for term in data %}<dt id=\"{{ term.id }}\">"
                     "{% for other in languages %}{{ term[other.code] }};{% endfor %}</dt>"
                     "<dd>{{ term.explanation }}</dd>{% endfor %}</dl></html>\n",
    "root.html": "<!DOCTYPE html><html lang=\"en\"><title>root</title></html>\n",
    "404.html": "<!DOCTYPE html><html lang=\"{{ language.tag }}\"><title>404</title></html>\n",
    "sitemap.xml": "<urlset></urlset>\n",
    "robots.txt": "User-agent: *\n",
}
GLOSSARY_PAGE = "---\ntitle: Words\ntemplate: glossary.html\ndata: glossary\n---\n"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def small_site(tmp_path: Path, theme: dict[str, str] | None = None,
               data: dict[str, str] | None = None) -> BuildOptions:
    """Two languages, one page each, a glossary, a theme that needs no site code."""
    content = {"site.yaml": SITE_YAML,
               "index.aa.md": "---\ntitle: Home A\n---\nSee the [word](term:word).\n",
               "index.bb.md": "---\ntitle: Home B\n---\nSee the [word](term:word).\n",
               "glossary.aa.md": GLOSSARY_PAGE, "glossary.bb.md": GLOSSARY_PAGE,
               "data/glossary.yaml": """\
                   - id: word
                     aa: "word A"
                     bb: "word B"
                     explanation: {aa: "A word.", bb: "B word."}
                   """}
    content.update({f"data/{name}.yaml": text for name, text in (data or {}).items()})
    write_tree(tmp_path / "content", content)
    write_tree(tmp_path / "templates", {**THEME, **(theme or {})})
    (tmp_path / "static").mkdir()
    return BuildOptions(tmp_path / "content", tmp_path / "_site", tmp_path / "templates",
                        tmp_path / "static", tmp_path / "locales",
                        hooks_dir=tmp_path / "hooks")


def test_no_folder_means_no_hooks(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    assert load_hook(tmp_path / "absent", diagnostics) is NO_HOOK
    assert load_hook(None, diagnostics) is NO_HOOK
    assert not diagnostics.items
    assert hook_files(tmp_path / "absent") == []


def test_the_engine_builds_a_site_without_hooks(tmp_path: Path) -> None:
    options = small_site(tmp_path)
    result = build_site(options)
    assert result.pages == {"aa": 2, "bb": 2}
    html = (tmp_path / "_site" / "bb" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="bb">' in html and 'href="/bb/glossary/#word"' in html
    glossary = (tmp_path / "_site" / "bb" / "glossary" / "index.html").read_text()
    assert '<dt id="word">word A;word B;</dt><dd>B word.</dd>' in glossary


def test_without_hooks_a_site_collection_has_no_schema(tmp_path: Path) -> None:
    options = small_site(tmp_path, data={"books": "- id: one\n"})
    with pytest.raises(Exception) as raised:
        build_site(options)
    messages = [d.message for d in raised.value.diagnostics]  # type: ignore[attr-defined]
    assert any("no schema for a collection named 'books' (known collections: glossary, usage)"
               in message for message in messages)


HOOK_INIT = """\
from duet.load.schema import Field, Ident, ListOf, Localized, RecordOf

from .helpers import shout

COLLECTIONS = {
    "books": ListOf(RecordOf({"id": Field(Ident()), "title": Field(Localized())})),
}


def template_globals(site, language, formatter):
    books = site.data[language.code]["books"]
    return {"shout": shout, "book_titles": [str(book["title"]) for book in books]}
"""


def test_a_hook_adds_a_collection_and_a_global(tmp_path: Path) -> None:
    options = small_site(
        tmp_path,
        theme={"page.html": "<!DOCTYPE html><html lang=\"{{ language.tag }}\"><title>x"
                            "</title><p>{{ shout(page.title) }}: "
                            "{{ book_titles|join(', ') }}</p></html>\n"},
        data={"books": "- id: one\n  title: {aa: Book A, bb: Book B}\n"})
    write_tree(tmp_path / "hooks", {"__init__.py": HOOK_INIT,
                                    "helpers.py": "def shout(text):\n    return text.upper()\n"})
    build_site(options)
    assert "<p>HOME B: Book B</p>" in (tmp_path / "_site/bb/index.html").read_text()
    assert "<p>HOME A: Book A</p>" in (tmp_path / "_site/aa/index.html").read_text()
    assert [p.name for p in hook_files(tmp_path / "hooks")] == ["__init__.py", "helpers.py"]

    (tmp_path / "hooks" / "helpers.py").write_text("def shout(text):\n    return text + '!'\n")
    build_site(options)  # the changed hook is loaded again
    assert "<p>Home B!: Book B</p>" in (tmp_path / "_site/bb/index.html").read_text()


def test_hook_files_leave_compiled_files_out(tmp_path: Path) -> None:
    write_tree(tmp_path, {"__init__.py": "", "sub/part.py": "", "__pycache__/x.py": "",
                          "notes.txt": ""})
    assert [p.relative_to(tmp_path).as_posix() for p in hook_files(tmp_path)] == [
        "__init__.py", "sub/part.py"]


@pytest.mark.parametrize(("files", "expected"), [
    ({"__init__.py": "COLLECTIONS = {}\ndef template_globals(:\n"},
     "__init__.py:2:22: cannot load the site's hooks: invalid syntax"),
    ({"__init__.py": "from .part import X\n", "part.py": "import math\n\nX = 1 / 0\n"},
     "part.py:3:1: cannot load the site's hooks: ZeroDivisionError: division by zero"),
    ({"__init__.py": "COLLECTIONS = {'books': 'not a schema'}\n"
                     "def template_globals(site, language, formatter):\n    return {}\n"},
     "__init__.py:1:1: the hooks must define COLLECTIONS, a dict from collection name "
     "to schema (duet.schema.Check)"),
    ({"__init__.py": "COLLECTIONS = {}\n"},
     "__init__.py:1:1: the hooks must define template_globals(site, language, formatter)"),
    ({"__init__.py": "from duet.load.schemas import engine_collections\n"
                     "COLLECTIONS = engine_collections(('en',))\ntemplate_globals = dict\n"},
     "__init__.py:2:1: the collection 'glossary' is the engine's own"),
    ({"__init__.py": "COLLECTIONS = {}\ntemplate_globals = dict\nGLOSSARY_FIELDS = {'x': 1}\n"},
     "__init__.py:3:1: GLOSSARY_FIELDS must be a dict from field name to duet.schema.Field"),
    ({"part.py": "X = 1\n"},
     "hooks:1:1: the hooks folder needs an __init__.py"),
])
def test_a_broken_hook_is_a_diagnostic(tmp_path: Path, files: dict[str, str],
                                       expected: str) -> None:
    write_tree(tmp_path / "hooks", files)
    diagnostics = Diagnostics()
    assert load_hook(tmp_path / "hooks", diagnostics, ENGINE_COLLECTIONS) is NO_HOOK
    assert any(expected in str(d) for d in diagnostics.items), \
        [str(d) for d in diagnostics.items]


def test_a_broken_hook_stops_the_command_line_without_a_traceback(tmp_path: Path) -> None:
    write_tree(tmp_path / "hooks", {"__init__.py": "COLLECTIONS = {}\n\nraise KeyError('x')\n"})
    out = tmp_path / "_site"
    result = run_cli("--hooks", str(tmp_path / "hooks"), "--out", str(out), "--clean")
    assert result.returncode == 1
    assert "__init__.py:3:1: cannot load the site's hooks: KeyError: 'x'" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_the_project_hook_is_the_explainer() -> None:
    diagnostics = Diagnostics()
    hook = load_hook(ROOT / "explainer", diagnostics)
    assert not diagnostics.items
    assert {"figures", "highlands", "places"} <= set(hook.collections)
    assert "glossary" not in hook.collections
    assert hook.template_globals.__module__.split(".")[0] == MODULE
