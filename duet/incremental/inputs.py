"""What a build is made from: every input file's digest, and the engine's own."""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from duet.digests import digest
from duet.load.content import IGNORED_NAMES

if TYPE_CHECKING:
    from duet.build import BuildOptions

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "pyyaml", "babel", "pagefind",
             "markupsafe", "opencc")


@functools.cache
def engine_version() -> str:
    """The engine's code, the libraries it uses and Python: a change to any of them
    makes every key different. Taken once per process, from the code imported."""
    code = "".join(digest(path.read_bytes()) for path in sorted(PACKAGE_DIR.rglob("*.py")))
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


@dataclass(frozen=True)
class Inputs:
    """Every input file as a build found it: its digest, and the bytes of page files."""

    digests: dict[str, str]
    pages: dict[str, bytes]

    @functools.cached_property
    def digest(self) -> str:
        return digest(repr(sorted(self.digests.items())))


def scan_inputs(options: BuildOptions) -> Inputs:
    """Read every file below the source folders (content, templates, static, locales and
    the site's hooks)."""
    inputs = Inputs({}, {})
    for folder in options.source_folders():
        for path in _files_below(folder):
            _read(path, inputs, str(options.content_dir))
    return inputs


def rescan_inputs(options: BuildOptions, last: Inputs, changed: set[str]) -> Inputs:
    """`last` with the files a watcher saw change read again: the dev server's scan,
    equal to `scan_inputs`. A folder that appeared or went, or a path outside the
    source folders, means a full scan."""
    roots = [(str(folder.resolve()) + os.sep, str(folder) + os.sep)
             for folder in options.source_folders()]
    inputs = Inputs(dict(last.digests), dict(last.pages))
    for resolved in changed:
        root = next((root for root in roots if resolved.startswith(root[0])), None)
        if root is None:
            return scan_inputs(options)
        relative = resolved[len(root[0]):]
        path = root[1] + relative  # as scan_inputs spells it
        if os.path.isdir(path) or (path not in last.digests and not os.path.exists(path)):
            return scan_inputs(options)
        if any(IGNORED_NAMES.match(part) for part in relative.split(os.sep)):
            continue
        inputs.digests.pop(path, None)
        inputs.pages.pop(path, None)
        _read(path, inputs, str(options.content_dir))
    return Inputs(dict(sorted(inputs.digests.items(), key=lambda item: item[0].split(os.sep))),
                  inputs.pages)


def _read(path: str, inputs: Inputs, content: str) -> None:
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError:
        return  # gone since it was listed, or unreadable: the load reports it
    inputs.digests[path] = digest(data)
    if path.endswith(".md") and path.startswith(content):
        inputs.pages[path] = data


def _files_below(folder: Path) -> Iterator[str]:
    for directory, folders, files in os.walk(folder, followlinks=True):
        folders[:] = sorted(name for name in folders if not IGNORED_NAMES.match(name))
        for name in sorted(files):
            if not IGNORED_NAMES.match(name):
                yield os.path.join(directory, name)
