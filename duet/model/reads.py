"""What a rendered file read of page bodies, and which data texts it showed.

Every output is a function of the site's structure (everything in the model
but the pages' HTML bodies, fingerprinted as a whole by the incremental build)
and of the bodies it read. `Page.body` is the one way to a body, and it
reports each read here, so a template, macro, filter or hook reaches a body
however it is spelt and the read is still known.

A read that cannot be pinned on one output counts for every output
(`Reads.everyone`): a read made while no output is being rendered (the site's
template globals, made once per build), and any read made by the site's own
code, whose caches (a module-level dict, an `lru_cache`) could hand the value
to a later output without reading again. A cache of the engine's that
outlives one render carries the reads that made its value and replays them
to each render that uses it (`replaying`, used for Jinja's template modules).

The data texts a file showed (`LocalText` read as HTML or text) are what a
page's notice of machine drafts looks at (drift/notice.py); they are counted
for the output being rendered, wherever the read was made.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from duet.load.hooks import MODULE as SITE_CODE

BodyReads = dict[tuple[str, str], str]
"""(lang, page key) → the digest of the body HTML that was read."""

TextRef = tuple[str, str, int, int]
"""A data text in one language: (the language it is written in, its file, and the line
and column where its `{lang: text}` map starts)."""


@dataclass
class Reads:
    """The body reads of one output, and those it made for every output."""

    own: BodyReads = field(default_factory=dict)
    everyone: BodyReads = field(default_factory=dict)
    texts: set[TextRef] = field(default_factory=set)

    def add(self, other: Reads) -> None:
        self.own.update(other.own)
        self.everyone.update(other.everyone)
        self.texts |= other.texts


_output: ContextVar[Reads | None] = ContextVar("duet_output_reads", default=None)
_untracked: ContextVar[Reads | None] = ContextVar("duet_untracked_reads", default=None)


def note_body_read(lang: str, key: str, html_digest: str) -> None:
    output = _output.get()
    if output is None:
        untracked = _untracked.get()
        if untracked is not None:
            untracked.everyone[(lang, key)] = html_digest
    elif _made_by_site_code():
        output.everyone[(lang, key)] = html_digest
    else:
        output.own[(lang, key)] = html_digest


def note_text_shown(text: TextRef) -> None:
    output = _output.get()
    if output is not None:
        output.texts.add(text)


def texts_shown() -> set[TextRef]:
    """The data texts the output being rendered has shown so far."""
    output = _output.get()
    return output.texts if output is not None else set()


def _made_by_site_code() -> bool:
    """Whether a function of the site's code is on the stack (hooks.py imports it as
    the package `SITE_CODE`)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name == SITE_CODE or name.startswith(SITE_CODE + "."):
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def recording_reads() -> contextlib.AbstractContextManager[Reads]:
    """Collect the body reads made inside the block: one rendered file's."""
    return _recording(_output)


def recording_untracked() -> contextlib.AbstractContextManager[Reads]:
    """Collect the reads made outside any output's recording, inside the block (a
    whole build): they count for every output."""
    return _recording(_untracked)


@contextlib.contextmanager
def _recording(into: ContextVar[Reads | None]) -> Iterator[Reads]:
    reads = Reads()
    token = into.set(reads)
    try:
        yield reads
    finally:
        into.reset(token)


@contextlib.contextmanager
def replaying(made: Reads) -> Iterator[Reads]:
    """Make a value that outlives one render inside the block: the reads made there go
    into `made` (and to the output being rendered); `replay(made)` gives them to
    every later output that uses the value."""
    outer = _output.get()
    token = _output.set(made)
    try:
        yield made
    finally:
        _output.reset(token)
        replay(made, outer)


def replay(made: Reads, into: Reads | None = None) -> None:
    """Count the reads `made` for the output being rendered (or for every output,
    outside any output's recording)."""
    target = into if into is not None else _output.get()
    if target is not None:
        target.add(made)
    elif (untracked := _untracked.get()) is not None:
        untracked.everyone.update(made.own)
        untracked.everyone.update(made.everyone)
