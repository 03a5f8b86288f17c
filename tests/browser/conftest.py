"""A built site served on 127.0.0.1 and a headless Debian Chromium to look at it.

The tests skip, with the reason, when /usr/bin/chromium is missing; CI
(.ci/run) installs it with fonts-noto-cjk. Set DUET_BROWSER_CONTENT to a
content folder (e.g. `content`) to run them over another site than the
fixture in tests/browser/site.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS, FIXTURE, ROOT

from duet.build import BuildOptions, build_site

if not CHROMIUM.exists():
    pytest.skip(f"browser tests skipped: no Chromium at {CHROMIUM} "
                "(install Debian's 'chromium' and 'fonts-noto-cjk', as .ci/run does)",
                allow_module_level=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm", ".js": "text/javascript", ".svg": "image/svg+xml"}

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = Path(os.environ.get("DUET_BROWSER_CONTENT", FIXTURE)).resolve()
    out = tmp_path_factory.mktemp("browser") / "_site"
    build_site(BuildOptions.for_project(ROOT, content_dir=content, out_dir=out, strict=True,
                                        base_url="https://example.org/"))
    return out


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
