"""What a build is made from: every input file's digest, and the engine's own."""

from __future__ import annotations

import functools
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from duet.digests import digest
from duet.load.content import IGNORED_NAMES
from duet.render.defaults import DEFAULT_TEMPLATES

if TYPE_CHECKING:
    from duet.build import BuildOptions

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "pyyaml", "babel", "pagefind",
             "markupsafe", "opencc")


@functools.cache
def engine_version() -> str:
    """The engine's code and default templates, the libraries it uses and Python: a
    change to any of them
    makes every key different. Taken once per process, from the code imported."""
    code = "".join(digest(path.read_bytes()) for path in sorted(
        [*PACKAGE_DIR.rglob("*.py"), *DEFAULT_TEMPLATES.iterdir()]))
    versions = installed_versions()
    return digest(repr((code, sys.version, [versions.get(name, "-") for name in LIBRARIES])))


def installed_versions() -> dict[str, str]:
    """The version of every distribution on `sys.path`, by normalised name, read from the
    names of their `.dist-info` folders (importing importlib.metadata costs more than
    building this project's site)."""
    versions: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith(".dist-info"):
                name, _, version = entry.removesuffix(".dist-info").partition("-")
                versions.setdefault(re.sub(r"[-_.]+", "-", name).lower(), version)
    return versions


Stat = tuple[int, int, int, int]
"""A file's inode, size, and modification and change times (ns)."""

SETTLED_NS = 2_000_000_000
"""How long before it is read a file must have last changed for its stat to vouch for
its bytes next time: a change within the same tick of the file system's clock
would leave the stat as it was (two seconds covers the coarsest clocks)."""


@dataclass(frozen=True)
class Inputs:
    """Every input file as a build found it: its digest, the page files' bytes, and the
    stats that vouch for a file's digest at the next scan."""

    digests: dict[str, str] = field(default_factory=dict)
    page_bytes: dict[str, bytes | None] = field(default_factory=dict)
    """Each page file, with its bytes once read."""
    stats: dict[str, Stat] = field(default_factory=dict)
    """The files that had settled (`SETTLED_NS`) when they were read."""

    def page(self, path: str) -> bytes:
        """A page file's bytes, read now if the scan trusted its stat.

        Read after the scan, a file may have changed since: the build then uses
        the newer bytes under the older digest and stat, and the next scan, seeing
        another stat, reads the file again and finds the change."""
        data = self.page_bytes[path]
        if data is None:
            with open(path, "rb") as stream:
                data = self.page_bytes[path] = stream.read()
        return data

    @functools.cached_property
    def digest(self) -> str:
        return digest(repr(sorted(self.digests.items())))


def scan_inputs(options: BuildOptions, last: Inputs | None = None) -> Inputs:
    """Every file below the source folders (content, templates, static, locales and the
    site's hooks); a file whose stat is the one `last` took keeps its digest unread."""
    inputs = Inputs()
    content = str(options.content_dir)
    known = last.stats if last is not None else {}
    for folder in options.source_folders():
        for path in _files_below(folder):
            stat = _stat(path)
            if stat is not None and known.get(path) == stat:
                assert last is not None
                inputs.digests[path] = last.digests[path]
                inputs.stats[path] = stat
                if _is_page(path, content):
                    inputs.page_bytes[path] = None
            else:
                _read(path, inputs, stat, _is_page(path, content))
    return inputs


def rescan_inputs(options: BuildOptions, last: Inputs, changed: set[str]) -> Inputs:
    """`last` with the files a watcher saw change read again: the dev server's scan,
    equal to `scan_inputs`. A folder that appeared or went, or a path outside the
    source folders, means a full scan."""
    roots = [(str(folder.resolve()) + os.sep, str(folder) + os.sep)
             for folder in options.source_folders()]
    inputs = Inputs(dict(last.digests), dict(last.page_bytes), dict(last.stats))
    content = str(options.content_dir)
    for resolved in changed:
        root = next((root for root in roots if resolved.startswith(root[0])), None)
        if root is None:
            return scan_inputs(options, last)
        relative = resolved[len(root[0]):]
        path = root[1] + relative  # as scan_inputs spells it
        if os.path.isdir(path) or (path not in last.digests and not os.path.exists(path)):
            return scan_inputs(options, last)
        if any(IGNORED_NAMES.match(part) for part in relative.split(os.sep)):
            continue
        for held in (inputs.digests, inputs.page_bytes, inputs.stats):
            held.pop(path, None)
        _read(path, inputs, _stat(path), _is_page(path, content))
    digests = dict(sorted(inputs.digests.items(), key=lambda item: item[0].split(os.sep)))
    return Inputs(digests, {path: inputs.page_bytes[path] for path in digests
                            if path in inputs.page_bytes}, inputs.stats)


def _stat(path: str) -> Stat | None:
    try:
        info = os.stat(path)
    except OSError:
        return None  # gone since it was listed: `_read` finds out
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _is_page(path: str, content: str) -> bool:
    return path.endswith(".md") and path.startswith(content)


def _read(path: str, inputs: Inputs, stat: Stat | None, page: bool) -> None:
    """Read a file into `inputs` (unless it is gone since it was listed, or unreadable:
    the load reports it), its stat kept if it had settled."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError:
        return
    inputs.digests[path] = digest(data)
    if page:
        inputs.page_bytes[path] = data
    if stat is not None and stat[3] < time.time_ns() - SETTLED_NS:
        inputs.stats[path] = stat


def _files_below(folder: Path) -> Iterator[str]:
    for directory, folders, files in os.walk(folder, followlinks=True):
        folders[:] = sorted(name for name in folders if not IGNORED_NAMES.match(name))
        for name in sorted(files):
            if not IGNORED_NAMES.match(name):
                yield os.path.join(directory, name)
