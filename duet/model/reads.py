"""What a rendered file read of page bodies.

Every output is a function of the site's structure (everything in the model
but the pages' HTML bodies, fingerprinted as a whole by the incremental build)
and of the bodies it read. `Page.body` is the one way to a body, and it
reports each read here, so a template, macro, filter or hook reaches a body
however it is spelt and the read is still known: the incremental build
renders a file again when a body it read has changed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

BodyReads = dict[tuple[str, str], str]
"""(lang, page key) → the digest of the body HTML that was read."""

_reads: ContextVar[BodyReads | None] = ContextVar("duet_body_reads", default=None)


def note_body_read(lang: str, key: str, html_digest: str) -> None:
    reads = _reads.get()
    if reads is not None:
        reads[(lang, key)] = html_digest


@contextlib.contextmanager
def recording_reads() -> Iterator[BodyReads]:
    """Collect the body reads made inside the block (one rendered file)."""
    reads: BodyReads = {}
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)
