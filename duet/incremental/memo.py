"""The memo: results of the pipeline's pure steps, kept as plain data.

Each entry is keyed by everything its step reads, so an entry is never stale:

- `page:` a page file's checked front matter and problems, by the file's bytes
  (its body is split from the file again, as the loader splits it);
- `md:` what compiling a body gives but its HTML, by the body's text and
  everything else the compiler reads; `html:` the HTML, by its digest;
- `links:` a rendered page's ids and link targets, by the page's digest;
- `templates:` what the templates give (their anchors, their UI strings), by
  the templates' and the site code's bytes; `jinja:` a template's compiled
  code, which Jinja checks against the template's source.

The engine's version (its code, its libraries, Python) is part of every key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

import jinja2
import jinja2.bccache
from markupsafe import Markup

from duet.diagnostics import Diagnostic, Diagnostics
from duet.digests import digest
from duet.incremental.inputs import Inputs, engine_version
from duet.incremental.store import Store
from duet.load.content import (
    Content,
    LoadedPage,
    PageRequest,
    PagesLoader,
    SourcePage,
    split_front_matter,
)
from duet.load.schema import Record, TextStart
from duet.load.yamlsource import Where, decode_text
from duet.model.markdown import BodyFacts, GlossaryIndex, Heading, LinkContext, LinkRef
from duet.model.site import GLOSSARY, Bodies, Compile, CompileJob, Site, compile_job, glossary_index
from duet.publish.linkcheck import LinkFacts

T = TypeVar("T")


class Memo:
    """The pure steps of builds over one set of inputs, answered from `store`."""

    def __init__(self, store: Store, inputs: Inputs) -> None:
        self.store = store
        self.inputs = inputs

    # -- stage 1: page files ---------------------------------------------------

    def page_key(self, request: PageRequest) -> str:
        path, relative, config = request
        return digest(repr(("page", engine_version(), path, relative, config.codes,
                            self.inputs.digests.get(path))))

    def pages_loader(self, load_all: PagesLoader) -> PagesLoader:
        """`load_all`, answered from the memo for page files it has seen."""
        def load(requests: list[PageRequest]) -> list[LoadedPage]:
            keys = [self.page_key(request) for request in requests]
            found = self.store.get_many(keys)
            missing = [index for index, key in enumerate(keys) if key not in found]
            fresh = dict(zip(missing, load_all([requests[index] for index in missing]),
                             strict=True))
            for index, (page, problems) in fresh.items():
                self.remember_page(keys[index], page, problems)
            return [fresh[index] if index in fresh else self.page_from(found[key])
                    for index, key in enumerate(keys)]

        return load

    def remember_page(self, key: str, page: SourcePage | None,
                      problems: list[Diagnostic]) -> None:
        plain = plain_page(page) if page is not None else None
        if page is None or plain is not None:
            self.store.put(key, (plain, [plain_diagnostic(d) for d in problems]))

    def page_from(self, stored: tuple[object, list[tuple[str, int, int, str, str]]]
                  ) -> LoadedPage:
        plain, problems = stored
        page = None
        if plain is not None:
            path: str
            key: str
            lang: str
            values: dict[str, object]
            line: int
            col: int
            places: dict[str, tuple[int, int, bool]]
            path, key, lang, values, line, col, places = plain  # type: ignore[misc]
            _, body, body_line = split_front_matter(decode_text(self.inputs.page(path)))
            file = Path(path)
            front = Record({name: _value(value) for name, value in values.items()},
                           Where(file, line, col), _places(path, places))
            page = SourcePage(file, key, lang, front, body, body_line)
        return page, [Diagnostic(*problem) for problem in problems]  # type: ignore[arg-type]

    # -- stage 2: compiled bodies ------------------------------------------------

    def compiler(self, compile_all: Compile) -> Compile:
        """`compile_all`, answered from the memo for bodies it has compiled before."""
        def compile_cached(jobs: list[CompileJob]) -> Bodies:
            keys = compile_keys(jobs)
            found = self.store.get_many(keys)
            missing = [index for index, key in enumerate(keys) if key not in found]
            fresh = compile_all([jobs[index] for index in missing])
            facts: list[BodyFacts | None] = [None] * len(jobs)
            for index, made in zip(missing, fresh.facts, strict=True):
                facts[index] = made
                self.store.put(keys[index], plain_facts(made))
                self.store.put(f"html:{made.html_digest}", str(fresh.html[made.html_digest]))
            for index, key in enumerate(keys):
                if facts[index] is None:
                    made = facts[index] = facts_from(found[key])
                    self.store.keep(f"html:{made.html_digest}")
            return Bodies([made for made in facts if made is not None],
                          StoredBodies(self.store, fresh.html))

        return compile_cached

    # -- what the templates give ---------------------------------------------------

    def from_templates(self, name: str, compute: Callable[[Diagnostics], T],
                       folders: list[Path], diagnostics: Diagnostics) -> T:
        """`compute(diagnostics)`, a pure function of the files below `folders` (the
        templates and the site's code), answered from the memo when they are unchanged.
        `T` must be plain data (or sets of strings)."""
        code = tuple(str(folder) for folder in folders)
        key = digest(repr(("templates", name, engine_version(), code, sorted(
            item for item in self.inputs.digests.items() if item[0].startswith(code)))))
        found = self.store.get(key)
        if found is None:
            captured = Diagnostics()
            found = (compute(captured), [plain_diagnostic(d) for d in captured.items])
            self.store.put(key, found)
        value, problems = found
        diagnostics.items.extend(Diagnostic(*problem) for problem in problems)
        result: T = value
        return result

    def bytecode_cache(self) -> jinja2.BytecodeCache:
        return StoredBytecode(self.store)

    # -- after the render ---------------------------------------------------------

    def link_facts(self, page_digest: str) -> LinkFacts | None:
        return self.many_link_facts([page_digest]).get(page_digest)

    def many_link_facts(self, page_digests: list[str]) -> dict[str, LinkFacts]:
        """The link facts the memo has of these pages, by digest."""
        found = self.store.get_many(f"links:{page_digest}" for page_digest in page_digests)
        return {key.removeprefix("links:"): LinkFacts(frozenset(ids), tuple(targets))
                for key, (ids, targets) in found.items()}

    def remember_link_facts(self, page_digest: str, facts: LinkFacts) -> None:
        self.store.put(f"links:{page_digest}", (facts.ids, facts.targets))

    def remember_site(self, content: Content, site: Site, root: Path,
                      warnings: list[Diagnostic]) -> None:
        """Keep what a plain build made of the page files and bodies: the next build
        (an incremental one) takes it from here instead of making it again. A page
        file with a warning is left to be loaded again (its warning with it)."""
        config = content.config
        prefix = len(str(root)) + 1
        warned = {warning.path for warning in warnings}
        for source in content.pages:
            path = str(source.path)
            if (not source.derived and path in self.inputs.digests
                    and (not warned or Diagnostics.display(path) not in warned)):
                self.remember_page(self.page_key((path, path[prefix:], config)), source, [])
        glossary = glossary_index(content.data.get(GLOSSARY, []), config.codes)
        pages = site.all_pages()
        jobs = [compile_job(config, glossary, page.key, page.lang, page._source)
                for page in pages]
        for key, page in zip(compile_keys(jobs), pages, strict=True):
            facts = page._compiled
            self.store.put(key, plain_facts(facts))
            self.store.put(f"html:{facts.html_digest}", str(page._bodies[facts.html_digest]))


class StoredBodies(Mapping[str, Markup]):
    """Bodies' HTML by digest: those just compiled, and the memo's (read when a page
    reads its body: most builds render a few pages)."""

    def __init__(self, store: Store, fresh: Mapping[str, Markup]) -> None:
        self.store = store
        self.fresh = fresh

    def __getitem__(self, html_digest: str) -> Markup:
        if html_digest in self.fresh:
            return self.fresh[html_digest]
        found = self.store.get(f"html:{html_digest}")
        if found is None:
            raise LookupError(f"the build cache lost a page body ({html_digest}); "
                              "build again with --clean")
        return Markup(found)

    def __iter__(self) -> Iterator[str]:
        return iter(self.fresh)

    def __len__(self) -> int:
        return len(self.fresh)


class StoredBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in the memo: Jinja checks each against its source."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(f"jinja:{engine_version()}:{bucket.key}")
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store.put(f"jinja:{engine_version()}:{bucket.key}", bucket.bytecode_to_string())


def compile_keys(jobs: list[CompileJob]) -> list[str]:
    """Each job's memo key: everything the compiler reads."""
    glossaries: dict[int, str] = {}
    contexts: dict[LinkContext, str] = {}
    engine = engine_version()

    def key(job: CompileJob) -> str:
        glossary: GlossaryIndex = job.glossary
        if id(glossary) not in glossaries:
            glossaries[id(glossary)] = digest(repr(glossary.forms))
        if job.links not in contexts:
            contexts[job.links] = repr(job.links)
        # the body hashed on its own (repr() of a whole page costs three times its digest)
        return digest(f"md {engine} {digest(job.source)} {contexts[job.links]} "
                      f"{glossaries[id(glossary)]} {job.autolink_terms} {job.line_offset}")

    return [key(job) for job in jobs]


# -- plain data ---------------------------------------------------------------------

def plain_facts(facts: BodyFacts) -> tuple[object, ...]:
    return ([(link.kind, link.key, link.anchor, link.line, link.col) for link in facts.links],
            [(h.id, h.level, h.text) for h in facts.headings],
            [tuple(problem) for problem in facts.problems], list(facts.terms),
            facts.html_digest, facts.outline_digest)


def facts_from(plain: tuple[object, ...]) -> BodyFacts:
    links, headings, problems, terms, html_digest, outline_digest = plain
    return BodyFacts(str(html_digest), str(outline_digest),
                     [LinkRef(*link) for link in links],  # type: ignore[attr-defined]
                     [Heading(*heading) for heading in headings],  # type: ignore[attr-defined]
                     [tuple(problem) for problem in problems],  # type: ignore[attr-defined]
                     list(terms))  # type: ignore[call-overload]


def plain_page(page: SourcePage) -> tuple[object, ...] | None:
    """A loaded page without its body, as plain data; None if its front matter holds a
    value of a kind this does not know (the page is then loaded again each build)."""
    try:
        values = {name: _plain(value) for name, value in page.front.items()}
    except TypeError:
        return None
    where = page.front.where
    return (str(page.path), page.key, page.lang, values, where.line, where.col,
            _plain_places(page.front))


def _plain_places(record: Record) -> dict[str, tuple[int, int, bool]]:
    """Where a record's string fields start (`Record.value_places`), as plain data."""
    return {name: (place.line, place.col, place.exact)
            for name, place in record.value_places.items()}


def _places(path: str, plain: dict[str, tuple[int, int, bool]]) -> dict[str, TextStart]:
    return {name: TextStart(Path(path), line, col, exact)
            for name, (line, col, exact) in plain.items()}


def _plain(value: object) -> object:
    """A front matter value as plain data: scalars as they are, a date, a list and a
    record (a page's `sources`) tagged; TypeError for anything else."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return ("date", value.isoformat())
    if isinstance(value, list):
        return ("list", [_plain(item) for item in value])
    if isinstance(value, Record):
        where = value.where
        return ("record", {name: _plain(item) for name, item in value.items()},
                str(where.path), where.line, where.col, _plain_places(value))
    raise TypeError(f"no plain form for {type(value).__name__}")


def _value(plain: object) -> object:
    if not isinstance(plain, tuple):
        return plain
    if plain[0] == "date":
        return dt.date.fromisoformat(plain[1])
    if plain[0] == "list":
        return [_value(item) for item in plain[1]]
    _, values, path, line, col, places = plain
    return Record({name: _value(item) for name, item in values.items()},
                  Where(Path(path), line, col), _places(path, places))


def plain_diagnostic(diagnostic: Diagnostic) -> tuple[str, int, int, str, str]:
    return (diagnostic.path, diagnostic.line, diagnostic.col, diagnostic.message,
            diagnostic.severity)
