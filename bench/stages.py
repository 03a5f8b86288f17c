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

from duet import (
    build,
    cache,
    cli,
)
from duet.incremental.reuse import reuse as incremental  # noqa: E402

STAGES: list[tuple[Any, str, str]] = [
    (build, "load_content", "load"),
    (incremental.BuildState, "site_model", "model (Markdown included)"),
    (build, "render_site", "render"),
    (incremental.BuildState, "scan_inputs", "scan inputs"),
    (incremental.BuildState, "ui_strings", "UI strings"),
    (incremental.BuildState, "plan", "plan"),
    (incremental.BuildState, "stage", "decide what to write"),
    (incremental.BuildState, "remember", "remember (cache write included)"),
    (incremental.Update, "write_staging", "write the staged site"),
    (incremental.Update, "check_links", "link check"),
    (incremental.Update, "publish", "publish"),
    (cache.CacheFolder, "read_manifest", "read manifest"),
    (cache.CacheFolder, "read_memo", "read memo"),
    (cache.CacheFolder, "write", "write cache"),
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
