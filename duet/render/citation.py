"""How a page is cited: the reference's parts, which the theme words as plain text in
the reader's language, and the same as BibTeX (biblatex's `@online`) and as CSL-JSON,
for the templates' "Cite this page".

The date cited is the page's last substantive change: its front matter's `updated:`
(a derived or untranslated page: its source's), else the date `site.yaml` gives under
`citation:` for the whole text. Both come from the content, so the citation is the same
on every build; the date a reader accessed the page is left for the reader to add.
A site without `citation:` in `site.yaml` offers no citation.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from duet.load.config import Config, Language
from duet.render.opendata import site_slug

BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
                  "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}


@dataclass(frozen=True)
class Citation:
    """One page's citation: its parts, which the theme puts in its language's words and
    order as plain text, and the same as BibTeX and as CSL-JSON."""

    author: str
    """Who `citation: author:` names, else the site's title."""
    title: str
    site: str
    url: str
    date: dt.date
    bibtex: str
    csl_json: str

    @property
    def by_site(self) -> bool:
        """Whether the site is its own author (the plain text then names it once)."""
        return self.author == self.site


class Citer:
    """Citations for the pages of one language (the templates' `citation(page)`)."""

    def __init__(self, config: Config, language: Language) -> None:
        self.config = config
        self.language = language

    def __call__(self, page: Any, url: str) -> Citation | None:
        """The citation of `page` (a page or a generated page) at its absolute `url`;
        None when the site does not declare how it is cited."""
        declared = self.config.citation
        if declared is None:
            return None
        lang = self.language.code
        site = self.config.title.get(lang) or ""
        author = (declared["author"].get(lang) if declared["author"] else None) or site
        date = last_change(page) or declared["date"]
        title = str(page.title)
        key = "-".join(part for part in (site_slug(self.config.base_url),
                                         page.key.replace("/", "-"), lang) if part)
        return Citation(author, title, site, url, date,
                        bibtex(key, author, title, site, date, url),
                        csl_json(key, author, title, site, date, url, self.language.tag))


def last_change(page: Any) -> dt.date | None:
    """The date of a page's last substantive change its front matter gives (for a
    generated page, that of the page it shows)."""
    original = getattr(page, "original", None)
    updated = page.updated if original is None else original.updated
    return updated if isinstance(updated, dt.date) else None


def bibtex(key: str, author: str, title: str, site: str, date: dt.date, url: str) -> str:
    fields = [("author", "{" + _tex(author) + "}"), ("title", _tex(title)),
              ("organization", _tex(site)), ("date", date.isoformat()), ("url", url)]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{key},\n{body}\n}}\n"


def _tex(text: str) -> str:
    return "".join(BIBTEX_SPECIAL.get(char, char) for char in text)


def csl_json(key: str, author: str, title: str, site: str, date: dt.date, url: str,
             tag: str) -> str:
    item = {"id": key, "type": "webpage", "title": title, "author": [{"literal": author}],
            "container-title": site, "issued": {"date-parts": [[date.year, date.month,
                                                                 date.day]]},
            "URL": url, "language": tag}
    return json.dumps([item], ensure_ascii=False, sort_keys=True) + "\n"
