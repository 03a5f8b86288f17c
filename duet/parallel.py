"""Run per-page work on every core: Markdown compiles and page renders.

`map_in_order(function, items)` returns `[function(item) for item in items]`.
On large sites the items are split into chunks and handed to a pool of
forked worker processes; small ones run in this process, where starting
workers would cost more than it saves. Workers are forked after the items
and the function exist, so they read both from memory they inherit and only
the results travel back. Chunks come back in order, and the functions given
are pure (`compile_markdown`, rendering a template over the finished site
model), so the output is byte-identical to a serial build.

Everything alive before the fork (the loaded content, the site model) is
frozen out of the garbage collector's sight while the pool runs, so workers
do not scan it on every collection, nor copy its memory by writing the
collector's marks into it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from markupsafe import Markup

from duet.model.markdown import BodyFacts
from duet.model.site import CompileJob

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_PARALLEL_ITEMS = 200
"""Below this many pages a pool does not pay for its start-up (~1 ms a page)."""

CHUNKS_PER_WORKER = 8
"""Several chunks per worker keep both busy to the end when pages differ in size."""

_task: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def worker_count() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_order(function: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """`function` over `items`, in parallel when there are at least `MIN_PARALLEL_ITEMS`
    of them and fork exists."""
    workers = min(worker_count(), len(items) // (MIN_PARALLEL_ITEMS // 2) or 1)
    if (len(items) < MIN_PARALLEL_ITEMS or workers < 2
            or "fork" not in multiprocessing.get_all_start_methods()):
        return [function(item) for item in items]
    global _task
    _task = (function, items)
    gc.freeze()
    try:
        size = -(-len(items) // (workers * CHUNKS_PER_WORKER))
        bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results: list[Result] = []
            for chunk in pool.map(_run_chunk, bounds):
                results.extend(chunk)
        return results
    finally:
        gc.unfreeze()
        _task = None


def compile_all(jobs: list[CompileJob]) -> list[tuple[BodyFacts, Markup]]:
    """The bodies compiled on every core (`Bodies.of` makes the model's compile of it)."""
    return map_in_order(CompileJob.run, jobs)


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _task is not None
    function, items = _task
    start, stop = bounds
    return [function(item) for item in items[start:stop]]
