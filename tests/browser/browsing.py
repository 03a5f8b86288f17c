"""What the browser tests share: where Chromium is, how to start it, the pages."""

from __future__ import annotations

from pathlib import Path

from duet.pdf import CHROMIUM_ARGS

__all__ = ["CHROMIUM_ARGS"]  # the browser tests start Chromium as `pdf` does
ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "site" / "content"
ARTIFACTS = ROOT / "test-artifacts"
PHONE, DESKTOP = 375, 1280


def page_paths(site_dir: Path) -> list[str]:
    """The URL path of every HTML page of the built site, search bundle excluded."""
    paths = []
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir).as_posix()
        if not relative.startswith("pagefind/"):
            paths.append("/" + relative.removesuffix("index.html"))
    return paths
