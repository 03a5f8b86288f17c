"""The memo side of an incremental build: results of pure steps taken from the store.

Each is keyed by everything the step reads, so an entry is never stale: a page
file's checked front matter (by the file's bytes), a compiled body (by its text
and the compiler's inputs), what the templates give (their anchors, their UI
strings, their compiled code, by the templates' and the hooks' bytes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

import jinja2
import jinja2.bccache
from markupsafe import Markup

from duet.diagnostics import Diagnostics
from duet.digests import digest
from duet.incremental.inputs import Inputs, engine_version
from duet.incremental.store import Store
from duet.load.content import LoadedPage, PageRequest, PagesLoader, split_front_matter
from duet.load.yamlsource import decode_text
from duet.model.markdown import CompiledMarkdown, GlossaryIndex
from duet.model.site import Compile, CompileJob

if TYPE_CHECKING:
    from duet.build import BuildOptions

T = TypeVar("T")


class Memo:
    """The stages' pure steps, answered from `store` for the inputs of one build."""

    def __init__(self, options: BuildOptions, store: Store) -> None:
        self.options = options
        self.store = store
        self.inputs = Inputs()
        self.front_digests: dict[str, str] = {}
        """Each page file's front matter, hashed (what the site's structure counts)."""
        self.loaded: dict[str, LoadedPage] = {}
        """The last build's pages, body included, by key: a process that builds again
        (the dev server) takes them as they are."""
        self.body_digests: dict[int, tuple[str, str]] = {}
        """The last build's page bodies and their digests, by the body's identity."""

    def from_templates(self, name: str, compute: Callable[[Diagnostics], T],
                       diagnostics: Diagnostics) -> T:
        """`compute(diagnostics)`, a pure function of the templates and the site's code
        (and the engine), answered from the memo when they are unchanged."""
        code = tuple(str(folder) for folder in (self.options.templates_dir,
                                                  self.options.hooks_dir) if folder)
        key = digest(repr((name, engine_version(), code, sorted(
            item for item in self.inputs.digests.items() if item[0].startswith(code)))))
        found = self.store.get(key)
        if found is None:
            captured = Diagnostics()
            found = (compute(captured), captured.items)
            self.store.put(key, found)
        diagnostics.items.extend(found[1])
        value: T = found[0]
        return value

    def bytecode_cache(self) -> jinja2.BytecodeCache:
        return StoredBytecode(self.store)

    def pages_loader(self, load_all: PagesLoader) -> PagesLoader:
        """`load_all`, answered from the memo for page files whose bytes it has seen; a
        page is kept there without its body, which its file gives back."""
        store, inputs = self.store, self.inputs

        def load(requests: list[PageRequest]) -> list[LoadedPage]:
            keys = []
            for path, relative, config in requests:
                keys.append(digest(repr(("page", engine_version(), path, relative,
                                         config.codes, inputs.digests.get(path)))))
            kept = {key: self.loaded[key] for key in keys if key in self.loaded}
            found = store.get_many(key for key in keys if key not in kept)
            missing = [index for index, key in enumerate(keys)
                       if key not in found and key not in kept]
            fresh = dict(zip(missing, load_all([requests[index] for index in missing]),
                             strict=True))
            results: list[LoadedPage] = []
            for index, key in enumerate(keys):
                path = requests[index][0]
                if key in kept:
                    results.append(kept[key])
                elif index in fresh:
                    page, problems = fresh[index]
                    if path in inputs.pages:
                        front = self.front_digest(path)
                        store.put(key, (replace(page, body="") if page else None, problems,
                                        front))
                    results.append(fresh[index])
                else:
                    page, problems, front = found[key]
                    self.front_digests[path] = front
                    if page is not None:
                        page = replace(page, body=self.body(path))
                    results.append((page, problems))
            self.loaded = dict(zip(keys, results, strict=True))
            return results

        return load

    def shape(self) -> str:
        """Everything the site model is made from but page bodies: the engine, every input
        file but the page files, and each page file's path and front matter."""
        content = str(self.options.content_dir)
        files = [(path, self.front_digests.get(path, value)
                  if path.startswith(content) and path.endswith(".md") else value)
                 for path, value in sorted(self.inputs.digests.items())]
        return digest(repr((engine_version(), self.options.base_url, files)))

    def body(self, path: str) -> str:
        """A page file's body, split from its front matter as the loader splits it."""
        return split_front_matter(decode_text(self.inputs.pages[path]))[1]

    def front_digest(self, path: str) -> str:
        """The digest of a page file's front matter, split as the loader splits it (the
        whole file's, when it is not valid text): what the site's structure counts."""
        try:
            text = decode_text(self.inputs.pages[path])
        except UnicodeDecodeError:
            front = self.inputs.digests[path]
        else:
            front_text = split_front_matter(text)[0]
            front = digest(text if front_text is None else front_text)
        self.front_digests[path] = front
        return front

    def html(self, html_digest: str) -> Markup:
        """A compiled body's HTML, by its digest."""
        found: Markup | None = self.store.get(f"html:{html_digest}")
        if found is None:
            raise LookupError(f"the build cache lost a page body ({html_digest}); "
                              "build again with --clean")
        return found

    def compiler(self, compile_all: Compile) -> Compile:
        """`compile_all`, answered from the memo for bodies it has compiled before; the
        HTML of a body is fetched from the store only when a page reads it."""
        store = self.store

        def compile_cached(jobs: list[CompileJob]) -> list[CompiledMarkdown]:
            glossaries: dict[int, str] = {}
            bodies, self.body_digests = self.body_digests, {}
            for job in jobs:
                known = bodies.get(id(job.source))
                self.body_digests[id(job.source)] = (
                    known if known is not None and known[0] is job.source
                    else (job.source, digest(job.source)))
            keys = [_compile_key(job, glossaries, self.body_digests[id(job.source)][1])
                    for job in jobs]
            found = store.get_many(keys)
            missing = {key: job for key, job in zip(keys, jobs, strict=True)
                       if key not in found}
            for key, result in zip(missing, compile_all(list(missing.values())), strict=True):
                store.put(key, (result.facts(), result.outline))
                store.put(f"html:{result.html_digest}", result.html)
                found[key] = result
            compiled = []
            for key in keys:
                value = found[key]
                if isinstance(value, tuple):
                    facts, outline = value
                    store.keep(f"html:{facts[-1]}")
                    value = CompiledMarkdown.from_facts(facts, self.html)
                    value.__dict__["outline"] = outline
                compiled.append(value)
            return compiled

        return compile_cached


class StoredBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in the store: Jinja checks each against its source."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(f"jinja:{engine_version()}:{bucket.key}")
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store.put(f"jinja:{engine_version()}:{bucket.key}", bucket.bytecode_to_string())


def _compile_key(job: CompileJob, glossaries: dict[int, str], body_digest: str) -> str:
    glossary: GlossaryIndex = job.glossary
    if id(glossary) not in glossaries:
        glossaries[id(glossary)] = digest(repr(glossary.forms))
    # the body hashed on its own (repr() of a whole page costs three times its digest)
    return digest(repr(("md", engine_version(), body_digest, job.links,
                        glossaries[id(glossary)], job.autolink_terms, job.line_offset)))
