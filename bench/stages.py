#!/usr/bin/env python3
"""Where one build's time goes: wall time of each stage, as `build.py` runs it.

    python bench/stages.py --content DIR --out DIR --templates bench/templates \\
        --static DIR [--clean]

Takes build.py's own arguments, runs one build in this process (with the
repository's cache, as `build.py` would) and prints the stages' wall times,
largest first, on stderr. A stage's time includes the stages it calls; the
Markdown compile and the renders run on worker processes inside `model` and
`render`.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from duet import build, cli  # noqa: E402
from duet.incremental import cache  # noqa: E402
from duet.incremental.cache import Cache  # noqa: E402
from duet.incremental.store import Store  # noqa: E402
from duet.publish import search  # noqa: E402

STAGES: list[tuple[Any, str, str]] = [
    (Cache, "scan", "scan the inputs and the published folder"),
    (cache, "scan_inputs", "  of which: the inputs"),
    (cache, "published_stamps", "walks of the published and the spare folders"),
    (Store, "record", "read the last build's record"),
    (build, "load", "load"),
    (build, "model", "model (Markdown included)"),
    (Cache, "structure", "  of which: the structure's digest"),
    (build, "render", "render"),
    (build, "check_site", "link and catalog check"),
    (search.Indexing, "files", "search index (the wait for Pagefind)"),
    (build, "stage_site", "stage the new site whole (a plain build)"),
    (build, "publish", "swap it in, remove the old site (a plain build)"),
    (Cache, "publish", "bring the spare folder up to date, exchange it"),
    (Cache, "remember", "record the build (and the memo, after a plain one)"),
    (Store, "commit", "  of which: write the memo and the record"),
]


def timed(function: Callable[..., Any], label: str, totals: dict[str, float]
          ) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + time.perf_counter() - started
    return wrapper


def main() -> int:
    totals: dict[str, float] = {}
    for owner, name, label in STAGES:
        setattr(owner, name, timed(getattr(owner, name), label, totals))
    started = time.perf_counter()
    status = cli.main(sys.argv[1:], project_root=REPO)
    whole = time.perf_counter() - started
    for label, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"{seconds:7.3f} s  {label}", file=sys.stderr)
    print(f"{whole:7.3f} s  the whole build (imports excluded)", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
