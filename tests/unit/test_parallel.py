"""The process pool compiles and renders exactly what a single process does."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from conftest import build, snapshot

from duet import build as build_module
from duet import parallel
from duet.diagnostics import ContentError
from duet.model.markdown import GlossaryIndex, LinkContext
from duet.model.site import CompileJob
from duet.render.templates import map_serially

pytestmark = pytest.mark.slow  # forks pools of workers and compares their builds

PAGES = 150  # x 2 languages: above parallel.MIN_PARALLEL_ITEMS


def _body(lang: str, number: int) -> str:
    other = number % PAGES + 1
    if lang == "zh":
        return (f"## 概览 {{#overview}}\n\n光谷第{number}期，*重点*\n项目**推进**。"
                f"见[第{other}期](@/topics/item-{other}#overview)与[光谷](term:optics-valley)。\n\n"
                "- 一\n- 二\n\n| 项目 | 预算 |\n| --- | ---: |\n| 光谷 | 5 |\n\n"
                "## 进展\n\n完成。\n")
    return (f"## Overview {{#overview}}\n\nOptics Valley report {number}, *key*\nwork. "
            f"See [report {other}](@/topics/item-{other}#overview) and the "
            "[valley](term:optics-valley).\n\n- one\n- two\n\n| Item | Budget |\n| --- | ---: |\n"
            "| Valley | 5 |\n\n## Progress\n\nDone.\n")


@pytest.fixture
def large_content(mini_content: Path) -> Path:
    """The mini site plus enough pages to start the pool."""
    for number in range(1, PAGES + 1):
        for lang, title in (("zh", f"第{number}期"), ("en", f"Report {number}")):
            path = mini_content / "topics" / f"item-{number}.{lang}.md"
            path.write_text(f"---\ntitle: {title}\nweight: {number}\n---\n"
                            f"{_body(lang, number)}", encoding="utf-8")
    return mini_content


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the pool even on a one-core machine."""
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)


def compile_in_order(jobs: list[CompileJob]) -> list[object]:
    return [job.run() for job in jobs]


def test_pool_results_equal_serial_results(two_workers: None,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    glossary = GlossaryIndex((("zh", "光谷", "optics-valley"),
                              ("en", "Optics Valley", "optics-valley")))
    bodies = [(_body(lang, n) + ("[bad](javascript:x)\n" if n == 7 else ""), lang, n)
              for n in range(1, 2 * PAGES) for lang in ("zh", "en")]
    jobs = [CompileJob(body, LinkContext("/", lang), glossary, True, n % 5)
            for body, lang, n in bodies]
    pools: list[object] = []

    class RecordingPool(ProcessPoolExecutor):
        def __init__(self, *args: object, **kwargs: object) -> None:
            pools.append(self)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", RecordingPool)
    assert parallel.compile_all(jobs) == compile_in_order(jobs)
    assert len(pools) == 1


def test_small_sites_compile_in_this_process(two_workers: None) -> None:
    jobs = [CompileJob(_body("en", 1), LinkContext("/", "en"), GlossaryIndex(), True, 0)]
    assert parallel.compile_all(jobs) == compile_in_order(jobs)


def test_parallel_build_is_byte_identical_to_serial(
    large_content: Path, tmp_path: Path, two_workers: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    build(large_content, tmp_path / "parallel")
    monkeypatch.setattr(build_module, "compile_all", compile_in_order)
    monkeypatch.setattr(build_module, "map_in_order", map_serially)
    build(large_content, tmp_path / "serial")
    parallel_files = snapshot(tmp_path / "parallel")
    assert len(parallel_files) > 2 * PAGES
    assert parallel_files == snapshot(tmp_path / "serial")


def test_a_template_failing_in_a_worker_is_reported_as_in_one_process(
    large_content: Path, tmp_path: Path, two_workers: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = large_content / "topics" / "item-9.en.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "weight: 9", "weight: 9\ntemplate: missing.html"), encoding="utf-8")
    reports = []
    for mode in ("parallel", "serial"):
        if mode == "serial":
            monkeypatch.setattr(build_module, "compile_all", compile_in_order)
            monkeypatch.setattr(build_module, "map_in_order", map_serially)
        with pytest.raises(ContentError) as failure:
            build(large_content, tmp_path / mode)
        reports.append([str(d) for d in failure.value.diagnostics])
    assert any("missing.html" in line for line in reports[0])
    assert reports[0] == reports[1]
