"""Random sequences of edits: after each one, an incremental build writes exactly
the site a plain build writes (or fails with the same problems and keeps the
previous site). The plain build (`build_site(options)`, no store) is the oracle:
it runs none of the incremental code.

Two incremental builders follow every sequence: the command line's (a new Reuse
each build, reading the store back) and the dev server's (one Reuse kept in
memory, the search index left for later; after an edit to a body alone it
swaps the new body into the model it kept). The sequences run over the mini
fixture and over the real explainer, each with the project's theme and with an
awkward one (tests/fixtures/awkward/) that reaches other pages' bodies through
aliases, macros, filters and subscripts.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINI, ROOT, snapshot

from duet.build import BuildOptions, BuildResult, build_site
from duet.diagnostics import ContentError
from duet.incremental.reuse import Reuse
from duet.incremental.store import Store

pytestmark = pytest.mark.slow

pytestmark = pytest.mark.slow  # random edit sequences, each build compared with a clean one

SEEDS = (1, 3, 6)
"""Each sequence has at least one edit after which the dev server keeps its model (a body
edit that leaves the outline alone): the test checks that it does."""
EDITS_PER_SEQUENCE = 12
AWKWARD = Path(__file__).parent.parent / "fixtures" / "awkward" / "_awkward.html"
WORDS = ("plan", "valley", "optics", "lab", "region", "science", "光谷", "创新", "湖北", "实验室")


class Project:
    """A writable copy of the mini site with its own templates, static files and catalogs."""

    def __init__(self, root: Path, rng: random.Random, source: Path, awkward: bool) -> None:
        self.root = root
        self.rng = rng
        self.content = root / "content"
        self.templates = root / "templates"
        self.static = root / "static"
        self.locales = root / "locales"
        shutil.copytree(source, self.content)
        shutil.copytree(ROOT / "templates", self.templates)
        if awkward:
            shutil.copy(AWKWARD, self.templates / AWKWARD.name)
            base = self.templates / "base.html"
            base.write_text(base.read_text(encoding="utf-8").replace(
                "</body>", '{% include "_awkward.html" %}\n</body>', 1), encoding="utf-8")
        shutil.copytree(ROOT / "static", self.static)
        shutil.copytree(ROOT / "locales", self.locales, ignore=shutil.ignore_patterns("*.mo"))
        self.added_pages: list[str] = []
        self.added_terms: list[str] = []
        self.counter = 0

    def options(self, out: str, cache: bool) -> BuildOptions:
        return BuildOptions(self.content, self.root / out, self.templates, self.static,
                            self.locales, cache_dir=self.root / "cache" if cache else None,
                            hooks_dir=ROOT / "explainer")

    def words(self, count: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def next_id(self) -> int:
        self.counter += 1
        return self.counter

    # -- the edits ----------------------------------------------------------

    def edit_body(self) -> str:
        path = self.rng.choice(sorted(self.content.rglob("*.md")))
        extra = self.rng.choice([
            f"\n{self.words(6)}\n",
            f"\nSee [the valley](term:optics-valley) and {self.words(3)}.\n",
            f"\n## Part {self.next_id()} {{#part-{self.counter}}}\n\n{self.words(4)}\n",
            "\nBack to [home](@/index) and [about](@/about#source).\n",
        ])
        with path.open("a", encoding="utf-8") as handle:
            handle.write(extra)
        return f"body of {path.name}"

    def insert_sentence(self) -> str:
        """A sentence at the top of the body: every later line moves, nothing else
        changes (the dev server patches its model for this)."""
        path = self.rng.choice(sorted(self.content.rglob("*.md")))
        front, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        path.write_text(f"{front}\n---\n{self.words(5)}\n\n{body}", encoding="utf-8")
        return f"sentence atop {path.name}"

    def edit_title(self) -> str:
        path = self.rng.choice(sorted(self.content.rglob("*.md")))
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^title: (.*)$", lambda m: f"title: {m[1]} {self.next_id()}",
                               text, count=1, flags=re.M), encoding="utf-8")
        return f"title of {path.name}"

    def add_page(self) -> str:
        key = f"extra-{self.next_id()}"
        languages = self.rng.choice([("zh", "en"), ("zh", "en"), ("en",), ("zh",)])
        for lang in languages:
            (self.content / f"{key}.{lang}.md").write_text(
                f"---\ntitle: Extra {self.counter} {lang}\nweight: {self.counter}\n---\n"
                f"## Start {{#start}}\n\n{self.words(5)} [OV](term:optics-valley)\n",
                encoding="utf-8")
        self.added_pages.append(key)
        return f"added {key} in {languages}"

    def rename_page(self) -> str:
        if not self.added_pages:
            return self.add_page()
        old = self.rng.choice(self.added_pages)
        new = f"moved-{self.next_id()}"
        for path in sorted(self.content.glob(f"{old}.*.md")):
            path.rename(path.with_name(path.name.replace(old, new, 1)))
        self.added_pages[self.added_pages.index(old)] = new
        return f"renamed {old} to {new}"

    def delete_page(self) -> str:
        if not self.added_pages:
            return self.add_page()
        key = self.rng.choice(self.added_pages)
        files = sorted(self.content.glob(f"{key}.*.md"))
        doomed = files if len(files) == 1 or self.rng.random() < 0.6 else files[:1]
        for path in doomed:
            path.unlink()
        if doomed == files:
            self.added_pages.remove(key)
        return f"deleted {[p.name for p in doomed]}"

    def edit_glossary(self) -> str:
        path = self.content / "data" / "glossary.yaml"
        text = path.read_text(encoding="utf-8")
        choice = self.rng.randrange(3)
        if choice == 0:
            return self.edit_data_text(path)
        elif choice == 1 or not self.added_terms:
            term = f"term-{self.next_id()}"
            text += (f"- id: {term}\n  zh: 术语{self.counter}\n  en: Term {self.counter}\n"
                     f"  explanation: {{zh: 解释。, en: Explained {self.counter}.}}\n")
            if "\n  pinyin:" in text:  # the fields the site's own glossary requires
                text += "  pinyin: shùyǔ\n  source_defines: false\n"
            self.added_terms.append(term)
            what = f"added {term}"
        else:
            text = text.replace("en: Optics Valley", "en: Optics  Valley", 1) if (
                "en: Optics Valley" in text) else text.replace(
                "en: Optics  Valley", "en: Optics Valley", 1)
            what = "changed a term's form"
        path.write_text(text, encoding="utf-8")
        return f"glossary: {what}"

    def edit_data_text(self, path: Path | None = None) -> str:
        """An English text of a data file, quoted or plain, gets a few more words."""
        path = path or self.rng.choice(sorted((self.content / "data").glob("*.yaml")))
        lines = path.read_text(encoding="utf-8").split("\n")
        texts = [index for index, line in enumerate(lines)
                 if re.match(r'^\s+en: ("[^"]*"|[A-Za-z][^:#"]*)$', line)]
        if not texts:
            return self.edit_figures()
        index = self.rng.choice(texts)
        line, words = lines[index], f" {self.words(2)} {self.next_id()}"
        lines[index] = line[:-1] + words + '"' if line.endswith('"') else line + words
        path.write_text("\n".join(lines), encoding="utf-8")
        return f"data text in {path.name}"

    def edit_figures(self) -> str:
        path = self.content / "data" / "figures.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"value: (\d+)", lambda m: f"value: {int(m[1]) + 1}", text,
                               count=1), encoding="utf-8")
        return "figures value"

    def edit_template(self) -> str:
        name = self.rng.choice(["base.html", "page.html", "glossary.html", "404.html"])
        path = self.templates / name
        text = path.read_text(encoding="utf-8")
        marker = f"<!-- edit {self.next_id()} -->"
        if name == "base.html":
            text = text.replace("</body>", marker + "</body>", 1)
        else:
            text = re.sub(r"(\{% block content %\})", lambda m: m[1] + marker, text, count=1)
        path.write_text(text, encoding="utf-8")
        return f"template {name}"

    def edit_catalog(self) -> str:
        lang = self.rng.choice(["zh", "en"])
        path = self.locales / lang / "LC_MESSAGES" / "messages.po"
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'(msgid "Skip to content"\nmsgstr ")[^"]*(")',
                      lambda m: f"{m[1]}Skip {self.next_id()}{m[2]}", text, count=1)
        path.write_text(text, encoding="utf-8")
        return f"catalog {lang}"

    def edit_static(self) -> str:
        extra = self.static / "extra.txt"
        if extra.exists() and self.rng.random() < 0.5:
            extra.unlink()
            return "static: removed extra.txt"
        target = self.rng.choice([extra, self.static / "site.css"])
        with target.open("a", encoding="utf-8") as handle:
            handle.write(f"/* {self.next_id()} */\n")
        return f"static: {target.name}"

    def touch(self) -> str:
        path = self.rng.choice(sorted(self.content.rglob("*.md")))
        path.write_bytes(path.read_bytes())
        return f"rewrote {path.name} unchanged"

    def break_content(self) -> str:
        path = self.rng.choice(sorted(self.content.glob("*.en.md")))
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\nA [broken link](@/no-such-page).\n")
        self.broken = path
        return f"broke {path.name}"

    def repair_content(self) -> str:
        broken: Path | None = getattr(self, "broken", None)
        if broken is None:
            return self.edit_body()
        text = broken.read_text(encoding="utf-8").replace("\nA [broken link](@/no-such-page).\n",
                                                          "\n")
        broken.write_text(text, encoding="utf-8")
        self.broken = None
        return f"repaired {broken.name}"


EDITS: list[tuple[Callable[[Project], str], int]] = [
    (Project.edit_body, 6), (Project.insert_sentence, 3), (Project.edit_title, 2),
    (Project.add_page, 3), (Project.rename_page, 2), (Project.delete_page, 2),
    (Project.edit_glossary, 3), (Project.edit_figures, 1), (Project.edit_data_text, 2),
    (Project.edit_template, 2),
    (Project.edit_catalog, 2), (Project.edit_static, 1), (Project.touch, 1),
    (Project.break_content, 1), (Project.repair_content, 2),
]


def outcome(build: Callable[[], BuildResult], kept: list[bool] | None = None
            ) -> tuple[str, list[str]]:
    """What a build said: its warnings when it succeeds, else its problems, as printed.
    `kept` is told whether the build took the last build's model."""
    try:
        result = build()
    except ContentError as exc:
        return "failed", [str(d) for d in exc.diagnostics]
    if kept is not None:
        kept.append(result.report.model_kept)
    return "built", [str(w) for w in result.warnings]


def without_search(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if not path.startswith("pagefind/")}


@pytest.mark.parametrize("source, awkward, seed", [
    *((MINI, awkward, seed) for awkward in (False, True) for seed in SEEDS),
    *((ROOT / "content", awkward, seed) for awkward, seed in ((False, 4), (True, 5))),
], ids=lambda value: value.parent.name if isinstance(value, Path) else str(value))
def test_incremental_builds_equal_plain_builds(tmp_path: Path, source: Path, awkward: bool,
                                               seed: int) -> None:
    rng = random.Random(seed)
    project = Project(tmp_path, rng, source, awkward)
    served_options = project.options("served", cache=True)
    site_options = project.options("site", cache=True)
    server = Reuse(served_options, Store(tmp_path / "cache"), search=False)
    history = []
    kept: list[bool] = []
    for step in range(EDITS_PER_SEQUENCE + 1):
        if step:
            edit = rng.choices([e for e, _ in EDITS], weights=[w for _, w in EDITS])[0]
            history.append(edit(project))
        clean_out = tmp_path / "clean"
        shutil.rmtree(clean_out, ignore_errors=True)
        expected = outcome(lambda: build_site(project.options("clean", cache=False)))
        before = snapshot(tmp_path / "site") if (tmp_path / "site").exists() else None
        served_before = snapshot(tmp_path / "served") if (tmp_path / "served").exists() else None
        got = outcome(lambda: build_site(site_options, Reuse(site_options,
                                                             Store(tmp_path / "cache"))))
        served = outcome(lambda: build_site(served_options, server), kept)
        where = f"seed {seed}, after {history}"
        assert got == expected, where
        assert served == expected, where
        if expected[0] == "built":
            wanted = snapshot(clean_out)
            assert snapshot(tmp_path / "site") == wanted, where
            assert without_search(snapshot(tmp_path / "served")) == without_search(wanted), where
        else:
            assert before is None or snapshot(tmp_path / "site") == before, where
            assert served_before is None or snapshot(tmp_path / "served") == served_before, where
    assert any(kept), f"the dev server never kept its model: {history} {kept}"
