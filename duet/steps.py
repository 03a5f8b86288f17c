"""What an incremental build adds to the plain pipeline of duet/build.py: the `Steps` each
stage asks for what earlier builds made (incremental/cache.py implements them), and
the plain build's own, which make everything and take nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import jinja2

from duet.diagnostics import Diagnostic, Diagnostics
from duet.load.content import Content, PagesLoader
from duet.model.site import Compile, Site
from duet.publish.linkcheck import LinkFacts
from duet.publish.write import NewFile, Stamp
from duet.render.templates import Rendered

T = TypeVar("T")


@dataclass
class BuildReport:
    """What a build had to make, stage by stage (an incremental build takes the rest from
    earlier builds): what the tests and the dev server look at."""

    parsed: int = 0
    """Page files read and checked."""
    compiled: int = 0
    """Page bodies compiled."""
    rendered: list[str] = field(default_factory=list)
    """Output files rendered, by path."""
    written: int = 0
    """Files that differ from the published site's (added, changed or removed)."""
    model_kept: bool = False
    """The model was the last build's, with new page bodies (incremental/kept.py)."""


@dataclass
class KeptModel:
    """A model kept for the next build, with the warnings that making it gave."""

    content: Content
    site: Site
    load_warnings: list[Diagnostic]
    model_warnings: list[Diagnostic]


class Steps(Protocol):
    """What an incremental build (incremental/cache.py) adds to the plain pipeline: each
    stage asks it for what earlier builds made. The plain build's steps are `PLAIN`."""

    def load_pages(self, load: PagesLoader) -> PagesLoader:
        """Stage 1: the page files' loader, answered from earlier builds' results."""

    def compile(self, compile_all: Compile) -> Compile:
        """Stage 2: the bodies' compiler, likewise."""

    def from_templates(self, name: str, compute: Callable[[Diagnostics], T],
                       diagnostics: Diagnostics) -> T:
        """`compute(diagnostics)`, a pure function of the templates and the site's code."""

    def bytecode(self) -> jinja2.BytecodeCache | None:
        """Where the templates' compiled code is kept (None: in this process)."""

    def wanted(self, site: Site) -> Callable[[str], bool] | None:
        """Stage 3: which output files to render (None: all)."""

    def kept(self, rendered: Rendered) -> dict[str, NewFile]:
        """The output files not rendered: the published site's, still right."""

    def link_facts(self, path: str, new: NewFile) -> LinkFacts:
        """The link facts of a kept page."""

    def pages_to_check(self, files: Mapping[str, NewFile], facts: Mapping[str, LinkFacts]
                       ) -> list[str] | None:
        """Stage 5: the pages whose links must be checked (None: every page)."""

    def search_index(self, files: Mapping[str, NewFile]) -> dict[str, NewFile] | None:
        """Stage 5: the published search index, if it was made from the same pages."""

    def publish(self, files: Mapping[str, NewFile]) -> dict[str, Stamp] | None:
        """Stage 4: put the new site in place at once, each file's stamp as published;
        None: stage it whole beside the output folder, as the plain build does."""

    def kept_model(self, compile_all: Compile, report: BuildReport) -> KeptModel | None:
        """Stages 1 and 2: the model the last build made, when the model made anew
        would be the same but for new page bodies, which it then holds (the dev
        server's: incremental/kept.py)."""


class PlainSteps:
    """Everything made, nothing taken from earlier builds."""

    def load_pages(self, load: PagesLoader) -> PagesLoader:
        return load

    def compile(self, compile_all: Compile) -> Compile:
        return compile_all

    def from_templates(self, name: str, compute: Callable[[Diagnostics], T],
                       diagnostics: Diagnostics) -> T:
        return compute(diagnostics)

    def bytecode(self) -> jinja2.BytecodeCache | None:
        return None

    def wanted(self, site: Site) -> Callable[[str], bool] | None:
        return None

    def kept(self, rendered: Rendered) -> dict[str, NewFile]:
        return {}

    def link_facts(self, path: str, new: NewFile) -> LinkFacts:
        raise AssertionError(f"{path} was rendered: its link facts are known")

    def pages_to_check(self, files: Mapping[str, NewFile], facts: Mapping[str, LinkFacts]
                       ) -> list[str] | None:
        return None

    def search_index(self, files: Mapping[str, NewFile]) -> dict[str, NewFile] | None:
        return None

    def publish(self, files: Mapping[str, NewFile]) -> dict[str, Stamp] | None:
        return None

    def kept_model(self, compile_all: Compile, report: BuildReport) -> KeptModel | None:
        return None


PLAIN = PlainSteps()
