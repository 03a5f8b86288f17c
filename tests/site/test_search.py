"""The Pagefind post step: one index per language, reproducible output,
failures reported without touching the published site."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import ROOT, build, snapshot

from duet.diagnostics import ContentError
from duet.publish import search

pytestmark = pytest.mark.slow  # runs Pagefind over built sites

BROWSER_SITE = ROOT / "tests" / "browser" / "site" / "content"


def test_the_entry_file_lists_languages_and_keys_in_one_order() -> None:
    one = b'{"version":"1","languages":{"zh-cn":{"page_count":2},"en":{"page_count":2}}}'
    two = b'{"languages":{"en":{"page_count":2},"zh-cn":{"page_count":2}},"version":"1"}'
    assert search.normalised_entry(one) == search.normalised_entry(two)
    assert list(json.loads(search.normalised_entry(one))["languages"]) == ["en", "zh-cn"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search") / "_site"
    build(BROWSER_SITE, out, base_url="https://example.org/")
    return out


GENERATED = re.compile(r"/(?:parallel|search|changes|print)/")
"""The pages the engine makes from others (side by side, search, the change log, the
print edition), which are not indexed: their text is the content pages'."""


def test_each_language_has_its_own_index(built: Path) -> None:
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_text())
    pages = {lang: (built / lang).rglob("index.html") for lang in ("zh", "en")}
    indexed = {lang: len([p for p in paths if not GENERATED.search(p.as_posix())])
               for lang, paths in pages.items()}
    assert entry["languages"]["zh-cn"]["page_count"] == indexed["zh"]
    assert entry["languages"]["en"]["page_count"] == indexed["en"]


def test_only_content_articles_are_indexed(built: Path) -> None:
    for path in built.rglob("*.html"):
        relative = path.relative_to(built).as_posix()
        if relative.startswith("pagefind/"):
            continue
        marked = "data-pagefind-body" in path.read_text(encoding="utf-8")
        generated = bool(GENERATED.search(f"/{relative}"))
        special = relative in ("index.html", "zh/404.html", "en/404.html")
        assert marked == (not generated and not special), relative


def test_two_builds_make_the_same_index(tmp_path: Path) -> None:
    build(BROWSER_SITE, tmp_path / "one", base_url="https://example.org/")
    build(BROWSER_SITE, tmp_path / "two", base_url="https://example.org/")
    one, two = snapshot(tmp_path / "one" / "pagefind"), snapshot(tmp_path / "two" / "pagefind")
    assert one and one == two


def test_a_failing_indexer_keeps_the_previous_site(monkeypatch: pytest.MonkeyPatch,
                                                   mini_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(mini_content, out)
    before = snapshot(out)
    monkeypatch.setattr(search, "pagefind_executable", lambda: Path("/bin/false"))
    with pytest.raises(ContentError) as raised:
        build(mini_content, out)
    assert "Pagefind failed" in str(raised.value.diagnostics[0].message)
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".out.staging-*"))


def test_a_build_that_fails_while_pagefind_works_stops_it(
        monkeypatch: pytest.MonkeyPatch, mini_content: Path, tmp_path: Path) -> None:
    """Links and catalogs are checked while Pagefind indexes: a problem found then stops
    Pagefind and leaves neither its scratch folders nor a changed site."""
    out = tmp_path / "out"
    build(mini_content, out)
    before = snapshot(out)
    cancelled = []
    cancel = search.Indexing.cancel
    monkeypatch.setattr(search.Indexing, "cancel",
                        lambda self: (cancelled.append(self), cancel(self))[1])
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    catalog = locales / "zh" / "LC_MESSAGES" / "messages.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        'msgstr "第%(num)s"', 'msgstr ""', 1), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        build(mini_content, out, locales_dir=locales)
    assert any("missing translation: '%(num)snd'" in d.message
               for d in raised.value.diagnostics)
    assert len(cancelled) == 1, "Pagefind was running when the problem was found"
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".out.*"))


PAGE = (b'<!DOCTYPE html><html lang="en"><head><title>Optics Valley</title></head>'
        b'<body><main data-pagefind-body><h1>Optics Valley</h1><p>Wuhan East Lake.</p>'
        b'</main></body></html>')


def test_an_index_made_from_pages_in_memory_and_on_disk(tmp_path: Path) -> None:
    site, scratch = tmp_path / "site", tmp_path / "scratch"
    (site / "en" / "other").mkdir(parents=True)
    scratch.mkdir()
    (site / "en" / "other" / "index.html").write_bytes(PAGE.replace(b"Optics", b"Silicon"))
    indexing = search.Indexing({"en/index.html": PAGE,
                                "en/other/index.html": site / "en" / "other" / "index.html"},
                               scratch, ".site.search-")
    bundle = indexing.files()
    entry = json.loads(bundle[f"pagefind/{search.ENTRY_FILE}"])
    assert entry["languages"]["en"]["page_count"] == 2
    assert not list(scratch.iterdir()), "the folder of pages is removed"


def test_a_cancelled_index_leaves_nothing_behind(tmp_path: Path) -> None:
    indexing = search.Indexing({"en/index.html": PAGE}, tmp_path, ".site.search-")
    indexing.cancel()
    assert not list(tmp_path.iterdir())


ZH_PAGE = ('<!DOCTYPE html><html lang="zh-CN"><head><title>光谷</title></head><body>'
           '<main data-pagefind-body><h1>光谷</h1><p>武汉东湖新技术开发区。</p></main>'
           '</body></html>').encode()


def test_a_warmed_pagefind_makes_the_same_index(tmp_path: Path) -> None:
    """A build that starts Pagefind ahead shows it a line in each language first: the
    index it then makes is the one a Pagefind started just for it makes."""
    pages = {"en/index.html": PAGE, "zh/index.html": ZH_PAGE}
    bundles = []
    for name, warm in (("cold", None), ("warm", {"zh-CN": "湖北 光谷", "en": "Hubei"})):
        scratch = tmp_path / name
        scratch.mkdir()
        with search.pagefind_ahead(warm) as pagefind:
            assert (pagefind is None) == (warm is None)
            bundles.append(search.Indexing(pages, scratch, ".site.search-", pagefind).files())
    cold, warm = bundles
    entry = json.loads(cold[f"pagefind/{search.ENTRY_FILE}"])
    assert entry["languages"]["zh-cn"]["page_count"] == 1
    assert cold == warm


def test_a_request_pagefind_refuses_is_an_error(tmp_path: Path) -> None:
    pagefind = search.Pagefind()
    try:
        with pytest.raises(search.SearchIndexError, match=r"Pagefind failed: .*index"):
            pagefind.reply(pagefind.send("AddDir", index_id=3, path=str(tmp_path)),
                           deadline=time.monotonic() + 60)
    finally:
        pagefind.close()


def test_a_build_that_fails_stops_the_pagefind_it_started(
        monkeypatch: pytest.MonkeyPatch, mini_content: Path, tmp_path: Path) -> None:
    """A build from nothing starts Pagefind before the render; a template that fails
    to render stops the build, and Pagefind with it."""
    started: list[search.Pagefind] = []

    class Recorded(search.Pagefind):
        def __init__(self, warm_up: Mapping[str, str] | None = None) -> None:
            super().__init__(warm_up)
            started.append(self)

    monkeypatch.setattr(search, "Pagefind", Recorded)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "page.html").write_text("{{ page.no_such_field.deeper }}", encoding="utf-8")
    with pytest.raises(ContentError):
        build(mini_content, tmp_path / "out", templates_dir=templates)
    assert len(started) == 1, "Pagefind was started ahead"
    assert started[0].process.poll() is not None, "and stopped"
