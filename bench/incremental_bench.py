"""Command-line rebuilds with the cache: nothing changed, and one page edited.

    python bench/incremental_bench.py --pages 1000 10000 --runs 5

For each N it writes the shared synthetic corpus (N pages per language,
../shared/bench/make_corpus.py), converts it with bench/corpus.py, builds it
once from nothing (`--clean`), then times `python build.py …` as a user runs
it: R times with nothing changed, then R times after appending a sentence to
one page. Times are whole processes (interpreter start-up included), wall
clock, median; the build's own figure (`in X s` of its summary) is shown too.
Corpora and projects stay in --work between invocations.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus import convert  # noqa: E402

SHARED_BENCH = REPO.parent / "shared" / "bench"
SUMMARY = re.compile(r"\((?P<changed>\d+) changed\).* in (?P<seconds>[0-9.]+) s")


def build(content: Path, out: Path, *extra: str) -> tuple[float, float, int]:
    """(process wall s, the build's own s, files changed) of one `build.py` run."""
    command = [sys.executable, str(REPO / "build.py"), "--content", str(content), "--out",
               str(out), "--templates", str(REPO / "bench" / "templates"), "--static",
               str(content.parent / "static"), *extra]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr}")
    match = SUMMARY.search(result.stdout)
    assert match, result.stdout
    return wall, float(match["seconds"]), int(match["changed"])


def project_for(pages: int, work: Path) -> Path:
    corpus = work / f"corpus-{pages}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(SHARED_BENCH / "make_corpus.py"), "--pages",
                        str(pages), "--out", str(corpus)], check=True, capture_output=True)
    project = work / f"project-{pages}"
    shutil.rmtree(project, ignore_errors=True)
    return convert(corpus, project)


def measure(pages: int, runs: int, work: Path) -> list[str]:
    content = project_for(pages, work)
    out = work / f"site-{pages}"
    cold = build(content, out, "--clean")
    rows = [f"| {pages} | cold (`--clean`) | {cold[0]:.2f} | {cold[1]:.2f} | {cold[2]} |"]
    noop = [build(content, out) for _ in range(runs)]
    rows.append(row(pages, "no-op", noop))
    edited = sorted(content.glob("page-*.zh.md"))[pages // 2]
    edits = []
    for run in range(runs):
        with edited.open("a", encoding="utf-8") as handle:
            handle.write(f"\n编辑第{run}次。\n")
        edits.append(build(content, out))
    rows.append(row(pages, "one page edited", edits))
    return rows


def row(pages: int, what: str, runs: list[tuple[float, float, int]]) -> str:
    wall = statistics.median(r[0] for r in runs)
    own = statistics.median(r[1] for r in runs)
    changed = sorted({r[2] for r in runs})
    return f"| {pages} | {what} | {wall:.2f} | {own:.2f} | {', '.join(map(str, changed))} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/duet-incremental-bench"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print("| N/lang | build | median wall s (process) | median build s (own) | files changed |")
    print("|---:|---|---:|---:|---|")
    for pages in args.pages:
        for line in measure(pages, args.runs, args.work):
            print(line, flush=True)


if __name__ == "__main__":
    main()
