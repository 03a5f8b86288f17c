"""Post step: a Pagefind search index, one per language, over the staged site.

Pagefind reads each page's `<html lang>` and builds a separate index per
language; only the extended binary segments Chinese text into words, so that
is the one we run. Pages opt in with `data-pagefind-body` on their article,
so the entry page, 404 pages, search pages and parallel readings stay out.

Pagefind lists the languages in `pagefind-entry.json` in whatever order its
threads finish; the file is rewritten with sorted keys so that two builds of
the same content are byte-identical.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

BUNDLE_DIR = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
TIMEOUT_SECONDS = 300


class SearchIndexError(Exception):
    """Pagefind could not index the site."""


def pagefind_executable() -> Path:
    """The extended Pagefind binary shipped by the pagefind_bin_extended wheel."""
    try:
        import pagefind_bin_extended
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise SearchIndexError("pagefind_bin_extended is not installed: run "
                               "`pip install -r requirements.txt`") from exc
    return pagefind_bin_extended.get_executable()


def index_site(site_dir: Path) -> None:
    """Write the search bundle into site_dir/pagefind/ and make it reproducible."""
    command = [str(pagefind_executable()), "--site", str(site_dir),
               "--output-subdir", BUNDLE_DIR, "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True,
                                timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"cannot run Pagefind: {exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SearchIndexError("Pagefind failed: " + (detail[-1] if detail else
                                                      f"exit status {result.returncode}"))
    normalise_entry(site_dir / BUNDLE_DIR / ENTRY_FILE)


def normalise_entry(path: Path) -> None:
    """Rewrite Pagefind's entry file with its languages and keys in a stable order."""
    if not path.exists():
        return
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, ensure_ascii=False,
                               separators=(",", ":")), encoding="utf-8")
