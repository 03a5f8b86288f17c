"""Incremental builds: what each kind of edit makes a build do again (its report), and
that the result is always the site a plain build writes (test_incremental_
equivalence.py runs random sequences of edits; these are the named cases)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from conftest import MINI, ROOT, run_cli, snapshot

from duet.build import BuildOptions, BuildResult, build_site
from duet.diagnostics import ContentError, Diagnostics
from duet.incremental.cache import Cache, build_with_cache
from duet.incremental.inputs import LIBRARIES, installed_versions
from duet.incremental.store import Store
from duet.publish.write import WriteError, spare_folder

PARALLEL = {"zh/parallel/about/index.html", "en/parallel/about/index.html"}
"""The pages besides its own that show the about page's body (both languages' parallel
readings); the print page of its language shows it too."""

pytestmark = pytest.mark.slow  # builds and rebuilds sites, many through build.py in a subprocess


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        self.templates = root / "templates"
        self.locales = root / "locales"
        shutil.copytree(MINI, self.content)
        shutil.copytree(ROOT / "templates", self.templates)
        shutil.copytree(ROOT / "locales", self.locales, ignore=shutil.ignore_patterns("*.mo"))
        self.options = BuildOptions(self.content, root / "site", self.templates,
                                    ROOT / "static", self.locales, strict=True,
                                    cache_dir=root / "cache", hooks_dir=ROOT / "explainer")
        self.out = self.options.out_dir

    def build(self) -> BuildResult:
        """A build as the command line runs it (the store read back)."""
        return build_with_cache(self.options, Cache(self.options, Store(self.root / "cache")))

    def clean(self) -> dict[str, bytes]:
        """The site a plain build writes, for comparison."""
        out = self.root / "clean"
        shutil.rmtree(out, ignore_errors=True)
        build_site(dataclasses.replace(self.options, out_dir=out, cache_dir=None))
        return snapshot(out)

    def append(self, relative: str, text: str, folder: Path | None = None) -> None:
        with ((folder or self.content) / relative).open("a", encoding="utf-8") as handle:
            handle.write(text)

    def replace(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pages(report_paths: list[str]) -> set[str]:
    return {path for path in report_paths if path.endswith(".html")}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path)
    project.build()
    return project


def test_nothing_changed_does_nothing(project: Project) -> None:
    inodes = {p: p.stat().st_ino for p in project.out.rglob("*")}
    result = project.build()
    assert (result.report.parsed, result.report.compiled, result.report.rendered,
            result.written) == (0, 0, [], 0)
    assert {p: p.stat().st_ino for p in project.out.rglob("*")} == inodes


def test_a_rewritten_but_unchanged_file_does_nothing(project: Project) -> None:
    page = project.content / "about.en.md"
    page.write_bytes(page.read_bytes())
    assert project.build().report.rendered == []


def test_a_sentence_renders_its_page_and_the_pages_that_show_it(project: Project) -> None:
    project.append("about.en.md", "\nAnother sentence.\n")
    report = project.build().report
    assert (report.parsed, report.compiled) == (1, 1)
    assert pages(report.rendered) == {"en/about/index.html", *PARALLEL, "en/print/index.html"}
    assert snapshot(project.out) == project.clean()


def test_a_sentence_atop_a_page_moves_its_lines_and_nothing_else(project: Project) -> None:
    project.replace(project.content / "about.en.md", "\n---\n", "\n---\nA first line.\n\n")
    assert pages(project.build().report.rendered) == {"en/about/index.html", *PARALLEL,
                                                      "en/print/index.html"}
    assert snapshot(project.out) == project.clean()


def test_a_fallback_page_follows_the_other_languages_source(project: Project) -> None:
    project.options = dataclasses.replace(project.options, strict=False)
    (project.content / "about.en.md").unlink()
    project.build()
    project.append("about.zh.md", "\n新增一句。\n")
    assert "en/about/index.html" in project.build().report.rendered
    assert "新增一句" in (project.out / "en" / "about" / "index.html").read_text("utf-8")
    assert snapshot(project.out) == project.clean()


def test_a_change_templates_can_see_everywhere_renders_everything(project: Project) -> None:
    """A title, a glossary entry, a template or a catalog is part of the site's structure:
    every page is rendered again (the price of not trusting how templates are spelt)."""
    edits = [
        lambda: project.replace(project.content / "about.en.md", "title: About",
                                "title: About this"),
        lambda: project.replace(project.content / "data" / "glossary.yaml",
                                "An area of Wuhan", "A district of Wuhan"),
        lambda: project.append("base.html", "<!-- x -->\n", project.templates),
        lambda: project.replace(project.locales / "zh" / "LC_MESSAGES" / "messages.po",
                                'msgid "Skip to content"\nmsgstr "', 'msgid "Skip to content"\n'
                                'msgstr "直接'),
    ]
    for edit in edits:
        edit()
        rendered = pages(project.build().report.rendered)
        assert "en/index.html" in rendered and "zh/about/index.html" in rendered
        assert snapshot(project.out) == project.clean()


def test_a_broken_edit_keeps_the_site_and_the_next_good_one_recovers(
        project: Project) -> None:
    before = snapshot(project.out)
    project.append("about.en.md", "\n[gone](@/no-such-page)\n")
    with pytest.raises(ContentError):
        project.build()
    assert snapshot(project.out) == before
    project.replace(project.content / "about.en.md", "[gone](@/no-such-page)", "ok")
    assert "en/about/index.html" in project.build().report.rendered
    assert snapshot(project.out) == project.clean()


def test_a_build_that_fails_while_writing_leaves_the_site_and_the_next_one_recovers(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from duet.publish import write

    project.append("about.en.md", "\nOne.\n")
    project.build()
    before = snapshot(project.out)
    project.append("about.en.md", "\nTwo.\n")

    def full(path: str, payload: bytes) -> object:
        raise OSError(28, "No space left on device", path)

    monkeypatch.setattr(write, "write_new_file", full)
    with pytest.raises(WriteError):
        project.build()
    monkeypatch.undo()
    assert snapshot(project.out) == before
    assert sorted(path.name for path in project.root.iterdir()) == [
        ".site.spare", "cache", "content", "locales", "site", "templates"]
    project.build()
    assert snapshot(project.out) == project.clean()


def test_the_spare_folder_is_brought_up_to_date_and_exchanged(project: Project) -> None:
    spare = spare_folder(project.out)
    for number in range(3):
        project.append("about.en.md", f"\nSentence {number}.\n")
        previous = snapshot(project.out)
        result = project.build()
        assert snapshot(spare) == previous  # the site before is kept as the spare
        assert 0 < result.written < 20
    assert snapshot(project.out) == project.clean()


def test_a_file_edited_by_hand_in_the_spare_never_reaches_the_published_site(
        project: Project) -> None:
    for number in range(2):
        project.append("about.en.md", f"\nSentence {number}.\n")
        project.build()
    spare = spare_folder(project.out)
    for path in (spare / "zh" / "index.html", spare / "en" / "about" / "index.html"):
        with path.open("ab") as handle:  # shared with the published file, or not
            handle.write(b"<!-- by hand -->")
    (spare / "extra.html").write_bytes(b"added by hand")
    for number in range(2, 4):
        project.append("about.en.md", f"\nSentence {number}.\n")
        project.build()
        assert snapshot(project.out) == project.clean()


def test_a_file_edited_by_hand_in_the_output_never_survives_the_next_build(
        project: Project) -> None:
    project.append("about.en.md", "\nOne.\n")
    project.build()
    page = project.out / "en" / "index.html"
    with page.open("ab") as handle:
        handle.write(b"<!-- by hand -->\n")
    (project.out / "extra.html").write_bytes(b"added by hand")
    (project.out / "zh" / "about" / "index.html").unlink()
    result = project.build()
    assert {"en/index.html", "zh/about/index.html"} <= set(result.report.rendered)
    assert snapshot(project.out) == project.clean()
    assert project.build().report.rendered == []  # and the next build trusts it again


def test_a_damaged_store_means_a_full_build(project: Project) -> None:
    for file in (project.root / "cache").rglob("*"):
        if file.is_file():
            file.write_bytes(b"not a database")
    result = project.build()
    assert (result.report.parsed, result.report.compiled) == (8, 8)
    assert snapshot(project.out) == project.clean()


def test_files_changed_behind_the_builds_back_are_written_again(project: Project) -> None:
    page = project.out / "en" / "about" / "index.html"
    good = page.read_bytes()
    page.unlink()
    page.write_bytes(b"tampered")
    (project.out / "zh" / "index.html").unlink()
    project.build()
    assert page.read_bytes() == good
    assert (project.out / "zh" / "index.html").exists()


def test_an_output_folder_replaced_by_hand_is_written_whole(project: Project) -> None:
    shutil.rmtree(project.out)
    project.build()
    assert snapshot(project.out) == project.clean()


def test_the_command_line_reuses_its_store(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    out = tmp_path / "site"
    first = run_cli("--content", str(content), "--out", str(out), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    inodes = {p: p.stat().st_ino for p in out.rglob("*")}
    again = run_cli("--content", str(content), "--out", str(out), cwd=tmp_path)
    assert again.returncode == 0 and "(0 changed)" in again.stdout
    assert {p: p.stat().st_ino for p in out.rglob("*")} == inodes
    clean = run_cli("--content", str(content), "--out", str(out), "--clean", cwd=tmp_path)
    assert clean.returncode == 0 and "(0 changed)" not in clean.stdout


def test_library_versions_are_read_as_importlib_metadata_reads_them() -> None:
    import importlib.metadata

    installed = installed_versions()
    for library in LIBRARIES:
        assert installed[library] == importlib.metadata.version(library)


def test_a_page_citing_sources_is_read_from_the_memo(tmp_path: Path) -> None:
    """Front matter with `sources:` (records in a list) is kept as plain data: the page
    is not parsed again when another page changes, and builds the same."""
    project = Project(tmp_path)
    project.replace(project.content / "about.en.md", "title: About\n",
                    "title: About\nsources:\n  - title: A letter\n    date: 2025-02-03\n"
                    "    url: https://example.org/letter\n")
    project.build()
    project.append("about.zh.md", "\n再加一句。\n")
    result = project.build()
    assert (result.report.parsed, result.report.compiled) == (1, 1)
    assert snapshot(project.out) == project.clean()


def test_a_dev_server_build_keeps_what_it_learnt_in_memory(tmp_path: Path) -> None:
    project = Project(tmp_path)
    cache = Cache(project.options, Store(tmp_path / "cache"), search=False)
    build_with_cache(project.options, cache)
    project.append("about.zh.md", "\n再加一句。\n")
    cache.note_changes({str((project.content / "about.zh.md").resolve())})
    result = build_with_cache(project.options, cache)
    assert (result.report.parsed, result.report.compiled) == (1, 1)
    assert pages(result.report.rendered) == {"zh/about/index.html", *PARALLEL,
                                             "zh/print/index.html"}
    clean = project.clean()
    assert {path: data for path, data in snapshot(project.out).items()
            if not path.startswith("pagefind/")} == {
        path: data for path, data in clean.items() if not path.startswith("pagefind/")}


def test_a_first_build_and_a_clean_one_are_plain_builds(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a record of a last build, the cache runs the plain build (no steps of
    its own) and keeps what it made; the next build takes it."""
    from duet.incremental import cache as caches

    project = Project(tmp_path)
    calls: list[bool] = []
    real = caches.build_site if hasattr(caches, "build_site") else build_site

    def spy(options: BuildOptions, *steps: object) -> BuildResult:
        calls.append(bool(steps))
        return real(options, *steps)  # type: ignore[arg-type]

    monkeypatch.setattr("duet.build.build_site", spy)
    project.build()
    project.append("about.zh.md", "\n再加一句。\n")
    result = project.build()
    assert calls == [False, True] and (result.report.parsed, result.report.compiled) == (1, 1)
    Store(tmp_path / "cache").forget()  # what --clean does
    project.build()
    assert calls == [False, True, False]
    assert snapshot(project.out) == project.clean()


def test_the_dev_server_keeps_its_model_only_when_nothing_but_bodies_changed(
        tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.options = dataclasses.replace(project.options, strict=False)
    (project.content / "about.en.md").unlink()  # en/about falls back to the zh page
    cache = Cache(project.options, Store(tmp_path / "cache"), search=False, keep_model=True)
    first = build_with_cache(project.options, cache)
    assert not first.report.model_kept and len(first.warnings) == 1

    project.append("about.zh.md", "\n新增一句。\n")
    kept = build_with_cache(project.options, cache)
    assert kept.report.model_kept and (kept.report.parsed, kept.report.compiled) == (1, 2)
    assert [str(w) for w in kept.warnings] == [str(w) for w in first.warnings]
    assert "新增一句" in (project.out / "en" / "about" / "index.html").read_text("utf-8")

    for edit in (lambda: project.append("about.zh.md", "\n## 新的一节 {#new-part}\n\n正文。\n"),
                 lambda: project.append("about.zh.md", "\n回到[首页](@/index)。\n"),
                 lambda: project.replace(project.content / "about.zh.md", "title: 关于",
                                         "title: 关于本站")):
        edit()
        assert not build_with_cache(project.options, cache).report.model_kept
        without_search = {path: data for path, data in snapshot(project.out).items()
                          if not path.startswith("pagefind/")}
        assert without_search == {path: data for path, data in project.clean().items()
                                  if not path.startswith("pagefind/")}
    project.append("about.zh.md", "\n再加一句。\n")
    assert build_with_cache(project.options, cache).report.model_kept


def test_a_rival_rendering_warns_alike_in_every_kind_of_build(tmp_path: Path) -> None:
    """The renderings check reads the content each build: a dev server build that keeps
    its model, a command-line build and a plain one give the same warnings."""
    project = Project(tmp_path)
    project.options = dataclasses.replace(project.options, strict=False)
    (project.content / "data" / "usage.yaml").write_text(
        "- id: source\n  en: {use: [source], avoid: [original article]}\n", "utf-8")
    cache = Cache(project.options, Store(tmp_path / "cache"), search=False, keep_model=True)
    assert build_with_cache(project.options, cache).warnings == []

    project.append("about.en.md", "\nIt cites the original article.\n")
    kept = build_with_cache(project.options, cache)
    assert kept.report.model_kept
    assert [str(w) for w in kept.warnings] == [
        f"{Diagnostics.display(project.content / 'about.en.md')}:8:14: warning: 'original "
        "article' is avoided in 'en' (usage 'source'): write 'source'"]
    plain = build_site(dataclasses.replace(project.options, out_dir=tmp_path / "plain",
                                           cache_dir=None))
    assert [str(w) for w in project.build().warnings] == [str(w) for w in plain.warnings] == [
        str(w) for w in kept.warnings]

    project.replace(project.content / "about.en.md", "the original article.", "the source.")
    assert build_with_cache(project.options, cache).warnings == []


def test_a_rival_in_front_matter_is_placed_alike_when_the_page_comes_from_the_memo(
        tmp_path: Path) -> None:
    """The memo keeps where each front matter text starts: a page read back from it warns
    at the same line and column as one parsed."""
    project = Project(tmp_path)
    project.options = dataclasses.replace(project.options, strict=False)
    (project.content / "data" / "usage.yaml").write_text(
        "- id: source\n  en: {use: [source], avoid: [original article]}\n", "utf-8")
    project.replace(project.content / "about.en.md", "title: About\n",
                    "title: About the original article\n")
    parsed = project.build()
    for sentence in ("\n再加一句。\n", "\n又加一句。\n"):  # a page with a warning is kept
        project.append("about.zh.md", sentence)  # once an incremental build has parsed it
        memo = project.build()
    assert memo.report.parsed == 1
    expected = [f"{Diagnostics.display(project.content / 'about.en.md')}:2:18: warning: "
                "'original article' is avoided in 'en' (usage 'source'): write 'source'"]
    assert [str(w) for w in parsed.warnings if "avoided" in w.message] == expected
    assert [str(w) for w in memo.warnings if "avoided" in w.message] == expected
