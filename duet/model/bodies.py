"""New bodies in a finished site model, for pages whose files changed below their
front matter.

`build_site_model` reads a page body only through what compiling it gives:
the HTML, the problems and the outline (headings, glossary terms and link
targets). So when every changed body compiles without problems to the same
outline, the model made from the new content is the old one with each changed
page's source and compiled body replaced, and that is what `swap_bodies`
makes. Otherwise it changes nothing and says so; the caller builds the model
anew.
"""

from __future__ import annotations

from pathlib import Path

from duet.load.content import Content, SourcePage
from duet.load.derive import derive_page
from duet.model.site import GLOSSARY, Compile, Site, compile_job, glossary_index


def swap_bodies(site: Site, content: Content, changed: dict[Path, SourcePage],
                compile_all: Compile) -> bool:
    """Give the pages made from the files `changed` (loaded again, front matter as
    before) their new bodies, in `site` and `content`; False, and nothing changed,
    when a new body has problems or a different outline."""
    config = content.config
    converters = {code: convert for code, _, convert in config.derived()}
    # the pages made from a file share its key: its own, its fallbacks, its derivations
    affected = [page for key in dict.fromkeys(new.key for new in changed.values())
                for lang in config.codes
                if (page := site.page(lang, key)) is not None and page._source.path in changed]
    made: dict[int, SourcePage] = {}
    for page in affected:
        old = page._source
        if id(old) not in made:
            new = changed[old.path]
            made[id(old)] = derive_page(new, old.lang, converters[old.lang]) if old.derived else new
    glossary = glossary_index(content.data.get(GLOSSARY, []), config.codes)
    compiled = compile_all([compile_job(config, glossary, page.key, page.lang,
                                        made[id(page._source)]) for page in affected])
    if any(result.problems or result.outline != page._compiled.outline
           for page, result in zip(affected, compiled, strict=True)):
        return False
    content.pages = [made.get(id(source), source) for source in content.pages]
    for page, result in zip(affected, compiled, strict=True):
        page._source, page._compiled = made[id(page._source)], result
    return True
