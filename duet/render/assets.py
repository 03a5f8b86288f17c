"""Content-fingerprinted names for the theme's static files.

`site.css` is published as `site.3f2a9c1d.css` as well, the eight hex digits
taken from its bytes: pages name the fingerprinted file (templates call
`asset('site.css')`), so a browser or CDN may keep it forever, and a
redeployed site whose styles changed names a new file instead of serving new
markup against an old stylesheet.

A stylesheet or script that names another static file (`url(icons.svg)` or
`@import "base.css"` in CSS, a `"./search-ui.js"` string in JavaScript) names
its fingerprinted file, and its own fingerprint is taken after that rewrite:
a change to the file it names changes its name too. References are relative
to the file; those that name no static file, or that go round in a cycle,
are left as written (the plain names stay published).

Pure: names and bytes in, names and bytes out.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from duet.digests import digest

STATIC_PREFIX = "static/"
"""Where the theme's static files are published in the site."""
FINGERPRINT_LENGTH = 8
FINGERPRINT = re.compile(rf"\.[0-9a-f]{{{FINGERPRINT_LENGTH}}}(?=\.[^./]+$)")
REWRITTEN = (".css", ".js", ".mjs")
"""Text files whose references to other static files are rewritten."""
CSS_REFERENCE = re.compile(r"""(url\(\s*["']?|@import\s+["'])([^"')\s]+)""")
JS_REFERENCE = re.compile(r"""(["'`])(\.\.?/[^"'`\s]+)(?=\1)""")


@dataclass(frozen=True)
class Assets:
    names: dict[str, str]
    """Each static file's fingerprinted name, by its name (paths relative to static/)."""
    rewritten: dict[str, bytes]
    """The bytes of each fingerprinted file whose references were rewritten."""

    @property
    def fingerprint(self) -> str:
        """One fingerprint of every name: changes whenever a page's references would."""
        return digest("".join(f"{name}\0{self.names[name]}\0" for name in sorted(self.names)))


def fingerprinted_name(name: str, content_hash: str) -> str:
    """`css/site.css` with hash `3f2a9c1d…` → `css/site.3f2a9c1d.css`."""
    folder, base = posixpath.split(name)
    stem, dot, suffix = base.rpartition(".")
    if not stem:  # no suffix, or a dotfile
        stem, dot, suffix = base, "", ""
    named = f"{stem}.{content_hash[:FINGERPRINT_LENGTH]}{dot}{suffix}"
    return posixpath.join(folder, named)


def fingerprint(hashes: Mapping[str, str], read: Callable[[str], bytes]) -> Assets:
    """The fingerprinted names of static files, given each one's content hash (the
    digest of its bytes) and `read(name)` for the bytes of CSS and JavaScript."""
    texts = {name: read(name) for name in hashes if name.endswith(REWRITTEN)}
    refers = {name: _references(name, text, hashes) for name, text in texts.items()}
    names: dict[str, str] = {}
    rewritten: dict[str, bytes] = {}
    resolving: set[str] = set()

    def resolve(name: str) -> str | None:
        """The name's fingerprinted name; None inside a cycle."""
        if name in names:
            return names[name]
        if name in resolving:
            return None
        if name not in texts:
            names[name] = fingerprinted_name(name, hashes[name])
            return names[name]
        resolving.add(name)
        targets = {target: resolve(target) for target in refers[name]}
        resolving.discard(name)
        text = _rewrite(name, texts[name], {target: new for target, new in targets.items()
                                            if new is not None})
        names[name] = fingerprinted_name(name, digest(text) if text != texts[name]
                                         else hashes[name])
        if text != texts[name]:
            rewritten[names[name]] = text
        return names[name]

    for name in sorted(hashes):
        resolve(name)
    return Assets(names, rewritten)


def _pattern(name: str) -> re.Pattern[str]:
    return CSS_REFERENCE if name.endswith(".css") else JS_REFERENCE


def _references(name: str, text: bytes, known: Mapping[str, str]) -> set[str]:
    """The other static files `text` names."""
    decoded = text.decode("utf-8", "surrogateescape")
    targets = {_target(name, match.group(2)) for match in _pattern(name).finditer(decoded)}
    return {target for target in targets if target in known and target != name}


def _split(reference: str) -> tuple[str, str]:
    """A reference's path, and its query or fragment."""
    path = re.split(r"[?#]", reference, maxsplit=1)[0]
    return path, reference[len(path):]


def _target(name: str, reference: str) -> str:
    """The static file a relative reference names, relative to `name`'s folder; "" when
    it is not relative."""
    path, _ = _split(reference)
    if not path or ":" in path or path.startswith("/"):
        return ""
    return posixpath.normpath(posixpath.join(posixpath.dirname(name), path))


def _rewrite(name: str, text: bytes, renamed: Mapping[str, str]) -> bytes:
    """`text` with each reference to a file in `renamed` naming its fingerprinted file."""
    if not renamed:
        return text

    def replace(match: re.Match[str]) -> str:
        target = _target(name, match.group(2))
        if target not in renamed:
            return match.group(0)
        path, suffix = _split(match.group(2))
        folder = posixpath.dirname(path)
        new = posixpath.basename(renamed[target])
        return match.group(1) + (f"{folder}/{new}" if folder else new) + suffix

    decoded = text.decode("utf-8", "surrogateescape")
    return _pattern(name).sub(replace, decoded).encode("utf-8", "surrogateescape")


def static_source(static_dir: Path, published: str) -> Path:
    """The file of `static_dir` a published static file (`site.css` or its fingerprinted
    copy `site.7473984a.css`, relative to the static folder) comes from."""
    exact = static_dir / published
    return exact if exact.is_file() else static_dir / FINGERPRINT.sub("", published)
