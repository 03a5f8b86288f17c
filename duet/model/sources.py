"""The sources a site cites, as templates show them: the site-wide list of site.yaml
and a page's own (`sources:` in its front matter), each in the page's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from duet.load.config import Config
from duet.load.schema import Record, Text


@dataclass(frozen=True)
class Source:
    """One source: its title and outlet in one language, its date and URL if known."""

    title: str
    outlet: str | None = None
    date: dt.date | None = None
    url: str | None = None


def site_sources(config: Config, lang: str) -> list[Source]:
    """The site-wide sources in `lang` (a text missing in it: the default language's)."""
    def text(value: Text | None) -> str | None:
        if value is None:
            return None
        return value.get(lang) or value.get(config.default_language)

    return [Source(text(record["title"]) or "", text(record["outlet"]), record["date"],
                   record["url"])
            for record in config.sources]


def page_sources(records: Iterable[Record]) -> list[Source]:
    """A page's own sources, written in its language."""
    return [Source(record["title"], record["outlet"], record["date"], record["url"])
            for record in records]
