#!/usr/bin/env python3
"""The CPU of a cold build, stage by stage, beside each stage's floor.

    python bench/budget.py --pages 1000 10000 --runs 3 [--out-root /dev/shm/duet-budget]

For each N it takes the converted corpus `BENCH_DIR/duet-N` (bench/run.py makes
it) and alternates, `--runs` times: one cold build exactly as `build.py --clean
--quiet` runs it, in a process of its own, with each stage's CPU counted; then
the floors, in another process. A table of medians goes to stdout (Markdown).

A stage's CPU is user + system time of the build's process and of the children
it waited for during that stage (the pool's workers are waited for when their
pool closes, Pagefind when its index is taken), not counting the stages it calls.
The floor is the least work a generator could do for the same stage, with the
same libraries, on one core:

- start-up: the interpreter importing markdown-it-py, Jinja and PyYAML;
- load: each page file read, decoded and its front matter parsed by PyYAML's
  C loader;
- compile: markdown-it-py with duet's rules rendering every body (no checks);
- render: Jinja alone rendering the same templates over plain objects holding
  the same values (the floor's compiled bodies, titles, dates, translations);
- write: the build's output files, the same bytes, written into a new folder
  beside it, with their folders;
- search index: the Pagefind command-line tool alone over the same pages;
- publish: renaming the written folder.

The other stages (the cache's scan and record, the model and its checks) do
what no peer does and have no floor here.
"""

from __future__ import annotations

import resource
import sys


def cpu() -> float:
    """User + system seconds of this process and the children it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


STARTED = cpu()  # the interpreter's own start-up, before any of this file's imports

import argparse  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "bench" / "templates"
BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/bench"))

ROWS = [
    ("start-up", "interpreter and imports"),
    ("scan", "the cache's scan of the inputs (every input file hashed)"),
    ("load", "page files read, front matter checked"),
    ("compile", "Markdown bodies compiled (in the pool)"),
    ("model", "the model, its link, parity and drift checks, the written pages' link check"),
    ("render", "every page rendered (in the pool), static files"),
    ("write", "the site staged: folders and files written"),
    ("search", "Pagefind: started, fed, its index taken"),
    ("publish", "the staged site swapped in, the old one removed"),
    ("record", "the memo and the record for the next build"),
    ("other", "the rest of the process"),
]


# ---------------------------------------------------------------- the build, measured

class Stages:
    """CPU per stage label, each stage's own (what the stages it calls took is theirs)."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.inner: list[float] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        function = getattr(owner, name)

        @functools.wraps(function)
        def measured(*args: Any, **kwargs: Any) -> Any:
            self.inner.append(0.0)
            started = cpu()
            try:
                return function(*args, **kwargs)
            finally:
                spent = cpu() - started
                own = spent - self.inner.pop()
                if self.inner:
                    self.inner[-1] += spent
                self.totals[label] = self.totals.get(label, 0.0) + own

        setattr(owner, name, measured)


def measure(argv: list[str]) -> None:
    """One cold build as build.py runs it; prints its stages' CPU as JSON."""
    sys.path.insert(0, str(REPO))
    from duet import build, cli
    from duet.incremental.cache import Cache
    from duet.publish import search

    imported = cpu()
    stages = Stages()
    for owner, name, label in [
        (cli, "open_cache", "scan"), (Cache, "forget", "scan"), (Cache, "scan", "scan"),
        (build, "load", "load"), (build, "compile_all", "compile"),
        (build, "check_translations", "model"), (build, "model", "model"),
        (build, "check_site", "model"), (build, "render", "render"),
        (build, "stage_site", "write"), (search.Pagefind, "__init__", "search"),
        (search.Indexing, "beside", "search"), (search.Indexing, "files", "search"),
        (build, "publish", "publish"), (Cache, "remember", "record"),
    ]:
        stages.wrap(owner, name, label)
    status = cli.main(argv, project_root=REPO)
    whole = cpu()
    figures = {"start-up": imported, **stages.totals}
    figures["other"] = whole - sum(figures.values())
    figures["total"] = whole
    print(json.dumps({"status": status, "cpu": figures}))
    sys.stdout.flush()
    os._exit(0)  # as build.py leaves


def build_once(project: Path, out: Path, checkout: Path = REPO) -> dict[str, float]:
    """One cold build by `checkout`'s engine (this one, or --baseline's)."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, str(checkout / "bench" / "budget.py"), "--measure",
               "--content", str(project / "content"), "--out", str(out),
               "--templates", str(TEMPLATES),
               "--static", str(project / "static"), "--quiet", "--clean"]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=True)
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    if answer["status"] != 0:
        raise SystemExit(f"the build failed:\n{done.stderr}")
    return dict(answer["cpu"])


# ---------------------------------------------------------------- the floors

def spent(work: Callable[[], Any]) -> tuple[float, Any]:
    started = cpu()
    result = work()
    return cpu() - started, result


def floors(project: Path, out: Path) -> None:
    """Every floor once, on one core, over the cold build's corpus and output; prints
    their CPU as JSON."""
    import datetime
    import types

    import jinja2
    import yaml
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    figures: dict[str, float] = {}
    figures["start-up"], _ = spent(lambda: subprocess.run(
        [sys.executable, "-c", "import markdown_it, jinja2, yaml"], check=True))

    sources = sorted((project / "content").glob("*.md"))

    def load() -> list[tuple[str, dict[str, Any], str]]:
        pages = []
        for path in sources:
            text = path.read_bytes().decode()
            _, front, body = text.split("---\n", 2)
            pages.append((path.name, yaml.load(front, Loader=yaml.CSafeLoader), body))
        return pages

    figures["load"], pages = spent(load)

    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["html_block", "html_inline"])
    figures["compile"], bodies = spent(lambda: [md.render(body) for _, _, body in pages])

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    languages = {"zh": types.SimpleNamespace(code="zh", tag="zh-CN", name="中文"),
                 "en": types.SimpleNamespace(code="en", tag="en", name="English")}
    config = types.SimpleNamespace(language=languages.__getitem__)
    objects: dict[str, types.SimpleNamespace] = {}
    for (name, front, _), html in zip(pages, bodies, strict=True):
        key, lang, _ = name.split(".")
        url = f"/{lang}/" if key == "index" else f"/{lang}/{key}/"
        updated = front.get("updated") or datetime.date(2025, 1, 1)
        objects[name] = types.SimpleNamespace(
            key=key, lang=lang, title=front["title"], updated=updated, url=url,
            template=front.get("template", "page.html"), body=Markup(html), translations={})
    for page in objects.values():
        page.translations = {lang: other for lang in languages
                             if (other := objects.get(f"{page.key}.{lang}.md")) is not None}
        page.children = [other for other in objects.values()
                         if other.lang == page.lang and other.key != "index"]

    def render() -> list[bytes]:
        return [env.get_template(page.template).render(
            page=page, body=page.body, lang=page.lang, language=languages[page.lang],
            config=config).encode() for page in objects.values()]

    figures["render"], _ = spent(render)

    written = {path.relative_to(out).as_posix(): path.read_bytes()
               for path in out.rglob("*") if path.is_file()}
    copy = out.with_name(out.name + ".floor")
    shutil.rmtree(copy, ignore_errors=True)

    def write() -> None:
        made: set[str] = set()
        for path, payload in written.items():
            folder = os.path.dirname(path)
            if folder not in made:
                os.makedirs(os.path.join(copy, folder), exist_ok=True)
                made.add(folder)
            handle = os.open(os.path.join(copy, path), os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            os.write(handle, payload)
            os.close(handle)

    figures["write"], _ = spent(write)
    figures["publish"], _ = spent(lambda: os.rename(copy, out.with_name(out.name + ".moved")))
    shutil.rmtree(out.with_name(out.name + ".moved"))

    searchable = out.with_name(out.name + ".searchable")
    shutil.rmtree(searchable, ignore_errors=True)
    for path, payload in written.items():
        if path.endswith(".html") and b"data-pagefind-body" in payload:
            (searchable / path).parent.mkdir(parents=True, exist_ok=True)
            (searchable / path).write_bytes(payload)
    sys.path.insert(0, str(REPO))
    from duet.publish.search import pagefind_executable

    figures["search"], _ = spent(lambda: subprocess.run(
        [str(pagefind_executable()), "--site", str(searchable), "--output-path",
         str(searchable / "pagefind"), "--quiet"], check=True, capture_output=True))
    shutil.rmtree(searchable)
    print(json.dumps(figures))


def floors_once(project: Path, out: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--floors", str(project), str(out)],
                          capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# ---------------------------------------------------------------- the table

def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run.get(key, 0.0) for run in runs)
            for key in {key for run in runs for key in run}}


Result = tuple[dict[str, float], dict[str, float], dict[str, float] | None]
"""Medians of one N: the builds', the floors', and the baseline's builds (or None)."""


def table(results: dict[int, Result]) -> str:
    sizes = sorted(results)
    before = any(result[2] is not None for result in results.values())
    columns = "before | duet | floor | gap" if before else "duet | floor | gap"
    head = "| stage | " + " | ".join(f"N={n:,}: {columns}" for n in sizes)
    lines = [head + " | what duet does |",
             "|---|" + ("---:|" * (4 if before else 3)) * len(sizes) + "---|"]

    def cell(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    for key, what in [*ROWS, ("total", "user + system, all processes")]:
        cells = []
        for n in sizes:
            build, floor, baseline = results[n]
            low = floor.get(key)
            if key == "total":
                low = sum(floor.values())
            gap = None if low is None else build.get(key, 0.0) - low
            old = f"{cell(baseline.get(key, 0.0))} | " if baseline is not None else ""
            cells.append(f"{old}{cell(build.get(key, 0.0))} | {cell(low)} | {cell(gap)}")
        label = f"**{key}**" if key == "total" else key
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {what} |")
    return "\n".join(lines)


def main() -> int:
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2:])
    if sys.argv[1:2] == ["--floors"]:
        floors(Path(sys.argv[2]), Path(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out-root", type=Path, default=Path("/dev/shm/duet-budget"))
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="another checkout (with this script) whose builds alternate "
                             "with this one's: a 'before' column")
    args = parser.parse_args()
    results = {}
    for n in args.pages:
        project = BENCH_DIR / f"duet-{n}"
        if not (project / "content").is_dir():
            raise SystemExit(f"{project} has no corpus: run bench/run.py --pages {n} first")
        out = args.out_root / f"site-{n}"
        builds, lows, baselines = [], [], []
        for _ in range(args.runs):
            if args.baseline is not None:
                baselines.append(build_once(project, out, args.baseline))
            builds.append(build_once(project, out))
            lows.append(floors_once(project, out))
            print(f"N={n}: build {builds[-1]['total']:.2f} s CPU, "
                  + (f"before {baselines[-1]['total']:.2f} s, " if baselines else "")
                  + f"floors {sum(lows[-1].values()):.2f} s", file=sys.stderr)
        results[n] = (median_of(builds), median_of(lows),
                      median_of(baselines) if baselines else None)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
