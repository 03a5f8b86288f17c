"""Rebuild on save: watch the source folders, rebuild once per burst of changes,
and tell the browsers (reload, or the problems of a failed build)."""

from __future__ import annotations

import gc
import threading
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING

import watchfiles

from duet.build import BuildOptions, BuildResult
from duet.diagnostics import ContentError
from duet.drift.check import DriftReport
from duet.incremental.cache import Cache, build_with_cache
from duet.load.config import Config
from duet.publish.search import SearchIndexError
from duet.publish.write import WriteError

if TYPE_CHECKING:
    from duet.serve.server import Broadcaster

STEP_MS = 10
"""Changes closer together than this are one burst (an editor saving several files)."""
DEBOUNCE_MS = 1600
"""A burst longer than this is cut into several rebuilds."""
WATCHER_TIMEOUT_MS = 200
"""How often the watcher wakes when nothing happens (to notice it should stop)."""
SEARCH_DELAY_SECONDS = 1.0
"""The search index is rebuilt after the saves have paused this long."""
COLLECT_DELAY_SECONDS = 0.5
"""The garbage of a rebuild is collected this long after it, when the tabs have reloaded."""


class Rebuilder:
    """One build at a time into the served folder; the last good site stays on failure."""

    def __init__(self, options: BuildOptions, cache: Cache, events: Broadcaster,
                 log: Callable[[str], None]) -> None:
        self.options = options
        self.cache = cache
        self.events = events
        self.log = log
        self.quiet = False
        self.default_language = ""
        self.translations: tuple[DriftReport, Config] | None = None
        """The translations as the last good build checked them, and the site's config:
        what the dashboard shows. Kept from every build that makes a model, the search
        index's too: a build after it with nothing changed makes none."""
        self.builds = 0
        self.warnings: set[str] = set()
        """The last good build's warnings: a rebuild prints and shows those it adds."""
        self._lock = threading.Lock()
        self._search_wanted = threading.Event()
        self.searching = threading.Event()
        """Set while the search index is being rebuilt."""
        self._collector: threading.Timer | None = None

    def rebuild(self, first: bool = False, changed: set[str] | None = None
                ) -> BuildResult | None:
        """Build now; return the result, or None (problems reported) if it failed.

        `changed`: the files the watcher saw change, when it saw them all."""
        with self._lock:
            started = time.perf_counter()
            self.builds += 1
            if changed:
                self.cache.note_changes(changed)
            try:
                result = build_with_cache(self.options, self.cache)
            except ContentError as exc:
                self._fail([str(diagnostic) for diagnostic in exc.diagnostics])
                return None
            except WriteError as exc:
                self._fail([f"{self.options.out_dir}: {exc}"])
                return None
            except Exception as exc:  # a bug must not stop the server: say so and go on
                self.log(traceback.format_exc().rstrip())
                self._fail([f"internal error while building: {exc!r}"])
                return None
            self._keep(result)
            milliseconds = (time.perf_counter() - started) * 1000
            warnings = [str(warning) for warning in result.warnings]
            new = [warning for warning in warnings if warning not in self.warnings]
            self.warnings = set(warnings)
            for warning in new:
                self.log(warning)
            self.events.warn([] if first else new)
            if not self.quiet or first:
                self.log(f"{'built' if first else 'rebuilt'} in {milliseconds:.0f} ms: "
                         f"{result.written} file(s) changed")
            if result.written or self.events.problems or new:
                self.events.reload()
                self._search_wanted.set()
            self._collect_soon()
            return result

    def _keep(self, result: BuildResult) -> None:
        """What the server shows of a good build besides its files."""
        if result.site is not None:
            self.default_language = result.site.config.default_language
            if result.drift is not None:
                self.translations = (result.drift, result.site.config)

    def _collect_soon(self) -> None:
        """Collect the last build's garbage once the browsers have had time to reload
        (a full collection holds every thread for tens of milliseconds)."""
        if self._collector is not None:
            self._collector.cancel()
        self._collector = threading.Timer(COLLECT_DELAY_SECONDS, gc.collect)
        self._collector.daemon = True
        self._collector.start()

    def _fail(self, problems: list[str]) -> None:
        for problem in problems:
            self.log(problem)
        self.log("build failed: still serving the last good site; fix and save again")
        self.events.report(problems)
        self._collect_soon()

    def wake_search(self) -> None:
        self._search_wanted.set()

    def refresh_search_forever(self, stop: threading.Event) -> None:
        """Rebuild the search index in the background, after each quiet moment."""
        while not stop.is_set():
            self._search_wanted.wait()
            self._search_wanted.clear()
            if stop.wait(SEARCH_DELAY_SECONDS) or self._search_wanted.is_set():
                continue
            self.searching.set()
            try:
                self.index_search()
            finally:
                self.searching.clear()

    def index_search(self) -> None:
        """One build that also brings the search index up to date (a plain rebuild with
        nothing else to do renders nothing)."""
        with self._lock:
            self.cache.search = True
            try:
                self._keep(build_with_cache(self.options, self.cache))
            except (ContentError, WriteError, SearchIndexError, OSError) as exc:
                self.log(f"search index not updated: {exc}")
            finally:
                self.cache.search = False


def watch(options: BuildOptions, rebuilder: Rebuilder, stop: threading.Event,
          ready: threading.Event | None = None) -> None:
    """Rebuild after every burst of changes in the source folders, until `stop`.

    Once the watcher runs (its first quiet timeout), `ready` is set after one
    catch-up build for whatever changed while it was starting."""
    folders = options.source_folders()
    for changes in watchfiles.watch(*folders, stop_event=stop, step=STEP_MS,
                                    debounce=DEBOUNCE_MS, rust_timeout=WATCHER_TIMEOUT_MS,
                                    yield_on_timeout=True, raise_interrupt=False):
        if changes or (ready is not None and not ready.is_set()):
            rebuilder.rebuild(changed={path for _, path in changes} if changes else None)
        if ready is not None:
            ready.set()
