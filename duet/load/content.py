"""Stage 1, load: read site.yaml, every page and every data file, and check them.

Nothing here knows about HTML; problems go to the diagnostics list and loading
carries on, so one build reports every problem at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from duet.diagnostics import Diagnostic, Diagnostics
from duet.load.config import Config, load_config, report_missing, reported
from duet.load.derive import (
    CONVERSIONS_FILE,
    derive_page,
    derive_value,
)
from duet.load.hooks import NO_HOOK, Hook
from duet.load.schema import INVALID, Check, Context, Record
from duet.load.schemas import FRONT_MATTER, engine_collections
from duet.load.yamlsource import Where, parse_yaml, read_text

PAGE_NAME = re.compile(r"^(?P<stem>.+)\.(?P<lang>[A-Za-z-]+)\.md$")
PATH_SEGMENT = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
DATA_DIR = "data"
SITE_FILE = "site.yaml"
RECORD_FILE = "translations.yaml"
"""The translation record (duet/drift): read by the drift check, not as content."""
RECORD_TEXTS_FILE = "translations.texts.yaml"
"""The record's accepted texts (duet/drift/texts.py): read by `duet translations` alone."""
IGNORED_NAMES = re.compile(r"^(\..*|.*~|#.*#|.*\.swp|.*\.tmp)$")


@dataclass
class SourcePage:
    """One Markdown file: front matter checked, body not yet compiled."""

    path: Path
    key: str
    lang: str
    front: Record
    body: str
    body_line: int
    derived: bool = False
    """Made from the source language's page (duet/load/derive.py), not written."""


@dataclass
class Content:
    config: Config
    pages: list[SourcePage] = field(default_factory=list)
    data: dict[str, list[Record]] = field(default_factory=dict)
    missing_text: list[tuple[Where, str]] = field(default_factory=list)
    unloaded: set[Path] = field(default_factory=set)
    """Files with errors, read in part or not at all: the checks that depend on them
    are not run (their problems would follow from the reported ones), and their
    translation record is left as it is."""
    schemas: dict[str, Check] | None = None
    """The schema of every collection the site may hold: the engine's and its hooks';
    None: the engine's alone."""

    def __post_init__(self) -> None:
        if self.schemas is None:
            self.schemas = engine_collections(self.config.codes,
                                              derived=self.config.derived_codes)

    def loaded(self, collection: str) -> bool:
        """Whether the data collection was read without errors (or is absent)."""
        return not any(path.parent.name == DATA_DIR and path.stem == collection
                       for path in self.unloaded)


PageRequest = tuple[str, str, Config]
"""A page file to load: its path, its path inside the content folder, the site config."""

LoadedPage = tuple[SourcePage | None, list[Diagnostic]]
"""A loaded page (None if unusable) and the problems found in it."""

PagesLoader = Callable[[list[PageRequest]], list[LoadedPage]]


def load_content(content_dir: Path, diagnostics: Diagnostics,
                 base_url: str | None = None,
                 pages_loader: PagesLoader | None = None,
                 hook: Hook = NO_HOOK, config: Config | None = None) -> Content | None:
    """Load and validate everything under `content_dir`; None if site.yaml is unusable.

    `pages_loader(requests)` loads all the pages at once, in order (on every
    core, or from a build's cache); `hook` adds the site's own collections to
    the engine's; `config`, site.yaml as `load_config` gave it, if it was loaded
    first. Problems are reported in file order."""
    pages_loader = pages_loader or load_pages
    config = config or load_config(content_dir / SITE_FILE, diagnostics, base_url)
    if config is None:
        return None
    content = Content(config, schemas={
        **engine_collections(config.codes, hook.glossary_fields, config.derived_codes),
        **hook.collections})
    root = len(str(content_dir)) + len(os.sep)
    paths = discover_files(content_dir, diagnostics)
    data_prefix = DATA_DIR + os.sep
    loaded = iter(pages_loader([(path, path[root:], config) for path in paths
                                if path.endswith(".md")
                                and not path[root:].startswith(data_prefix)]))
    for path in paths:
        relative = path[root:]
        if relative.startswith(data_prefix):
            errors = len(diagnostics.errors)
            load_collection(Path(path), content, diagnostics)
            if len(diagnostics.errors) > errors:
                content.unloaded.add(Path(path))
        elif relative.endswith(".md"):
            page, problems = next(loaded)
            diagnostics.items.extend(problems)
            if page is not None:
                content.pages.append(page)
            if page is None or any(p.severity == "error" for p in problems):
                content.unloaded.add(Path(path))
        elif relative not in (SITE_FILE, RECORD_FILE, RECORD_TEXTS_FILE, CONVERSIONS_FILE):
            diagnostics.warning(Path(path), 0, 0, "ignored: only Markdown pages (.md) and "
                                                  "data/*.yaml belong in the content folder")
    derive_content(content)
    report_missing([(where, lang) for where, lang in content.missing_text
                     if lang not in config.derived_codes], diagnostics)
    return content


def derive_content(content: Content) -> None:
    """Add each derived language's pages and data texts where the content has none of
    its own: a page of the source language without a hand-written file in the derived
    language is converted, and so is a source text without the derived language's."""
    derived = content.config.derived()
    if not derived:
        return
    written = {(page.lang, page.key) for page in content.pages}
    content.pages.extend(derive_page(page, code, convert)
                         for code, source, convert in derived
                         for page in list(content.pages)
                         if page.lang == source and (code, page.key) not in written)
    content.data = {name: derive_value(items, derived) for name, items in content.data.items()}


def discover_files(content_dir: Path, diagnostics: Diagnostics) -> list[str]:
    """Every content file, sorted as paths sort; symlinks that leave the folder are
    refused, and a folder reached twice through symlinks is read once."""
    root = content_dir.resolve()
    found: list[str] = []
    pending = [str(content_dir)]
    seen: set[tuple[int, int]] = set()
    while pending:
        directory = pending.pop()
        try:
            info = os.stat(directory)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(directory) as entries:
                listed = sorted((entry for entry in entries
                                 if not IGNORED_NAMES.match(entry.name)),
                                key=lambda entry: entry.name)
        except OSError as exc:
            diagnostics.error(Path(directory), 0, 0,
                              f"cannot read this folder: {exc.strerror or exc}")
            continue
        for entry in listed:
            if entry.is_symlink() and _escapes(Path(entry.path), root, diagnostics):
                continue
            if entry.is_dir():
                pending.append(entry.path)
            else:
                found.append(entry.path)
    return sorted(found, key=lambda path: path.split(os.sep))


def _escapes(path: Path, root: Path, diagnostics: Diagnostics) -> bool:
    target = path.resolve()
    if target == root or root in target.parents:
        return False
    diagnostics.error(path, 0, 0, f"symbolic link points outside the content folder "
                                  f"(to {target}); content must live inside it")
    return True


def load_pages(requests: list[PageRequest]) -> list[LoadedPage]:
    """Each requested page loaded in turn, with its own problems."""
    return [load_page_captured(request) for request in requests]


def load_page_captured(request: PageRequest) -> LoadedPage:
    """`load_page` with the paths as strings and the problems returned."""
    path, relative, config = request
    captured = Diagnostics()
    page = load_page(Path(path), PurePath(relative), config, captured)
    return page, captured.items


def load_page(path: Path, relative: PurePath, config: Config,
              diagnostics: Diagnostics) -> SourcePage | None:
    match = PAGE_NAME.match(relative.name)
    if not match or match["lang"] not in config.codes:
        expected = " or ".join(f"'.{code}.md'" for code in config.codes)
        diagnostics.error(path, 0, 0, f"a page file name must end in {expected} "
                                      "(one file per language)")
        return None
    segments = [*relative.parent.parts, match["stem"]]
    bad = [s for s in segments if not PATH_SEGMENT.match(s)]
    if bad:
        diagnostics.error(path, 0, 0, f"'{bad[0]}' cannot be part of a URL: page files and "
                                      "folders use lower-case ASCII letters, digits and '-'")
        return None
    if segments[-1] == "index":
        segments.pop()
    key = "/".join(segments) or "index"
    text = read_text(path, diagnostics)
    if text is None:
        return None
    return parse_page(path, key, match["lang"], text, config, diagnostics)


def parse_page(path: Path, key: str, lang: str, text: str, config: Config,
               diagnostics: Diagnostics) -> SourcePage | None:
    """A page's text split into front matter (checked) and body."""
    front_text, body, body_line = split_front_matter(text)
    if front_text is None:
        diagnostics.error(path, 1, 1, "a page starts with front matter: a line '---', YAML with "
                                      "at least 'title:', and another '---'")
        return None
    node = parse_yaml(front_text, path, diagnostics, line_offset=1)
    if node is None:
        if not reported(diagnostics, path):
            diagnostics.error(path, 2, 1, "front matter is empty: it needs at least 'title:'")
        return None
    ctx = Context(path, diagnostics, config.codes, line_offset=1)
    front = FRONT_MATTER.check(node, ctx)
    if front is INVALID:
        return None
    return SourcePage(path, key, lang, front, body, body_line)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split '---' front matter from the body; returns (yaml, body, body's first line).
    Only the front matter's lines are looked at: the body is the rest of the text."""
    start = text.find("\n") + 1
    if not start or text[:start - 1].strip() != "---":
        return None, text, 1
    position, line = start, 2
    while True:
        end = text.find("\n", position)
        if text[position:end if end >= 0 else None].strip() in ("---", "..."):
            return (text[start:max(position - 1, start)],
                    text[end + 1:] if end >= 0 else "", line + 1)
        if end < 0:
            return None, text, 1
        position, line = end + 1, line + 1


def load_collection(path: Path, content: Content, diagnostics: Diagnostics) -> None:
    relative = path.relative_to(path.parent)
    if path.suffix not in (".yaml", ".yml") or path.parent.name != DATA_DIR:
        diagnostics.error(path, 0, 0, "the data folder holds only <collection>.yaml files")
        return
    name = relative.stem
    schemas = content.schemas or {}
    schema = schemas.get(name)
    if schema is None:
        known = ", ".join(sorted(schemas))
        diagnostics.error(path, 0, 0, f"no schema for a collection named '{name}' "
                                      f"(known collections: {known})")
        return
    if name in content.data:
        diagnostics.error(path, 0, 0, f"collection '{name}' is defined twice (.yaml and .yml)")
        return
    text = read_text(path, diagnostics)
    if text is None:
        return
    node = parse_yaml(text, path, diagnostics)
    if node is None:
        if not reported(diagnostics, path):
            diagnostics.error(path, 1, 1, "file is empty: a data file holds a list of items")
        return
    ctx = Context(path, diagnostics, content.config.codes)
    items = schema.check(node, ctx)
    content.missing_text.extend(ctx.missing)
    content.data[name] = items if items is not INVALID else []
