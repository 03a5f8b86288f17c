"""Post step: check every internal link and anchor in the written HTML.

The model already checked the links content makes; this catches the ones
templates make. It reads our own output, whose attributes are always
double-quoted, so a regular expression is enough and keeps large sites fast.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

ATTR_VALUE = re.compile(r'="([^"]*)"')
"""Any double-quoted attribute value: a search for the literal `="` skips text
fast; the attribute name is then read just before it (see `_attributes`)."""
CHECKED_ATTRIBUTES = ("href", "src", "id")
SKIP_SCHEMES = ("http:", "https:", "mailto:", "tel:")


@dataclass(frozen=True)
class LinkFacts:
    """What the link check needs of one page: its ids and its link targets."""

    ids: frozenset[str]
    targets: tuple[str, ...]


def link_facts(payload: bytes) -> LinkFacts:
    """A page's ids, and the targets of its href and src attributes (unescaped)."""
    ids: set[str] = set()
    targets: list[str] = []
    for name, value in _attributes(payload.decode("utf-8")):
        if name == "id":
            ids.add(value)
        else:
            targets.append(html.unescape(value))
    return LinkFacts(frozenset(ids), tuple(targets))


def check_links(sources: Iterable[str], pages: Mapping[str, LinkFacts],
                files: Collection[str], base_path: str) -> list[str]:
    """Problems as 'file: message', for every broken internal href, src or anchor in the
    pages `sources`; `pages` gives the facts of every HTML page of the site (asked for
    the sources and the pages they link to), `files` names every file of the site."""
    folders = {"/".join(parts[:end]) for parts in (path.split("/") for path in files)
               for end in range(1, len(parts))}
    problems = []
    for source in sources:
        for target in pages[source].targets:
            problem = _problem(source, target, pages, files, folders, base_path)
            if problem:
                problems.append(f"{source}: {problem}")
    return sorted(problems)


def _attributes(text: str) -> list[tuple[str, str]]:
    """(name, value) of every whitespace-preceded href="…", src="…" and id="…"."""
    found = []
    for match in ATTR_VALUE.finditer(text):
        end = match.start()
        for name in CHECKED_ATTRIBUTES:
            start = end - len(name)
            if text.startswith(name, start) and text[start - 1:start].isspace():
                found.append((name, match.group(1)))
                break
    return found


def _problem(source: str, target: str, pages: Mapping[str, LinkFacts],
             files: Collection[str], folders: Collection[str], base_path: str) -> str | None:
    if not target or target.startswith(SKIP_SCHEMES) or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme:
        return f"link '{target}' uses an unexpected scheme"
    if parts.path.startswith("/"):
        if not parts.path.startswith(base_path):
            return f"link '{target}' leaves the site's base path {base_path}"
        path = parts.path[len(base_path):]
    elif parts.path:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(source), parts.path))
        if parts.path.endswith("/"):
            path += "/"
    else:
        path = source
    path = unquote(path)
    if path in ("", "."):
        path = "index.html"
    elif path.endswith("/"):
        path += "index.html"
    if path.startswith(".."):
        return f"link '{target}' leaves the site"
    if path.endswith(".html"):
        if path not in files:
            return f"broken link '{target}': no page {path}"
        if parts.fragment and unquote(parts.fragment) not in pages[path].ids:
            return f"broken anchor '{target}': {path} has no id '{parts.fragment}'"
        return None
    if path not in files and path.rstrip("/") not in folders:
        return f"broken link '{target}': no file {path}"
    return None
