"""The dev server: `duet serve`.

Builds the site into its own folder (.duet-cache/serve-PORT/, with the base URL
http://127.0.0.1:PORT/, so the published _site/ is never touched), serves that
folder, and rebuilds on every save (watch.py). Each HTML response gets one
`<script src="/__duet/livereload.js">` before `</head>`: the script listens to
/__duet/events (server-sent events) and reloads the tab after a rebuild or
shows the build's problems over the page. Built files never contain it.

Only files inside the output folder are served: `..` segments (also encoded
as %2e%2e), encoded slashes and symlinks that lead out of the folder are
refused; a missing path gets the 404 page of the language its path starts with.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import mimetypes
import queue
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from duet.build import BuildOptions
from duet.diagnostics import Diagnostics
from duet.drift.command import translations_page
from duet.incremental.cache import open_cache
from duet.serve.watch import Rebuilder, watch

SCRIPT_URL = "/__duet/livereload.js"
DASHBOARD_URL = "/__duet/translations"
"""The translation dashboard: made on each request from what the last good build
checked, never part of the site."""
EVENTS_URL = "/__duet/events"
SCRIPT_FILE = Path(__file__).resolve().parent / "livereload.js"
SCRIPT_TAG = f'<script src="{SCRIPT_URL}" defer></script>'.encode()
HEARTBEAT_SECONDS = 15.0
WATCHER_START_SECONDS = 10.0
NOT_BUILT = (b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
             b"<title>Not found</title></head><body><p>Nothing here (yet): the site "
             b"may not have built.</p></body></html>")
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
         ".svg": "image/svg+xml", ".wasm": "application/wasm", ".json": "application/json",
         ".xml": "application/xml", ".txt": "text/plain"}


class Broadcaster:
    """Server-sent events for every open tab, and the problems of the last build."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: set[queue.Queue[tuple[str, str] | None]] = set()
        self.problems: list[str] = []
        self.warnings: list[str] = []
        """The warnings the last rebuild added, shown by every tab that opens until the
        next one (the tabs reload after a rebuild)."""

    def subscribe(self) -> queue.Queue[tuple[str, str] | None]:
        listener: queue.Queue[tuple[str, str] | None] = queue.Queue()
        with self._lock:
            self._listeners.add(listener)
            if self.problems:
                listener.put(("problems", json.dumps(self.problems)))
            elif self.warnings:
                listener.put(("warnings", json.dumps(self.warnings)))
        return listener

    def unsubscribe(self, listener: queue.Queue[tuple[str, str] | None]) -> None:
        with self._lock:
            self._listeners.discard(listener)

    def reload(self) -> None:
        with self._lock:
            self.problems = []
        self._send(("reload", "{}"))

    def warn(self, warnings: list[str]) -> None:
        with self._lock:
            self.warnings = list(warnings)

    def report(self, problems: list[str]) -> None:
        with self._lock:
            self.problems = list(problems)
        self._send(("problems", json.dumps(problems)))

    def close(self) -> None:
        self._send(None)

    def _send(self, event: tuple[str, str] | None) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener.put(event)


def request_path(target: str) -> str:
    """The path of a request target, still percent-encoded: `//a/b` is a path here,
    not a host, unless the target is a whole URL."""
    if target.startswith(("http://", "https://")):
        return urlsplit(target).path or "/"
    return target.split("#", 1)[0].split("?", 1)[0]


def resolve_request(root: Path, target: str) -> Path | None:
    """The file below `root` that a request target names, or None if it would leave root.

    Directories stand for their index.html. The answer may not exist."""
    try:
        path = unquote(request_path(target), errors="strict")
    except UnicodeDecodeError:
        return None
    if "\0" in path or "\\" in path:
        return None
    segments = [segment for segment in path.split("/") if segment not in ("", ".")]
    if ".." in segments:
        return None
    base = root.resolve()
    candidate = base.joinpath(*segments).resolve()
    if candidate.is_dir():
        candidate = (candidate / "index.html").resolve()
    if candidate != base and base not in candidate.parents:
        return None
    return candidate


class SiteHandler(BaseHTTPRequestHandler):
    server: DevHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for build results."""

    def _answer(self, send_body: bool) -> None:
        path = request_path(self.path)
        if path == EVENTS_URL:
            self._stream_events()
            return
        if path == SCRIPT_URL:
            self._send(HTTPStatus.OK, SCRIPT_FILE.read_bytes(), "text/javascript", send_body)
            return
        if path == DASHBOARD_URL:
            every = "all" in urlsplit(self.path).query.split("&")
            self._send(HTTPStatus.OK, self.server.dashboard(every).encode(),
                       "text/html; charset=utf-8", send_body)
            return
        root = self.server.root
        file = resolve_request(root, self.path)
        if file is None:
            self._send(HTTPStatus.FORBIDDEN, b"Forbidden: outside the site\n",
                       "text/plain; charset=utf-8", send_body)
            return
        if file.is_file():
            if (root.resolve() / unquote(path).lstrip("/")).is_dir() and not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(HTTPStatus.OK, file.read_bytes(), content_type(file), send_body)
            return
        self._send(HTTPStatus.NOT_FOUND, self._not_found_page(path),
                   "text/html; charset=utf-8", send_body)

    def _not_found_page(self, path: str) -> bytes:
        """The 404 page of the language the path starts with, else of the default one."""
        root = self.server.root.resolve()
        first = unquote(path).strip("/").split("/", 1)[0]
        for lang in (first, self.server.default_language()):
            if lang and lang not in ("..", "."):
                page = (root / lang / "404.html").resolve()
                if root in page.parents and page.is_file():
                    return page.read_bytes()
        return NOT_BUILT

    def _send(self, status: HTTPStatus, body: bytes, kind: str, send_body: bool) -> None:
        if kind.startswith("text/html"):
            body = inject_script(body)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def _stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        listener = self.server.events.subscribe()
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while True:
                try:
                    event = listener.get(timeout=HEARTBEAT_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    continue
                if event is None:
                    return
                name, data = event
                self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return
        finally:
            self.server.events.unsubscribe(listener)


def inject_script(html: bytes) -> bytes:
    """The page with the live-reload script tag before `</head>` (or at the end)."""
    at = html.find(b"</head>")
    if at < 0:
        return html + SCRIPT_TAG
    return html[:at] + SCRIPT_TAG + html[at:]


def content_type(path: Path) -> str:
    kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    if kind is None:
        return "application/octet-stream"
    return kind + "; charset=utf-8" if kind.startswith("text/") or kind in (
        "image/svg+xml", "application/json", "application/xml") else kind


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], root: Path, events: Broadcaster,
                 default_language: Callable[[], str],
                 dashboard: Callable[[bool], str]) -> None:
        super().__init__(address, SiteHandler)
        self.root = root
        self.events = events
        self.default_language = default_language
        self.dashboard = dashboard


class DevServer:
    """Build, serve and watch; `start()` returns once the first build is done."""

    def __init__(self, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000,
                 log: Callable[[str], None] | None = None, watch_changes: bool = True) -> None:
        self.events = Broadcaster()
        self.log = log or (lambda line: print(line, flush=True))
        out_dir = (options.cache_dir or Path(".duet-cache")) / f"serve-{port or 'any'}"
        self.httpd = DevHTTPServer((host, port), out_dir, self.events, self._default_language,
                                   self._dashboard)
        bound = self.httpd.server_address[1]
        shown_host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
        self.url = f"http://{shown_host}:{bound}/"
        self.options = dataclasses.replace(options, out_dir=out_dir, base_url=self.url)
        self.cache = open_cache(dataclasses.replace(
            self.options, cache_dir=options.cache_dir or out_dir.parent), search=False,
            keep_model=True)
        self.store = self.cache.store
        self.rebuilder = Rebuilder(self.options, self.cache, self.events, self.log)
        self.watch_changes = watch_changes
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _default_language(self) -> str:
        return self.rebuilder.default_language

    def _dashboard(self, every: bool) -> str:
        failed = self.events.problems
        note = ["the last build failed (its problems follow): the units below are as the "
                "last good build found them"] if failed else []
        return translations_page(self.rebuilder.translations, self.options.content_dir,
                                 every, [*note, *failed])

    def start(self) -> None:
        self.rebuilder.rebuild(first=True)
        self._spawn(self.httpd.serve_forever, "http")
        self._spawn(self.rebuilder.refresh_search_forever, "search", self._stop)
        if self.watch_changes:
            ready = threading.Event()
            self._spawn(watch, "watch", self.options, self.rebuilder, self._stop, ready)
            ready.wait(WATCHER_START_SECONDS)

    def stop(self) -> None:
        self._stop.set()
        self.events.close()
        self.rebuilder.wake_search()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=10)
        self.store.close()

    def _spawn(self, target: Callable[..., object], name: str, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=f"duet-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)


def start_line(server: DevServer) -> str:
    """Where the site is served, where its translation dashboard is, what is watched."""
    folders = [f"{Diagnostics.display(folder)}/" for folder in server.options.source_folders()]
    watched = ", ".join(folders[:-1]) + f" and {folders[-1]}" if len(folders) > 1 else \
        "".join(folders)
    out = Diagnostics.display(server.options.out_dir)
    return (f"serving {out} at {server.url} (Ctrl-C stops; translations: "
            f"{server.url}{DASHBOARD_URL.lstrip('/')}); watching {watched}")


def serve(options: BuildOptions, host: str, port: int, quiet: bool = False) -> int:
    """The `serve` command: runs until Ctrl-C."""
    try:
        server = DevServer(options, host, port)
    except OSError as exc:
        print(f"cannot serve on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    server.rebuilder.quiet = quiet
    server.start()
    print(start_line(server), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        server.stop()
    return 0
