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

Pagefind runs as a service (`pagefind --service`: requests on its standard
input, replies on its output), so that a build can start it before the pages
exist and have it load what each language needs meanwhile (`Pagefind(warm_up=…)`):
the extended build's Chinese word segmenter takes 0.2 s to load, most of the
time Pagefind takes over a small site. The client is ours: the `pagefind`
package's waits 0.1 s before reading each reply.

Pagefind lists the languages in `pagefind-entry.json` in whatever order its
threads finish; the file is rewritten with sorted keys so that two builds of
the same content are byte-identical.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

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


class Pagefind:
    """One Pagefind service process. It takes one request at a time, in the order sent,
    and replies in that order: `send` does not wait, `reply` waits for one request's
    reply, reading past the earlier ones' (an error among them is raised, unless the
    request was only a warm-up)."""

    def __init__(self, warm_up: Mapping[str, str] | None = None) -> None:
        """Start the service; with `warm_up` (language tag → text), have it index a line
        of each language in an index of its own first, so that what Pagefind loads for
        a language is loaded before the site's pages come."""
        executable = pagefind_executable()
        # A file, not a pipe: it never fills up. Closed by close().
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self.process = subprocess.Popen([str(executable), "--service"],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=self._errors)
        except OSError as exc:
            self._errors.close()
            raise SearchIndexError(f"cannot run Pagefind: {exc.strerror or exc}") from exc
        self._sent = 0
        self._unread = bytearray()
        self._warm_ups: set[int] = set()
        if warm_up:  # the first requests: the index they make is number 0
            self._warm_ups.add(self.send("NewIndex"))
            for language, text in warm_up.items():
                self._warm_ups.add(self.send("AddRecord", index_id=0, url=f"/{language}/",
                                             content=text, language=language))

    def send(self, action: str, **fields: Any) -> int:
        """Send a request; its message id."""
        self._sent += 1
        request = {"message_id": self._sent, "payload": {"type": action, **fields}}
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(base64.b64encode(json.dumps(request).encode()) + b",")
            self.process.stdin.flush()
        except OSError:  # Pagefind has stopped: `reply` says why
            pass
        return self._sent

    def reply(self, message_id: int, deadline: float) -> dict[str, Any]:
        """The reply to one request."""
        while True:
            reply = self._next_reply(deadline)
            payload: dict[str, Any] = reply["payload"]
            if payload.get("type") == "Error" and reply.get("message_id") not in self._warm_ups:
                raise SearchIndexError(f"Pagefind failed: {payload.get('message')}")
            if reply.get("message_id") == message_id:
                return payload

    def _next_reply(self, deadline: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        output = self.process.stdout.fileno()
        searched = 0  # the bytes before this hold no end of message
        while (end := self._unread.find(b",", searched)) < 0:
            searched = len(self._unread)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([output], [], [], remaining)[0]:
                self.close()
                raise SearchIndexError(f"Pagefind took longer than {TIMEOUT_SECONDS} s")
            chunk = os.read(output, 1 << 20)
            if not chunk:
                raise SearchIndexError("Pagefind failed: " + self._why_stopped())
            self._unread += chunk
        reply: dict[str, Any] = json.loads(base64.b64decode(self._unread[:end]))
        del self._unread[:end + 1]
        return reply

    def _why_stopped(self) -> str:
        status = self.process.wait()
        self._errors.seek(0)
        detail = self._errors.read().decode(errors="replace").strip().splitlines()
        self.close()
        return detail[-1] if detail else f"exit status {status}"

    def close(self) -> None:
        """Stop the service (at once: nothing it holds is wanted any more)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a request it did not read: gone with it
                    stream.close()
        self._errors.close()


@contextlib.contextmanager
def pagefind_ahead(samples: Mapping[str, str] | None) -> Iterator[Pagefind | None]:
    """Pagefind started now and warmed with `samples` (language tag → text; None: not
    started), so that what it loads for each language (the Chinese word segmenter:
    0.2 s) loads while the build renders and checks the site; stopped on exit. Not
    starting is not an error here: the search step reports it, if a page is indexed."""
    pagefind = None
    if samples is not None:
        with contextlib.suppress(SearchIndexError):
            pagefind = Pagefind(warm_up=samples)
    try:
        yield pagefind
    finally:
        if pagefind is not None:
            pagefind.close()


class Indexing:
    """One Pagefind run in the background over a folder holding just the pages to index.

    Started as soon as the pages exist (as bytes in memory or files), it runs
    while the build checks the site; `files` waits for it and hands over the
    index, which Pagefind sends back rather than writes: its service replies to
    a request to write files before their last bytes are on disk. It takes
    `pagefind`, a service started (and warmed) earlier, or starts one; either
    way it stops it when done. The folder of pages is made in `scratch_dir`,
    named `scratch_prefix…`, so that a build killed meanwhile leaves it where the
    next build cleans up. Writing it can raise OSError (a full disk); Pagefind
    failing raises SearchIndexError."""

    def __init__(self, pages: Mapping[str, bytes | Path], scratch_dir: Path,
                 scratch_prefix: str, pagefind: Pagefind | None = None) -> None:
        self.subset: Path | None = None
        self.pagefind = pagefind
        try:
            self.subset = Path(tempfile.mkdtemp(prefix=scratch_prefix, dir=scratch_dir))
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
            self.deadline = time.monotonic() + TIMEOUT_SECONDS
            self.pagefind = pagefind or Pagefind()
            index = self.pagefind.reply(self.pagefind.send("NewIndex"), self.deadline)["index_id"]
            self.pagefind.send("AddDir", index_id=index, path=str(self.subset))
            self.bundle = self.pagefind.send("GetFiles", index_id=index)
        except (OSError, SearchIndexError):
            self.cancel()
            raise

    @classmethod
    def beside(cls, out_dir: Path, pages: Mapping[str, bytes | Path],
               pagefind: Pagefind | None = None) -> Indexing:
        """Pagefind started on `pages` (output path → the HTML, or the published file
        holding it), working in a scratch folder beside `out_dir`."""
        parent = out_dir.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        return cls(pages, parent, f".{out_dir.name}.search-", pagefind)

    def files(self) -> dict[str, bytes]:
        """Wait for Pagefind; its bundle as output path → bytes, made reproducible."""
        assert self.pagefind is not None
        try:
            bundle = {f"{BUNDLE_DIR}/{file['path']}": base64.b64decode(file["content"])
                      for file in self.pagefind.reply(self.bundle, self.deadline)["files"]}
        finally:
            self.cancel()
        entry = f"{BUNDLE_DIR}/{ENTRY_FILE}"
        if entry in bundle:
            bundle[entry] = normalised_entry(bundle[entry])
        return dict(sorted(bundle.items()))

    def cancel(self) -> None:
        """Stop Pagefind and remove the folder of pages (done, or the build failed)."""
        if self.pagefind is not None:
            self.pagefind.close()
        if self.subset is not None:
            shutil.rmtree(self.subset, ignore_errors=True)


def normalised_entry(entry: bytes) -> bytes:
    """Pagefind's entry file with its languages and keys in a stable order."""
    return json.dumps(json.loads(entry), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode()
