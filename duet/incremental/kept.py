"""The site model a process built last, kept for its next build (the dev server's).

A model is made from the site's *shape* (every input but the pages' bodies:
site.yaml, data, templates, the site's hooks, each page file's path and front
matter; `Memo.shape`) and, of each page body, what compiling it gives. When
the shape is unchanged, the next build takes the kept model and gives the
pages whose files changed their new bodies (model/bodies.py), instead of
loading every page and making the model again. Whatever stops that (a body
with problems or a new outline, a changed file with warnings) means the model
is made anew.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from duet.diagnostics import Diagnostic
from duet.digests import digest
from duet.incremental.inputs import Inputs
from duet.incremental.memo import Memo
from duet.load.content import Content, PagesLoader, SourcePage
from duet.model.bodies import swap_bodies
from duet.model.site import Compile, Site


@dataclass
class KeptModel:
    shape: str
    content: Content
    site: Site
    page_files: dict[str, str]
    """Each page file's digest when its body was loaded."""
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

    def changed_files(self, inputs: Inputs) -> list[str]:
        """The page files whose bytes differ from those the model was made from."""
        return [path for path, was in self.page_files.items()
                if inputs.digests.get(path) != was]


def keep(shape: str, content: Content, site: Site, inputs: Inputs,
         warnings: tuple[list[Diagnostic], list[Diagnostic]], store_keys: set[str]
         ) -> KeptModel:
    page_files = {str(page.path): inputs.digests.get(str(page.path), "")
                  for page in content.pages if not page.derived}
    outlines = [(page.lang, page.key, page.is_fallback, page.content_lang,
                 page._compiled.outline) for page in site.all_pages()]
    return KeptModel(shape, content, site, page_files, *warnings, store_keys,
                     digest(repr(outlines)))


def take_kept(kept: KeptModel | None, memo: Memo, load: PagesLoader, compile_all: Compile
              ) -> KeptModel | None:
    """`kept` brought up to date with the inputs `memo` scanned, when only page bodies
    changed since it was made: the changed page files loaded with `load` and their
    bodies swapped in (model/bodies.py). None, the model untouched, otherwise."""
    if kept is None:
        return None
    inputs = memo.inputs
    changed = kept.changed_files(inputs)
    for path in changed:
        if path in inputs.pages:
            memo.front_digest(path)
    if kept.shape != memo.shape() or ({str(Path(path)) for path in changed}
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
    kept.page_files.update((path, inputs.digests[path]) for path in changed)
    return kept
