"""One attribute that a build's cache keeps apart from its object, fetched when first
read: a compiled body's HTML stays in the memo, a written page's body in its file.
The object keeps what finds it (a digest, a path) and, once told (`fetch_from`),
how to fetch it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

FETCH = "_fetch"
"""Where an instance keeps the function that fetches its attribute."""


class FetchedWhenRead:
    """A mixin for objects whose attribute `FETCHED` may be kept apart."""

    FETCHED: ClassVar[str]

    def fetch_key(self) -> str:
        """What finds the attribute kept apart."""
        raise NotImplementedError

    def fetch_from(self, fetch: Callable[[str], Any] | None) -> None:
        """Fetch the attribute by `fetch(self.fetch_key())` when first read, if it is not
        here."""
        if self.FETCHED not in self.__dict__:
            self.__dict__[FETCH] = fetch

    def __getattr__(self, name: str) -> Any:
        """Only reached for the attribute kept apart (or a name the object lacks)."""
        fetch = self.__dict__.get(FETCH)
        if name != self.FETCHED or fetch is None:
            raise AttributeError(name)
        value = fetch(self.fetch_key())
        self.__dict__[name] = value
        return value
