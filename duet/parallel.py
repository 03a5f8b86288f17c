"""Compile Markdown bodies on every core.

`compile_all` has the shape `model.build_site_model` expects for its
`compile_all` parameter. Large sites are split into chunks and compiled by a
pool of forked worker processes; small ones are compiled in this process,
where starting workers would cost more than it saves. Workers are forked
after the job list exists, so they read the jobs from memory they inherit and
only the compiled results travel back. Chunks come back in order, and
`compile_markdown` is a pure function, so the output is byte-identical to a
serial build.

Everything alive before the fork (the loaded content) is frozen out of the
garbage collector's sight while the pool runs, so workers do not scan it on
every collection, nor copy its memory by writing the collector's marks into it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from .markdown import CompiledMarkdown
from .model import CompileJob, compile_serially

MIN_PARALLEL_JOBS = 200
"""Below this many pages a pool does not pay for its start-up (~1 ms a page)."""

CHUNKS_PER_WORKER = 8
"""Several chunks per worker keep both busy to the end when pages differ in size."""

_jobs: list[CompileJob] = []


def worker_count() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def compile_all(jobs: list[CompileJob]) -> list[CompiledMarkdown]:
    """Compile every job, in parallel when there are enough of them and fork exists."""
    workers = min(worker_count(), len(jobs) // (MIN_PARALLEL_JOBS // 2) or 1)
    if (len(jobs) < MIN_PARALLEL_JOBS or workers < 2
            or "fork" not in multiprocessing.get_all_start_methods()):
        return compile_serially(jobs)
    global _jobs
    _jobs = jobs
    gc.freeze()
    try:
        size = -(-len(jobs) // (workers * CHUNKS_PER_WORKER))
        bounds = [(start, min(start + size, len(jobs))) for start in range(0, len(jobs), size)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results: list[CompiledMarkdown] = []
            for chunk in pool.map(_compile_chunk, bounds):
                results.extend(chunk)
        return results
    finally:
        gc.unfreeze()
        _jobs = []


def _compile_chunk(bounds: tuple[int, int]) -> list[CompiledMarkdown]:
    start, stop = bounds
    return compile_serially(_jobs[start:stop])
