"""Incremental builds: what one edit re-renders, that nothing changed means
nothing written, and that a failed or interrupted build keeps the old site."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from conftest import MINI, ROOT, run_cli, snapshot

from duet import incremental
from duet.build import BuildOptions, build_site
from duet.cache import CacheFolder, StoredModel
from duet.diagnostics import ContentError
from duet.load import SourcePage
from duet.write import WriteError

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
                                    cache_dir=root / "cache")
        self.out = self.options.out_dir

    def build(self) -> set[str]:
        """Build; return the output files that are new files on disk (inode changed)."""
        before = self.inodes()
        build_site(self.options)
        after = self.inodes()
        return {path for path, inode in after.items() if before.get(path) != inode}

    def inodes(self) -> dict[str, int]:
        if not self.out.exists():
            return {}
        return {path.relative_to(self.out).as_posix(): path.stat().st_ino
                for path in self.out.rglob("*")
                if path.is_file() and path.relative_to(self.out).parts[0] != "pagefind"}

    def append(self, relative: str, text: str, folder: Path | None = None) -> None:
        with ((folder or self.content) / relative).open("a", encoding="utf-8") as handle:
            handle.write(text)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path)
    project.build()
    return project


def test_nothing_changed_writes_nothing(project: Project) -> None:
    before = {path: (info.st_ino, info.st_mtime_ns) for path, info in (
        (p, p.stat()) for p in project.out.rglob("*"))}
    folder_inode = project.out.stat().st_ino
    result = build_site(project.options)
    assert result.written == 0 and result.site is None
    assert project.out.stat().st_ino == folder_inode
    assert {path: (info.st_ino, info.st_mtime_ns) for path, info in (
        (p, p.stat()) for p in project.out.rglob("*"))} == before
    assert not list(project.root.glob(".site.*"))


def test_a_rewritten_but_unchanged_file_writes_nothing(project: Project) -> None:
    page = project.content / "about.en.md"
    page.write_bytes(page.read_bytes())
    folder_inode = project.out.stat().st_ino
    assert project.build() == set()
    assert project.out.stat().st_ino == folder_inode


def test_a_sentence_rerenders_its_page_and_parallel_readings(project: Project) -> None:
    project.append("about.en.md", "\nOne more sentence.\n")
    assert project.build() == {"en/about/index.html", "en/parallel/about/index.html",
                               "zh/parallel/about/index.html"}


def test_a_fallback_page_follows_the_other_languages_source(project: Project) -> None:
    (project.content / "extra.zh.md").write_text("---\ntitle: 额外\n---\n正文。\n",
                                                 encoding="utf-8")
    options = project.options
    project.options = BuildOptions(options.content_dir, options.out_dir,
                                   options.templates_dir, options.static_dir,
                                   options.locales_dir, cache_dir=options.cache_dir)
    project.build()
    project.append("extra.zh.md", "又一句。\n")
    assert project.build() == {"zh/extra/index.html", "en/extra/index.html"}
    assert "又一句" in (project.out / "en/extra/index.html").read_text(encoding="utf-8")


def test_a_glossary_definition_rerenders_the_pages_that_link_the_term(
        project: Project) -> None:
    linking = {path for path in project.inodes() if path.endswith(".html")
               and "#optics-valley" in (project.out / path).read_text(encoding="utf-8")
               and "glossary" not in path}
    project.append("about.en.md", "\nSee [the valley](term:optics-valley).\n")
    project.build()
    linking.add("en/about/index.html")
    glossary = project.content / "data" / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(
        "An area of Wuhan.", "An area of Wuhan city."), encoding="utf-8")
    changed = project.build()
    assert {"en/glossary/index.html", "en/about/index.html"} <= changed
    assert not any(path.startswith("zh/") and "glossary" not in path and "parallel" not in path
                   and path not in linking for path in changed)
    pages_without_the_term = {"en/index.html", "en/topics/index.html", "en/404.html",
                              "sitemap.xml", "index.html"} - linking
    assert not changed & pages_without_the_term


def test_the_base_template_rerenders_every_page(project: Project) -> None:
    html_pages = {path for path in project.inodes() if path.endswith(".html")
                  and not path.startswith("static/")}
    base = project.templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- x --></body>"),
                    encoding="utf-8")
    changed = project.build()
    assert html_pages - {"index.html"} <= changed


def test_the_chinese_catalog_rerenders_only_chinese_pages(project: Project) -> None:
    catalog = project.locales / "zh" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgstr "跳到正文"', 'msgstr "跳到正文内容"'),
                       encoding="utf-8")
    changed = project.build()
    assert "zh/about/index.html" in changed
    assert not [path for path in changed if path.startswith("en/")]


def test_a_page_template_rerenders_only_its_pages(project: Project) -> None:
    template = project.templates / "glossary.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}<!-- x -->", 1), encoding="utf-8")
    changed = project.build()
    assert changed == {"zh/glossary/index.html", "en/glossary/index.html"}


def test_a_broken_edit_keeps_the_site_and_the_next_good_one_recovers(
        project: Project) -> None:
    before = snapshot(project.out)
    project.append("about.en.md", "\n[gone](@/no-such-page)\n")
    with pytest.raises(ContentError):
        build_site(project.options)
    assert snapshot(project.out) == before
    page = project.content / "about.en.md"
    page.write_text(page.read_text(encoding="utf-8").replace("[gone](@/no-such-page)", "ok"),
                    encoding="utf-8")
    assert "en/about/index.html" in project.build()


def test_a_build_that_dies_while_staging_leaves_the_site_complete(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(project.out)
    project.append("about.en.md", "\nAnother sentence.\n")
    calls = 0
    real_link = os.link

    def failing_link(source: object, target: object) -> None:
        nonlocal calls
        calls += 1
        if calls > 3:
            raise OSError(28, "No space left on device")
        real_link(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental.os, "link", failing_link)
    with pytest.raises(WriteError):
        build_site(project.options)
    monkeypatch.undo()
    assert snapshot(project.out) == before
    assert not list(project.root.glob(".site.staging-*"))
    assert "en/about/index.html" in project.build()


@pytest.fixture
def memo_written_early(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every build writes its memo in the background, as large builds do; the writers'
    process ids."""
    monkeypatch.setattr(incremental, "MIN_PARALLEL_CHEAP_ITEMS", 1)
    started: list[int] = []
    real = CacheFolder.write_memo_in_background

    def counted(self: CacheFolder, memo: incremental.Memo, model: StoredModel | None) -> None:
        real(self, memo, model)
        assert self._writer is not None
        started.append(self._writer[0])

    monkeypatch.setattr(CacheFolder, "write_memo_in_background", counted)
    return started


def test_a_memo_written_while_the_site_is_staged_is_stored_whole(
        tmp_path: Path, memo_written_early: list[int]) -> None:
    project = Project(tmp_path)
    state = incremental.BuildState.open(project.options)
    build_site(project.options, state)
    assert memo_written_early and state.folder is not None
    stored = CacheFolder(state.folder.root, project.out,
                         incremental.cache_key(project.options)).read_memo()
    assert stored == state.memo


def test_a_build_failing_after_its_memo_writer_started_waits_for_it(
        project: Project, memo_written_early: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    project.append("about.en.md", "\nAnother sentence.\n")

    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(incremental.os, "link", full_disk)  # staging fails
    state = incremental.BuildState.open(project.options)
    with pytest.raises(WriteError):
        build_site(project.options, state)
    assert memo_written_early and state.folder is not None
    assert state.folder.wait_for_writer() is None  # waited for already
    with pytest.raises(ChildProcessError):  # and reaped
        os.waitpid(memo_written_early[0], os.WNOHANG)


def test_a_damaged_cache_means_a_full_build(project: Project) -> None:
    for file in (project.root / "cache").rglob("*.pickle"):
        file.write_bytes(b"not a pickle")
    before = snapshot(project.out)
    build_site(project.options)
    assert snapshot(project.out) == before


def test_files_changed_behind_the_builds_back_are_written_again(project: Project) -> None:
    page = project.out / "en" / "about" / "index.html"
    good = page.read_bytes()
    page.unlink()
    page.write_bytes(b"tampered")
    (project.out / "zh" / "index.html").unlink()
    build_site(project.options)
    assert page.read_bytes() == good
    assert (project.out / "zh" / "index.html").exists()


def test_the_command_line_reuses_its_cache(tmp_path: Path) -> None:
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


def test_the_dev_servers_folder_is_checked_again_when_it_starts(tmp_path: Path) -> None:
    project = Project(tmp_path)

    def server_state() -> incremental.BuildState:
        folder = CacheFolder(project.options.cache_dir, project.out,  # type: ignore[arg-type]
                             incremental.cache_key(project.options))
        return incremental.BuildState(project.options, folder, in_place=True, parallel=False)

    first = server_state()
    build_site(project.options, first)
    first.save()
    shutil.rmtree(project.out)
    build_site(project.options, server_state())
    assert (project.out / "en" / "about" / "index.html").exists()


def test_the_cache_key_reads_library_versions_as_importlib_metadata_does() -> None:
    import importlib.metadata

    installed = incremental.installed_versions()
    for library in incremental.LIBRARIES:
        assert installed[library] == importlib.metadata.version(library)


def test_the_dev_server_patches_its_model_when_only_a_body_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project(tmp_path)
    server = incremental.BuildState(project.options, in_place=True, parallel=False)
    build_site(project.options, server)
    full_builds = []
    real_build_model = incremental.build_model
    monkeypatch.setattr(incremental, "build_model",
                        lambda *args: full_builds.append(1) or real_build_model(*args))

    project.append("about.en.md", "\nOne more sentence, inserted before nothing else.\n")
    (project.content / "about.zh.md").write_text(
        (project.content / "about.zh.md").read_text().replace("## 来源", "\n\n## 来源"))
    build_site(project.options, server)
    assert full_builds == []
    clean = dataclasses.replace(project.options, out_dir=tmp_path / "clean", cache_dir=None)
    build_site(clean)
    served, wanted = snapshot(project.out), snapshot(tmp_path / "clean")
    assert served == {path: data for path, data in wanted.items()  # search: in the background
                      if not path.startswith("pagefind/")}

    full_builds.clear()
    project.append("data/figures.yaml", "\n")  # data: every page may show it
    build_site(project.options, server)
    for name in ("about.en.md", "about.zh.md"):  # a heading: menus show it
        project.append(name, "\n## Later {#later}\n")
    build_site(project.options, server)
    assert len(full_builds) == 2


@pytest.fixture
def full_models(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the models built from nothing (not patched)."""
    built: list[int] = []
    real = incremental.build_model
    monkeypatch.setattr(incremental, "build_model",
                        lambda *args: built.append(1) or real(*args))
    return built


@pytest.mark.parametrize("in_background", [True, False])
def test_a_command_line_build_patches_the_model_the_last_one_stored(
        project: Project, full_models: list[int], monkeypatch: pytest.MonkeyPatch,
        in_background: bool) -> None:
    monkeypatch.setattr(incremental, "MIN_PARALLEL_CHEAP_ITEMS", 1 if in_background else 10**9)
    state = incremental.BuildState.open(project.options)
    assert state.folder is not None
    stored = state.folder.folder / "model.pickle"
    whole = stored.read_bytes()
    for sentence in ("A sentence that changes no heading or link.", "And another."):
        project.append("about.en.md", f"\n{sentence}\n")
        project.build()  # a new BuildState, as each command-line run has
        assert full_models == []
        assert stored.read_bytes() == whole  # only what changed is stored
    assert (state.folder.folder / "model-patch.pickle").stat().st_size < len(whole) / 4
    monkeypatch.setattr(incremental, "MODEL_PATCH_PAGES", 0)  # stored whole again
    project.append("about.en.md", "\nA third.\n")
    project.build()
    assert full_models == [] and stored.read_bytes() != whole
    clean = dataclasses.replace(project.options, out_dir=project.root / "clean", cache_dir=None)
    build_site(clean)
    assert snapshot(project.out) == snapshot(project.root / "clean")


def test_the_model_of_a_build_that_failed_is_not_patched(
        project: Project, full_models: list[int], memo_written_early: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    project.append("about.en.md", "\nA sentence.\n")
    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(incremental.os, "link", full_disk)
        with pytest.raises(WriteError):
            project.build()  # staging fails after the memo and model were written
    assert memo_written_early and full_models == []
    project.build()  # the stored model is not the one the manifest names
    assert full_models == [1]


@pytest.mark.parametrize("damaged", ["model.pickle", "model-patch.pickle"])
def test_a_damaged_stored_model_means_a_model_built_anew(
        project: Project, full_models: list[int], damaged: str) -> None:
    project.append("about.en.md", "\nA sentence: the model is patched and the patch stored.\n")
    project.build()
    state = incremental.BuildState.open(project.options)
    assert state.folder is not None and full_models == []
    (state.folder.folder / damaged).write_bytes(b"not a model")
    project.append("about.en.md", "\nOne more sentence.\n")
    project.build()
    assert full_models == [1]


def test_a_patched_model_fingerprints_only_the_outputs_of_the_pages_it_changed(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    full_plans: list[int] = []
    real = incremental.Tokens.all_outputs
    monkeypatch.setattr(incremental.Tokens, "all_outputs",
                        lambda self: full_plans.append(1) or real(self))
    project.append("about.en.md", "\nA sentence.\n")
    assert project.build() == {"en/about/index.html", "en/parallel/about/index.html",
                               "zh/parallel/about/index.html"}
    assert full_plans == []
    project.append("page.html", "<!-- a template edit -->", project.templates)
    project.append("about.en.md", "\nAnother sentence.\n")
    project.build()
    assert full_plans == [1]
    clean = dataclasses.replace(project.options, out_dir=project.root / "clean", cache_dir=None)
    build_site(clean)
    assert snapshot(project.out) == snapshot(project.root / "clean")


def bench_content(project: Path, pages: int) -> Path:
    """A small corpus as the benchmark's make_corpus.py writes it, converted as the
    benchmark converts it (bench/corpus.py)."""
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    for lang in ("zh", "en"):
        (project / "corpus" / lang).mkdir(parents=True)
        for number in range(pages):
            (project / "corpus" / lang / f"page-{number}.md").write_text(
                f"---\ntitle: Page {number}\ndate: 2024-05-01\nslug: page-{number}\n---\n\n"
                f"## Part\n\nText, see [next](../page-{(number + 1) % pages}/).\n",
                encoding="utf-8")
    content: Path = corpus.convert(project / "corpus", project / "bench")
    return content


def test_a_body_edit_leaves_the_other_pages_in_the_cache_unread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a theme whose pages show nothing of other pages (the benchmark's), a
    rebuild unpickles the front matter and outline of the edited page alone."""
    content = bench_content(tmp_path, 6)
    static = content.parent / "static"
    options = BuildOptions(content, tmp_path / "site", ROOT / "bench" / "templates", static,
                           ROOT / "locales", strict=True, cache_dir=tmp_path / "cache")
    build_site(options)
    states: list[incremental.BuildState] = []
    real = incremental.BuildState.remember
    monkeypatch.setattr(incremental.BuildState, "remember",
                        lambda self, *args: states.append(self) or real(self, *args))
    with (content / "page-2.en.md").open("a", encoding="utf-8") as page:
        page.write("\nA sentence.\n")
    build_site(options)
    memo = states[0].memo
    sources = [value[0] for value in memo.pages.values() if isinstance(value[0], SourcePage)]
    read = [(source.key, source.lang) for source in sources if "front" in vars(source)]
    assert len(sources) == 14 and read == [("page-2", "en")]
    bodies = list(memo.compiled.values())
    read_bodies = [body for body in bodies if "headings" in vars(body)]
    assert len(bodies) == 14 and len(read_bodies) == 1  # the old body pruned
    clean = dataclasses.replace(options, out_dir=tmp_path / "clean", cache_dir=None)
    build_site(clean)
    assert snapshot(options.out_dir) == snapshot(tmp_path / "clean")


def test_the_link_check_reads_only_the_written_pages_when_no_id_or_file_changed(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    real = incremental.Update._link_facts
    monkeypatch.setattr(incremental.Update, "_link_facts",
                        lambda self, path, payload_hash: read.append(path)
                        or real(self, path, payload_hash))
    pages = {path.relative_to(project.out).as_posix() for path in project.out.rglob("*.html")
             if path.relative_to(project.out).parts[0] != "pagefind"}
    project.append("topics/index.zh.md", "\n再加一句。\n")
    written = project.build()
    assert written <= set(read) and len(set(read)) < len(pages) / 2  # and anchors' pages
    read.clear()
    for name in ("topics/index.en.md", "topics/index.zh.md"):  # a page gains an id
        project.append(name, "\n## More {#more}\n")
    assert "en/topics/index.html" in project.build()
    assert set(read) == pages


def test_a_site_staged_while_the_build_runs_is_the_site_a_clean_build_writes(
        project: Project, memo_written_early: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the published files linked into the new folder on another core before the
    plan is known, every kind of change still ends in exactly the new site."""
    out, clean = project.out, project.root / "clean"
    used: list[object] = []
    real = incremental.BuildState.take_prestaged

    def take(self: incremental.BuildState) -> object:
        found = real(self)
        used.append(found)
        return found

    monkeypatch.setattr(incremental.BuildState, "take_prestaged", take)

    def leftovers() -> list[str]:
        return [path.name for path in project.root.iterdir() if ".site." in path.name]

    def add_page() -> None:
        for lang in ("en", "zh"):
            (project.content / f"more.{lang}.md").write_text("---\ntitle: More\n---\nText.\n")

    def remove_page() -> None:
        for lang in ("en", "zh"):
            (project.content / f"more.{lang}.md").unlink()

    edits = [
        lambda: project.append("about.en.md", "\nA sentence.\n"),
        add_page,
        remove_page,
        lambda: (out / "en" / "topics" / "index.html").unlink(),  # removed by hand
    ]
    for edit in edits:
        edit()
        project.build()
        shutil.rmtree(clean, ignore_errors=True)
        build_site(dataclasses.replace(project.options, out_dir=clean, cache_dir=None))
        assert snapshot(out) == snapshot(clean)
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == sorted(
            p.relative_to(clean) for p in clean.rglob("*"))  # no folder left empty
        assert leftovers() == []
        assert any(found is not None for found in used)  # the staged folder was used
        used.clear()
    project.append("about.en.md", "\nA [broken link](@/nowhere).\n")
    with pytest.raises(ContentError):
        project.build()
    assert leftovers() == []  # the folder staged in vain is gone
