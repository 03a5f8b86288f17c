"""A built site served as it is, read-only, on this computer alone: what `duet pdf`
prints from, and what a browser test reads."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    """The built site's files under its base path, with the types a browser needs for
    the search index, and without a log line per request."""

    base_path = "/"
    extensions_map = {  # noqa: RUF012 (the base class's is an instance variable)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm", ".js": "text/javascript", ".svg": "image/svg+xml"}

    def translate_path(self, path: str) -> str:
        if path.startswith(self.base_path):
            path = "/" + path[len(self.base_path):]
        return super().translate_path(path)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(site_dir: Path, base_path: str = "/") -> Iterator[str]:
    """The site in `site_dir` served at 127.0.0.1 for the block, under `base_path`;
    its origin (`http://127.0.0.1:PORT`)."""
    handler = type("Files", (_QuietFiles,), {"base_path": base_path})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
