"""Edit sequences searched by Hypothesis: after each edit, an incremental build writes
exactly the site a plain build writes, with the same warnings (or fails with the same
problems and keeps the previous site). The plain build (`build_site(options)`, no
cache) is the oracle: it runs none of the incremental code.

Two incremental builders follow every sequence: the command line's (a new cache each
build, reading the store back) and the dev server's (one cache kept in memory, the
search index left for later). The sequences run over the mini fixture and the real
explainer, with the project's theme and with an awkward one that reaches other pages'
bodies every way a theme can: aliases, macros, filters, subscripts, a template module
Jinja keeps (imported without context) and one it does not, the site's own code at
set-up and in a filter that keeps what it read. Edits include files changed by hand in
the output folders, a language added and removed, texts marked as machine drafts and
reviewed, and git commits between builds.

Every sequence that once failed is kept in REGRESSIONS and replayed as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, ROOT, snapshot
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from duet.build import BuildOptions, BuildResult, build_site
from duet.diagnostics import ContentError
from duet.drift.command import Mark, View, translations_command
from duet.drift.record import DRAFT, REVIEWED
from duet.incremental.cache import Cache, build_with_cache
from duet.incremental.store import Store

pytestmark = pytest.mark.slow  # edit sequences, three builds after each edit

AWKWARD = Path(__file__).parent.parent / "fixtures" / "awkward"
WORDS = ("plan", "valley", "optics", "lab", "region", "science", "光谷", "创新", "湖北", "实验室")
SITE_CODE = '''

_first_words: dict[tuple[str, str], str] = {}


def _remembered_words(page):
    """A filter that keeps what it read for the rest of the build."""
    key = (page.lang, page.key)
    if key not in _first_words:
        _first_words[key] = f"{len(page.body)} {str(page.body)[-40:]}"
    return _first_words[key]


_engine_globals = template_globals


def template_globals(site, language, formatter):
    found = _engine_globals(site, language, formatter)
    _first_words.clear()
    glossary = site.page(language.code, "glossary")
    found["glossary_size"] = len(glossary.body) if glossary is not None else 0  # at set-up
    found["first_words"] = _remembered_words
    return found
'''
GIT = {"GIT_AUTHOR_NAME": "editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
       "GIT_COMMITTER_NAME": "editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}
DERIVED = ("  - {code: zh-hant, tag: zh-Hant, locale: zh_Hant_TW, name: 繁體中文,\n"
           "     derive: {from: zh, convert: s2twp}}\n")


class Project:
    """A writable copy of a site (content, theme, catalogs, the site's code) under git.
    Each edit takes its choices as numbers, so that a sequence can be replayed."""

    def __init__(self, root: Path, source: Path, awkward: bool) -> None:
        self.root = root
        self.content = root / "content"
        self.templates = root / "templates"
        self.static = root / "static"
        self.locales = root / "locales"
        self.code = root / "sitecode"
        shutil.copytree(source, self.content)
        shutil.copytree(ROOT / "templates", self.templates)
        shutil.copytree(ROOT / "static", self.static)
        shutil.copytree(ROOT / "locales", self.locales, ignore=shutil.ignore_patterns("*.mo"))
        shutil.copytree(ROOT / "explainer", self.code,
                        ignore=shutil.ignore_patterns("__pycache__"))
        with (self.code / "__init__.py").open("a", encoding="utf-8") as handle:
            handle.write(SITE_CODE)
        if awkward:
            for name in ("_awkward.html", "_kept.html", "_lib.html"):
                shutil.copy(AWKWARD / name, self.templates / name)
            self.replace(self.templates / "base.html", "</body>",
                         '{% include "_awkward.html" %}\n</body>')
        self.added_pages: list[str] = []
        self.counter = 0
        self.broken: Path | None = None
        self.git("init", "-q")
        self.commit()

    def options(self, out: str, cache: bool) -> BuildOptions:
        return BuildOptions(self.content, self.root / out, self.templates, self.static,
                            self.locales, cache_dir=self.root / "cache" if cache else None,
                            hooks_dir=self.code)

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True,
                       env={**os.environ, **GIT})

    def next_id(self) -> int:
        self.counter += 1
        return self.counter

    def words(self, seed: int, count: int) -> str:
        return " ".join(WORDS[(seed + step * 7) % len(WORDS)] for step in range(count))

    def pages(self) -> list[Path]:
        return sorted(self.content.rglob("*.md"))

    def replace(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    # -- the edits ----------------------------------------------------------

    def edit_body(self, pick: int, variant: int) -> None:
        path = self.pages()[pick % len(self.pages())]
        extra = [f"\n{self.words(pick, 6)}\n",
                 f"\nSee [the valley](term:optics-valley) and {self.words(variant, 3)}.\n",
                 f"\n## Part {self.next_id()} {{#part-{self.counter}}}\n\n{self.words(pick, 4)}\n",
                 "\nBack to [home](@/index) and [about](@/about#source).\n",
                 f"\nA plain sentence, number {self.next_id()}.\n"][variant % 5]
        with path.open("a", encoding="utf-8") as handle:
            handle.write(extra)

    def insert_sentence(self, pick: int) -> None:
        """A sentence atop the body: every later line moves, nothing else changes."""
        path = self.pages()[pick % len(self.pages())]
        front, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        path.write_text(f"{front}\n---\n{self.words(pick, 5)}\n\n{body}", encoding="utf-8")

    def edit_title(self, pick: int) -> None:
        path = self.pages()[pick % len(self.pages())]
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^title: (.*)$", lambda m: f"title: {m[1]} {self.next_id()}",
                               text, count=1, flags=re.M), encoding="utf-8")

    def add_page(self, languages: int) -> None:
        key = f"extra-{self.next_id()}"
        for lang in [("zh", "en"), ("en",), ("zh",)][languages % 3]:
            (self.content / f"{key}.{lang}.md").write_text(
                f"---\ntitle: Extra {self.counter} {lang}\nweight: {self.counter}\n---\n"
                f"## Start {{#start}}\n\n{self.words(languages, 5)} [OV](term:optics-valley)\n",
                encoding="utf-8")
        self.added_pages.append(key)

    def rename_page(self, pick: int) -> None:
        if not self.added_pages:
            return self.add_page(pick)
        old = self.added_pages[pick % len(self.added_pages)]
        new = f"moved-{self.next_id()}"
        for path in sorted(self.content.glob(f"{old}.*.md")):
            path.rename(path.with_name(path.name.replace(old, new, 1)))
        self.added_pages[self.added_pages.index(old)] = new

    def delete_page(self, pick: int, one_language: bool) -> None:
        if not self.added_pages:
            return self.add_page(pick)
        key = self.added_pages[pick % len(self.added_pages)]
        files = sorted(self.content.glob(f"{key}.*.md"))
        doomed = files[:1] if one_language and len(files) > 1 else files
        for path in doomed:
            path.unlink()
        if doomed == files:
            self.added_pages.remove(key)

    def add_term(self) -> None:
        path = self.content / "data" / "glossary.yaml"
        text = path.read_text(encoding="utf-8")
        term = f"term-{self.next_id()}"
        text += (f"- id: {term}\n  zh: 术语{self.counter}\n  en: Term {self.counter}\n"
                 f"  explanation: {{zh: 解释。, en: Explained {self.counter}.}}\n")
        if "\n  pinyin:" in text:  # the fields the site's own glossary requires
            text += "  pinyin: shùyǔ\n  source_defines: false\n"
        path.write_text(text, encoding="utf-8")

    def edit_data_text(self, pick: int) -> None:
        """An English text of a data file, quoted or plain, gets a few more words."""
        files = sorted((self.content / "data").glob("*.yaml"))
        path = files[pick % len(files)]
        lines = path.read_text(encoding="utf-8").split("\n")
        texts = [index for index, line in enumerate(lines)
                 if re.match(r'^\s+en: ("[^"]*"|[A-Za-z][^:#"]*)$', line)]
        if not texts:
            return
        index = texts[pick % len(texts)]
        line, words = lines[index], f" {self.words(pick, 2)} {self.next_id()}"
        lines[index] = line[:-1] + words + '"' if line.endswith('"') else line + words
        path.write_text("\n".join(lines), encoding="utf-8")

    def edit_template(self, pick: int) -> None:
        name = ["base.html", "page.html", "glossary.html", "404.html"][pick % 4]
        path = self.templates / name
        text = path.read_text(encoding="utf-8")
        marker = f"<!-- edit {self.next_id()} -->"
        if name == "base.html":
            text = text.replace("</body>", marker + "</body>", 1)
        else:
            text = re.sub(r"(\{% block content %\})", lambda m: m[1] + marker, text, count=1)
        path.write_text(text, encoding="utf-8")

    def edit_module(self) -> None:
        """The kept template module reads another page's body (awkward theme only)."""
        path = self.templates / "_kept.html"
        if path.exists():
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("'topics'", "'@@'").replace("'about'", "'topics'")
                            .replace("'@@'", "'about'"), encoding="utf-8")

    def edit_catalog(self, pick: int) -> None:
        lang = ["zh", "en"][pick % 2]
        path = self.locales / lang / "LC_MESSAGES" / "messages.po"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r'(msgid "Skip to content"\nmsgstr ")[^"]*(")',
                               lambda m: f"{m[1]}Skip {self.next_id()}{m[2]}", text, count=1),
                        encoding="utf-8")

    def edit_static(self, pick: int) -> None:
        extra = self.static / "extra.txt"
        if extra.exists() and pick % 2:
            extra.unlink()
            return
        with [extra, self.static / "site.css"][pick % 2].open("a", encoding="utf-8") as handle:
            handle.write(f"/* {self.next_id()} */\n")

    def touch(self, pick: int) -> None:
        path = self.pages()[pick % len(self.pages())]
        path.write_bytes(path.read_bytes())

    def break_content(self, pick: int) -> None:
        candidates = sorted(self.content.glob("*.en.md"))
        self.broken = candidates[pick % len(candidates)]
        with self.broken.open("a", encoding="utf-8") as handle:
            handle.write("\nA [broken link](@/no-such-page).\n")

    def repair_content(self) -> None:
        if self.broken is not None and self.broken.exists():
            self.replace(self.broken, "\nA [broken link](@/no-such-page).\n", "\n")
        self.broken = None

    def toggle_language(self) -> None:
        """The Traditional edition, made from the Simplified pages, added or removed."""
        site = self.content / "site.yaml"
        text = site.read_text(encoding="utf-8")
        block = re.search(r"  - code: zh-hant\n(?:    .*\n)+|  - \{code: zh-hant,.*\n.*\n", text)
        if block:
            site.write_text(text.replace(block[0], "", 1), encoding="utf-8")
        else:
            site.write_text(text.replace("  - {code: en,", DERIVED + "  - {code: en,", 1)
                            .replace("  - code: en\n", DERIVED + "  - code: en\n", 1),
                            encoding="utf-8")

    def tamper(self, kind: int, pick: int) -> None:
        """A file in each output folder changed, added or removed by hand."""
        for out in (self.root / "site", self.root / "served"):
            files = sorted(path for path in out.rglob("*") if path.is_file())
            if not files:
                continue
            target = files[pick % len(files)]
            if kind % 3 == 0:
                with target.open("ab") as handle:
                    handle.write(b"<!-- by hand -->")
            elif kind % 3 == 1:
                (target.parent / "by-hand.html").write_bytes(b"added by hand")
            else:
                target.unlink()

    def mark_draft(self, pick: int, review: bool) -> None:
        """A data item's English texts, or an English page, marked as a machine draft
        (or as reviewed), with readers' notices on."""
        site = self.content / "site.yaml"
        if "translation_notice:" not in site.read_text(encoding="utf-8"):
            with site.open("a", encoding="utf-8") as handle:
                handle.write("translation_notice: true\n")
        items = [(path, f"#{item}") for path in sorted((self.content / "data").glob("*.yaml"))
                 for item in re.findall(r"^- id: ([\w-]+)$", path.read_text(encoding="utf-8"),
                                        re.MULTILINE)]
        targets = [*items, *((path, "") for path in sorted(self.content.rglob("*.en.md")))]
        path, unit = targets[pick % len(targets)]
        target = [f"{path}{unit}"]
        mark = (Mark(REVIEWED, "A. Reviewer", "en", target) if review
                else Mark(DRAFT, "Tool", "en"))
        translations_command(self.content, None if review else target, False,
                             hooks_dir=self.code, view=View(), mark=mark)

    def commit(self) -> None:
        self.git("add", "-A", ".")
        self.git("commit", "-q", "--allow-empty", "-m", f"step {self.counter}")


def outcome(build: Callable[[], BuildResult]) -> tuple[str, list[str]]:
    """What a build said: its warnings when it succeeds, else its problems, as printed."""
    try:
        result = build()
    except ContentError as exc:
        return "failed", [str(d) for d in exc.diagnostics]
    return "built", [str(w) for w in result.warnings]


def without_search(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if not path.startswith("pagefind/")}


class Builders:
    """The oracle and the two incremental builders over one project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.site = project.options("site", cache=True)
        self.served = project.options("served", cache=True)
        self.server = Cache(self.served, Store(project.root / "cache" / "served"), search=False,
                            keep_model=True)
        self.history: list[str] = []

    def check(self) -> None:
        root = self.project.root
        shutil.rmtree(root / "clean", ignore_errors=True)
        expected = outcome(lambda: build_site(self.project.options("clean", cache=False)))
        before = snapshot(root / "site") if (root / "site").exists() else None
        served_before = snapshot(root / "served") if (root / "served").exists() else None
        got = outcome(lambda: build_with_cache(self.site, Cache(
            self.site, Store(root / "cache" / "site"))))
        served = outcome(lambda: build_with_cache(self.served, self.server))
        where = f"after {self.history}"
        assert got == expected, where
        assert served == expected, where
        if expected[0] == "built":
            wanted = snapshot(root / "clean")
            assert snapshot(root / "site") == wanted, where
            assert without_search(snapshot(root / "served")) == without_search(wanted), where
        else:
            assert before is None or snapshot(root / "site") == before, where
            assert served_before is None or snapshot(root / "served") == served_before, where

    def apply(self, name: str, *args: Any) -> None:
        self.history.append(f"{name}{args}")
        getattr(self.project, name)(*args)
        self.check()


PICKS = st.integers(min_value=0, max_value=40)
EDITS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "edit_body": {"pick": PICKS, "variant": PICKS}, "insert_sentence": {"pick": PICKS},
    "edit_title": {"pick": PICKS}, "add_page": {"languages": PICKS},
    "rename_page": {"pick": PICKS}, "delete_page": {"pick": PICKS, "one_language": st.booleans()},
    "add_term": {}, "edit_data_text": {"pick": PICKS}, "edit_template": {"pick": PICKS},
    "edit_module": {}, "edit_catalog": {"pick": PICKS}, "edit_static": {"pick": PICKS},
    "touch": {"pick": PICKS}, "break_content": {"pick": PICKS}, "repair_content": {},
    "toggle_language": {}, "tamper": {"kind": PICKS, "pick": PICKS}, "commit": {},
    "mark_draft": {"pick": PICKS, "review": st.booleans()},
}
"""Each of Project's edits, with what Hypothesis draws for its arguments (in order)."""


def edit_rule(name: str, arguments: dict[str, st.SearchStrategy[Any]]) -> Any:
    """A rule of the state machine: the edit `name`, then the three builds compared."""
    def apply(machine: Any, **drawn: Any) -> None:
        machine.builders.apply(name, *(drawn[argument] for argument in arguments))

    apply.__name__ = name
    return rule(**arguments)(apply)


def machine(source: Path, awkward: bool) -> type[RuleBasedStateMachine]:
    class Edits(RuleBasedStateMachine):
        builders: Builders

        @initialize()
        def start(self) -> None:
            self.folder = Path(tempfile.mkdtemp(prefix="duet-equivalence-"))
            self.builders = Builders(Project(self.folder, source, awkward))
            self.builders.check()

        def teardown(self) -> None:
            if hasattr(self, "folder"):
                shutil.rmtree(self.folder, ignore_errors=True)

    for name, arguments in EDITS.items():
        setattr(Edits, name, edit_rule(name, arguments))
    return Edits


SOURCES = {"mini": MINI, "content": ROOT / "content"}
BUDGET = {"mini": (6, 8), "content": (2, 6)}
"""(sequences, edits in each) Hypothesis tries per source and theme: the bound that keeps
the suite's time in hand; a failure it finds goes into REGRESSIONS."""


@pytest.mark.parametrize("awkward", [False, True], ids=["theme", "awkward"])
@pytest.mark.parametrize("source", list(SOURCES))
def test_incremental_builds_equal_plain_builds(source: str, awkward: bool) -> None:
    examples, steps = BUDGET[source]
    run_state_machine_as_test(machine(SOURCES[source], awkward), settings=settings(
        max_examples=examples, stateful_step_count=steps, deadline=None, database=None,
        suppress_health_check=list(HealthCheck)))


REGRESSIONS: list[tuple[str, bool, list[tuple[Any, ...]]]] = [
    # a body read by a template module Jinja keeps (imported without context): topics
    ("mini", True, [("edit_body", 6, 4), ("edit_body", 7, 4)]),
    # the site's code reads a body at set-up (glossary) and keeps one in a filter (index)
    ("mini", True, [("edit_body", 2, 4), ("edit_body", 4, 4), ("edit_body", 5, 4)]),
    # a published file edited by hand, then an edit elsewhere
    ("mini", False, [("edit_body", 1, 0), ("tamper", 0, 3), ("touch", 2), ("tamper", 1, 5),
                     ("tamper", 2, 7)]),
    # a commit between builds changes what the drift warnings say
    ("content", False, [("edit_body", 3, 0), ("commit",), ("touch", 3)]),
    # the Traditional edition removed, then added again
    ("content", False, [("toggle_language",), ("edit_body", 2, 0), ("toggle_language",)]),
    # a data text the home page shows marked as a machine draft, then reviewed
    ("mini", True, [("mark_draft", 0, False), ("mark_draft", 0, True)]),
]


@pytest.mark.parametrize("source, awkward, edits", REGRESSIONS)
def test_sequences_that_once_failed(tmp_path: Path, source: str, awkward: bool,
                                    edits: list[tuple[Any, ...]]) -> None:
    builders = Builders(Project(tmp_path, SOURCES[source], awkward))
    builders.check()
    for name, *args in edits:
        builders.apply(name, *args)
