"""The dev server's model, kept in memory from one build to the next.

The model is made from the content (every input file, page bodies aside) and,
of each page body, what compiling it gives (`BodyFacts`); `build_site_model`
reads a body through its compile alone. So when only page files changed, each
still loads without problems to the same front matter, and each body it makes
compiles to the same facts but its HTML (same headings, terms, links and
problems, at the same lines), the model made anew would be the kept one with
those pages' sources, facts and HTML in place of the old, and would give the
same warnings: that is what `with_new_bodies` makes. Anything else, and the
build makes the model anew.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from duet.diagnostics import Diagnostics
from duet.load.content import SourcePage, load_page_captured
from duet.load.derive import derive_page
from duet.model.site import GLOSSARY, Compile, compile_job, glossary_index
from duet.steps import BuildReport, KeptModel


def with_new_bodies(kept: KeptModel, changed: list[str], content_dir: Path,
                    compile_all: Compile, report: BuildReport) -> KeptModel | None:
    """`kept` with the page files `changed` loaded again, if only their bodies changed
    (module docstring); None otherwise. `kept` itself is changed only on success."""
    content, site = kept.content, kept.site
    config = content.config
    warned = {warning.path for warning in kept.load_warnings}
    if any(Diagnostics.display(path) in warned for path in changed):
        return None
    sources = {str(source.path): source for source in content.pages if not source.derived}
    if not changed or any(path not in sources for path in changed):
        return None
    fresh: dict[str, SourcePage] = {}
    for path in changed:
        old = sources[path]
        new, problems = load_page_captured((path, str(Path(path).relative_to(content_dir)),
                                            config))
        report.parsed += 1
        if (problems or new is None or new.key != old.key or new.lang != old.lang
                or dict(new.front) != dict(old.front) or new.front.where != old.front.where):
            return None
        fresh[path] = new
    converters = {code: convert for code, _, convert in config.derived()}
    affected = [page for page in site.all_pages() if str(page._source.path) in fresh]
    made: dict[int, SourcePage] = {}
    for page in affected:
        old = page._source
        if id(old) not in made:
            new = fresh[str(old.path)]
            made[id(old)] = derive_page(new, old.lang, converters[old.lang]) if old.derived else new
    glossary = glossary_index(content.data.get(GLOSSARY, []), config.codes)
    bodies = compile_all([compile_job(config, glossary, page.key, page.lang,
                                      made[id(page._source)]) for page in affected])
    if any(dataclasses.replace(facts, html_digest=page._compiled.html_digest) != page._compiled
           for page, facts in zip(affected, bodies.facts, strict=True)):
        return None
    content.pages = [made.get(id(source), source) for source in content.pages]
    for page, facts in zip(affected, bodies.facts, strict=True):
        page._source, page._compiled, page._bodies = made[id(page._source)], facts, bodies.html
    return kept
