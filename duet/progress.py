"""Live progress of a long build on a terminal, and how long each stage took.

A build marks its stages (`stage("render", total)`) and what it has done of
them (`advance(n)`). On a terminal, once the build has run longer than a
second, one line shows the stage and its count, redrawn in place (`\\r`, then
erase to the end of the line) at most ten times a second, and cleared by
`finish()` before the summary is printed. Disabled (`--quiet`, output to a pipe
or a file, the dev server) nothing is ever written, so the output stays what
it was. The stage timings are kept either way, for `--verbose`.

The build reaches the display through `active()`: the command line shows one
with `shown(...)` around a build; otherwise it is a disabled one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

DELAY = float(os.environ.get("DUET_PROGRESS_DELAY", "1.0"))
"""Seconds a build runs before the line appears (the tests set it to 0)."""
INTERVAL = 0.1
"""Seconds between two redraws at least."""
SLICES = 10
MIN_SLICE = 1000
"""With the line shown, a mapped stage runs in up to SLICES slices of at least
MIN_SLICE items, advancing after each (a pool of workers reports nothing until
it is done)."""


class Progress:
    """One build's progress line (drawn only when `enabled`) and its stage timings."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = False,
                 delay: float = DELAY, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.enabled = enabled and stream is not None
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.timings: list[tuple[str, float]] = []
        """Each stage finished so far, with its seconds."""
        self.name = ""
        self.total: int | None = None
        self.done = 0
        self._stage_started = self.started
        self._drawn_at: float | None = None
        self._pid = os.getpid()

    def stage(self, name: str, total: int | None = None) -> None:
        """The next stage begins (the last one ends); `total`: the items it will do."""
        self._end_stage()
        self.name, self.total, self.done = name, total, 0
        self._draw()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def finish(self) -> None:
        """The last stage ends; the line, if drawn, is erased."""
        self._end_stage()
        self.name = ""
        if self._drawn_at is not None and self.stream is not None:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn_at = None

    def table(self) -> str:
        """The seconds of each stage and in all, one line each (`--verbose`)."""
        width = max([len("total"), *(len(name) for name, _ in self.timings)])
        lines = [f"  {name:<{width}} {seconds:7.2f} s" for name, seconds in self.timings]
        lines.append(f"  {'total':<{width}} {sum(s for _, s in self.timings):7.2f} s")
        return "\n".join(lines)

    def mapped(self, map_in_order: Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]
               ) -> Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]:
        """`map_in_order` that advances by the items it maps: slice by slice when the
        line is shown, at once otherwise (mapping exactly as before)."""
        def run(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
            return self.sliced(lambda part: map_in_order(function, part))(list(items))

        return run

    def sliced(self, run: Callable[[list[Item]], list[Result]]
               ) -> Callable[[list[Item]], list[Result]]:
        """`run(items)` (a list of results in order) that advances by the items done; the
        stage's total, if it has none, is the number of items."""
        def in_slices(items: list[Item]) -> list[Result]:
            if self.total is None:
                self.total = len(items)
            size = (max(MIN_SLICE, -(-len(items) // SLICES)) if self.enabled
                    else max(len(items), 1))
            results: list[Result] = []
            for start in range(0, len(items), size):
                part = items[start:start + size]
                results.extend(run(part))
                self.advance(len(part))
            return results

        return in_slices

    def _end_stage(self) -> None:
        now = self.clock()
        if self.name and self.stream is not None:  # the stand-in keeps nothing
            self.timings.append((self.name, now - self._stage_started))
        self._stage_started = now

    def _draw(self) -> None:
        if not self.enabled or os.getpid() != self._pid or self.stream is None:
            return  # a forked worker never draws
        now = self.clock()
        if now - self.started < self.delay or (
                self._drawn_at is not None and now - self._drawn_at < INTERVAL):
            return
        count = f" {self.done}/{self.total}" if self.total else ""
        line = f"building: {self.name}{count}  {now - self.started:.1f} s"
        width = shutil.get_terminal_size().columns - 1
        self.stream.write("\r" + line[:width] + "\x1b[K")
        self.stream.flush()
        self._drawn_at = now


_active = Progress()
"""The stand-in while no build is shown (the dev server's builds): draws and keeps
nothing."""


def active() -> Progress:
    """The progress of the build running now (a disabled one when none is shown)."""
    return _active


@contextlib.contextmanager
def shown(progress: Progress) -> Iterator[Progress]:
    """Make `progress` the active one while a build runs; erase its line at the end."""
    global _active
    before, _active = _active, progress
    try:
        yield progress
    finally:
        progress.finish()
        _active = before
