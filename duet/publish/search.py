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
from collections.abc import Mapping
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
    return Path(pagefind_bin_extended.get_executable())


class Indexing:
    """One Pagefind run in the background over a folder holding just the pages to index.

    Started as soon as the pages exist (as bytes in memory or files), it runs
    while the build checks the site; `files` (or `finish`) waits for it and
    hands over the index. Both scratch folders are made in
    `scratch_dir`, named `scratch_prefix…`, so that a build killed meanwhile
    leaves them where the next build cleans up. Writing them can raise OSError
    (a full disk); Pagefind failing raises SearchIndexError."""

    def __init__(self, pages: Mapping[str, bytes | Path], scratch_dir: Path,
                 scratch_prefix: str) -> None:
        executable = pagefind_executable()
        self.subset = self.bundle = None
        try:
            self.subset = Path(tempfile.mkdtemp(prefix=scratch_prefix, dir=scratch_dir))
            self.bundle = Path(tempfile.mkdtemp(prefix=scratch_prefix, dir=scratch_dir))
            for page, source in pages.items():
                target = self.subset / page
                target.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(source, bytes):
                    target.write_bytes(source)
                    continue
                try:
                    os.link(source, target)
                except OSError:  # a file system without hard links
                    shutil.copyfile(source, target)
        except OSError:
            self._clean(bundle_too=True)
            raise
        try:
            self.process = subprocess.Popen(
                [str(executable), "--site", str(self.subset), "--output-path",
                 str(self.bundle), "--silent"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            self._clean(bundle_too=True)
            raise SearchIndexError(f"cannot run Pagefind: {exc.strerror or exc}") from exc

    @classmethod
    def beside(cls, out_dir: Path, pages: Mapping[str, bytes | Path]) -> Indexing:
        """Pagefind started on `pages` (output path → the HTML, or the published file
        holding it), working in scratch folders beside `out_dir`."""
        parent = out_dir.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        return cls(pages, parent, f".{out_dir.name}.search-")

    def files(self) -> dict[str, bytes]:
        """Wait for Pagefind; its bundle as output path → bytes."""
        bundle = self.finish()
        try:
            return {f"{BUNDLE_DIR}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
                    for path in sorted(bundle.rglob("*")) if path.is_file()}
        finally:
            shutil.rmtree(bundle, ignore_errors=True)

    def finish(self) -> Path:
        """Wait for Pagefind; the bundle folder, made reproducible (the caller moves it)."""
        try:
            stdout, stderr = self.process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            self.cancel()
            raise SearchIndexError(f"Pagefind took longer than {TIMEOUT_SECONDS} s") from exc
        if self.process.returncode != 0:
            self._clean(bundle_too=True)
            detail = (stderr or stdout).strip().splitlines()
            raise SearchIndexError("Pagefind failed: " + (
                detail[-1] if detail else f"exit status {self.process.returncode}"))
        self._clean(bundle_too=False)
        assert self.bundle is not None
        normalise_entry(self.bundle / ENTRY_FILE)
        return self.bundle

    def cancel(self) -> None:
        """Stop Pagefind and remove what it wrote (the build failed meanwhile)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self._clean(bundle_too=True)

    def _clean(self, bundle_too: bool) -> None:
        for folder in (self.subset, self.bundle if bundle_too else None):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def normalise_entry(path: Path) -> None:
    """Rewrite Pagefind's entry file with its languages and keys in a stable order."""
    if not path.exists():
        return
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, ensure_ascii=False,
                               separators=(",", ":")), encoding="utf-8")
