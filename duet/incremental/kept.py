"""The site model a build made, kept for the next build: in memory by the dev server,
in the store by the command line.

A model is made from the site's *shape* (every input but the pages' bodies:
site.yaml, data, templates, the site's hooks, each page file's path and front
matter; `Memo.shape`) and, of each page body, what compiling it gives. When
the shape is unchanged, the next build takes the kept model and gives the
pages whose files changed their new bodies (model/bodies.py), instead of
loading every page and making the model again. Whatever stops that (a body
with problems or a new outline, a changed file with warnings) means the model
is made anew.

In the store the model is kept without the bodies' HTML, which the memo holds;
its head (the shape and the page files it was made from) is stored first, so a
build whose shape differs reads no more than that.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duet.diagnostics import Diagnostic
from duet.digests import digest
from duet.fetched import FETCH
from duet.incremental.memo import Memo
from duet.incremental.store import Store
from duet.load.content import Content, PagesLoader, SourcePage
from duet.model.bodies import swap_bodies
from duet.model.markdown import CompiledMarkdown
from duet.model.site import Compile, Site


@dataclass
class ModelHead:
    """What a model was made from, apart from the bodies' text."""

    shape: str
    page_files: dict[str, str]
    """Each page file's digest when its body was loaded."""
    fronts: dict[str, str]
    """Each page file's front matter, hashed (`Memo.front_digest`)."""

    def changes(self, memo: Memo) -> list[str] | None:
        """The page files that changed since, if nothing but their bodies did: the
        inputs `memo` scanned have the same shape. None otherwise. The memo learns the
        front digests of the files that did not change from this head."""
        inputs = memo.inputs
        changed = [path for path, was in self.page_files.items()
                   if inputs.digests.get(path) != was]
        memo.front_digests.update(self.fronts)
        for path in changed:
            if path in inputs.pages:
                memo.front_digest(path)
        return changed if memo.shape() == self.shape else None


@dataclass
class KeptModel:
    head: ModelHead
    content: Content
    site: Site
    load_warnings: list[Diagnostic]
    model_warnings: list[Diagnostic]
    """What loading the content and making the model reported (warnings only: a build
    with errors keeps no model)."""
    store_keys: set[str]
    """The memo entries the model was made from (the bodies' HTML among them): each
    build that takes the model counts them as used, so that none is pruned."""
    outlines: str
    """A digest of every page's place in the model and its body's outline: what the
    site's structure counts of the bodies (the same after a swap, by construction)."""


def keep(content: Content, site: Site, memo: Memo,
         warnings: tuple[list[Diagnostic], list[Diagnostic]], store_keys: set[str]
         ) -> KeptModel:
    """The model just made from the inputs `memo` scanned, to keep."""
    paths = [str(page.path) for page in content.pages if not page.derived]
    head = ModelHead(memo.shape(), {path: memo.inputs.digests.get(path, "") for path in paths},
                     {path: memo.front_digests.get(path, "") for path in paths})
    outlines = [(page.lang, page.key, page.is_fallback, page.content_lang,
                 page._compiled.outline) for page in site.all_pages()]
    return KeptModel(head, content, site, *warnings, store_keys, digest(repr(outlines)))


def take_kept(kept: KeptModel | None, memo: Memo, load: PagesLoader, compile_all: Compile,
              store: Store | None = None) -> KeptModel | None:
    """`kept`, or else the model kept in `store`, brought up to date with the inputs
    `memo` scanned, when only page bodies changed since it was made: the changed page
    files loaded with `load` and their bodies swapped in (model/bodies.py). None
    otherwise (an in-memory `kept` is then left as it was)."""
    changed = kept.head.changes(memo) if kept is not None else None
    if changed is None and store is not None and (stored := stored_model(store, memo)):
        kept, changed = stored
    if kept is None or changed is None or ({str(Path(path)) for path in changed}
                                           & {warning.path for warning in kept.load_warnings}):
        return None
    root = len(str(memo.options.content_dir)) + len(os.sep)
    fresh: dict[Path, SourcePage] = {}
    for page, problems in load([(path, path[root:], kept.content.config) for path in changed]):
        if page is None or problems:
            return None
        fresh[page.path] = page
    if not swap_bodies(kept.site, kept.content, fresh, compile_all):
        return None
    kept.head.page_files.update((path, memo.inputs.digests[path]) for path in changed)
    kept.head.fronts.update((path, memo.front_digests[path]) for path in changed)
    return kept


def stored_model(store: Store, memo: Memo) -> tuple[KeptModel, list[str]] | None:
    """The model `save` kept in `store`, if the inputs `memo` scanned have its shape (its
    bodies' HTML read from the memo when a page is rendered), and the page files
    changed since."""
    changes: list[list[str]] = []

    def fits(head: Any) -> bool:
        changed = head.changes(memo) if isinstance(head, ModelHead) else None
        changes.extend([changed] if changed is not None else [])
        return changed is not None

    kept = store.read_large(fits)
    if not isinstance(kept, KeptModel) or not changes:
        return None
    html, body = memo.html, memo.body
    for page in kept.site.all_pages():
        page._compiled.fetch_from(html)
    for source in kept.content.pages:
        source.fetch_from(body)
    return kept, changes[0]


def save(store: Store, kept: KeptModel) -> None:
    """Keep `kept` in `store` for the next build, its bodies' HTML left in the memo and
    its written pages' bodies in their files."""
    store.write_large(kept.head, kept, {CompiledMarkdown: _without_html,
                                        SourcePage: _without_body, PATH: _path_as_text})


PATH = type(Path())


def _without_html(compiled: CompiledMarkdown) -> tuple[Any, ...]:
    return CompiledMarkdown.from_facts, (compiled.facts(), None)


def _without_body(page: SourcePage) -> tuple[Any, ...]:
    """A written page without its body, which its file gives back (`stored_model`): the
    bodies are three quarters of the model's bytes."""
    state = {name: value for name, value in vars(page).items()
             if name != FETCH and (name != "body" or page.derived)}
    return object.__new__, (SourcePage,), state


def _path_as_text(path: Path) -> tuple[Any, ...]:
    """A path as one string: read back in 60 % of the time its parts take (a model holds
    one per page)."""
    return PATH, (str(path),)
