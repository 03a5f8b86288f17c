"""Dev server latency: from saving a Markdown file to the updated page being
written, and to an open tab receiving the reload event.

    python bench/serve_bench.py --site real --runs 20
    python bench/serve_bench.py --site 1000 --runs 20

`real` serves a copy of content/ with the project's templates, static files and
catalogs; a number N serves the shared synthetic corpus (N pages per language,
../shared/bench/make_corpus.py, converted by bench/corpus.py) with
bench/templates. The server runs in this process exactly as `build.py serve`
runs it (watchfiles, in-place writes, search index rebuilt in the background);
each run appends a sentence to one page, stamps the time right after the file
is closed, then polls the built page (every 0.5 ms) for the sentence while a
second thread reads the server-sent events. Between runs it waits for the
background search index to finish, so runs do not overlap.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from corpus import convert  # noqa: E402

from duet.build import BuildOptions  # noqa: E402
from duet.serve.server import DevServer  # noqa: E402
from duet.serve.watch import SEARCH_DELAY_SECONDS  # noqa: E402

SHARED_BENCH = Path(os.environ.get("SHARED_BENCH", REPO.parent / "shared" / "bench"))
TIMEOUT_SECONDS = 30.0


def prepare(site: str, work: Path) -> tuple[BuildOptions, Path]:
    """The options to serve and the page file to edit."""
    if site == "real":
        content = work / "content"
        shutil.copytree(REPO / "content", content)
        options = BuildOptions.for_project(REPO, content_dir=content, cache_dir=work / "cache")
        return options, content / "about.en.md"
    pages = int(site)
    corpus = work / f"corpus-{pages}"
    subprocess.run([sys.executable, str(SHARED_BENCH / "make_corpus.py"), "--pages",
                    str(pages), "--out", str(corpus)], check=True, capture_output=True)
    content = convert(corpus, work / "project")
    options = BuildOptions.for_project(REPO, content_dir=content, cache_dir=work / "cache",
                                       templates_dir=REPO / "bench" / "templates",
                                       static_dir=work / "project" / "static")
    edited = sorted(content.glob("page-*.en.md"))
    return options, edited[len(edited) // 2]


class ReloadListener(threading.Thread):
    """An open tab: notes when each `reload` event arrives."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(daemon=True)
        self.connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT_SECONDS)
        self.connection.request("GET", "/__duet/events")
        self.response = self.connection.getresponse()
        self.reloads: list[float] = []
        self.arrived = threading.Event()

    def run(self) -> None:
        while True:
            line = self.response.fp.readline()
            if not line:
                return
            if line.startswith(b"event: reload"):
                self.reloads.append(time.perf_counter())
                self.arrived.set()


def measure(options: BuildOptions, page: Path, runs: int) -> dict[str, list[float]]:
    server = DevServer(options, port=0, log=lambda line: None)
    server.start()
    host, port = server.httpd.server_address[:2]
    listener = ReloadListener(str(host), int(port))
    listener.start()
    out = server.options.out_dir
    relative = page.relative_to(options.content_dir)
    key = relative.name.rsplit(".", 2)[0]
    built = out / "en" / (key if key != "index" else "") / "index.html"
    written, reloaded = [], []
    try:
        for run in range(runs):
            settle(server)
            listener.arrived.clear()
            marker = f"Saved sentence number {run}."
            with page.open("a", encoding="utf-8") as handle:
                handle.write(f"\n{marker}\n")
            saved = time.perf_counter()
            deadline = saved + TIMEOUT_SECONDS
            while marker.encode() not in built.read_bytes():
                if time.perf_counter() > deadline:
                    raise SystemExit(f"{built} was not rebuilt within {TIMEOUT_SECONDS} s")
                time.sleep(0.0005)
            written.append(time.perf_counter() - saved)
            if not listener.arrived.wait(TIMEOUT_SECONDS):
                raise SystemExit("no reload event arrived")
            reloaded.append(listener.reloads[-1] - saved)
    finally:
        listener.connection.close()
        server.stop()
    return {"written": written, "reload": reloaded}


def settle(server: DevServer) -> None:
    """Wait until the server is idle: no build, no search index being written."""
    time.sleep(SEARCH_DELAY_SECONDS + 0.3)
    while server.rebuilder.searching.is_set():
        time.sleep(0.05)
    time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="real",
                        help="'real' (a copy of content/) or N synthetic pages per language")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="duet-serve-bench-") as work:
        options, page = prepare(args.site, Path(work))
        results = measure(options, page, args.runs)
    for name, values in results.items():
        milliseconds = sorted(v * 1000 for v in values)
        p90 = milliseconds[max(0, int(len(milliseconds) * 0.9) - 1)]
        print(f"site {args.site}: save -> {name}: median {statistics.median(milliseconds):.1f} "
              f"ms, p90 {p90:.1f} ms, min {milliseconds[0]:.1f} ms ({len(values)} runs)")


if __name__ == "__main__":
    main()
