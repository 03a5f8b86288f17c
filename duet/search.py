"""Post step: a Pagefind search index, one per language, over the staged site.

Pagefind reads each page's `<html lang>` and builds a separate index per
language; only the extended binary segments Chinese text into words, so that
is the one we run. Pages opt in with `data-pagefind-body` on their article,
so the entry page, 404 pages, search pages and parallel readings stay out;
a site where no page opts in gets no index at all.

Pagefind is shown only the pages that opt in: a folder of hard links to them
beside the site. It would otherwise open and parse every file of the site to
find out which pages are marked, which on a site of 40 000 files is most of
the build.

Pagefind lists the languages in `pagefind-entry.json` in whatever order its
threads finish; the file is rewritten with sorted keys so that two builds of
the same content are byte-identical.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
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


def index_pages(site_dir: Path, pages: Iterable[str], output: Path, scratch_prefix: str) -> None:
    """Index `pages` (paths relative to site_dir) into the bundle folder `output`, reproducibly.

    The folder of links is made beside site_dir, named `scratch_prefix…`, so
    that a build killed meanwhile leaves it where the next build cleans up."""
    subset = Path(tempfile.mkdtemp(prefix=scratch_prefix, dir=site_dir.resolve().parent))
    try:
        for page in pages:
            target = subset / page
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site_dir / page, target)
            except OSError:  # a file system without hard links
                shutil.copyfile(site_dir / page, target)
        run_pagefind(subset, output)
    finally:
        shutil.rmtree(subset, ignore_errors=True)


def run_pagefind(site_dir: Path, output: Path) -> None:
    """Pagefind over every page in `site_dir`, its bundle written to `output`."""
    command = [str(pagefind_executable()), "--site", str(site_dir),
               "--output-path", str(output), "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True,
                                timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"cannot run Pagefind: {exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SearchIndexError("Pagefind failed: " + (detail[-1] if detail else
                                                      f"exit status {result.returncode}"))
    normalise_entry(output / ENTRY_FILE)


def normalise_entry(path: Path) -> None:
    """Rewrite Pagefind's entry file with its languages and keys in a stable order."""
    if not path.exists():
        return
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, ensure_ascii=False,
                               separators=(",", ":")), encoding="utf-8")
