"""The text of built pages by language: every run of text, and the reader-facing
attributes (title, alt, aria-label, the page description), under the language
its nearest `lang` attribute gives. Scripts, styles and code are left out."""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr"}
SKIP = {"script", "style", "code", "pre"}
SHOWN = ("title", "alt", "aria-label")
META = {"description", "og:title", "og:description", "twitter:title", "twitter:description"}


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = []  # tag, language, skipped
        self.texts: dict[str, list[str]] = defaultdict(list)

    def _lang(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]], lang: str) -> None:
        values = dict(attrs)
        shown = [values.get(name) for name in SHOWN]
        if tag == "meta" and (values.get("name") in META or values.get("property") in META):
            shown.append(values.get("content"))
        self.texts[lang.lower()] += [value for value in shown if value]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        lang = dict(attrs).get("lang") or self._lang()
        skipped = self._skipped() or tag in SKIP
        if not skipped:
            self._attributes(tag, attrs, lang)
        if tag not in VOID:
            self.stack.append((tag, lang, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skipped():
            self._attributes(tag, attrs, dict(attrs).get("lang") or self._lang())

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._skipped():
            self.texts[self._lang().lower()].append(data)


def texts_by_language(html: str) -> dict[str, list[str]]:
    """{lowercased language tag: the texts in it}."""
    parser = _Texts()
    parser.feed(html)
    parser.close()
    return dict(parser.texts)


CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def joined(texts: list[str]) -> str:
    """Texts as one string, as a reader sees it: runs of white space one space, and
    none between two Chinese characters (a line break in the source is no space)."""
    return CJK_GAP.sub("", re.sub(r"\s+", " ", "".join(texts)))


def site_texts(site: Path, code: str, tag: str) -> dict[str, str]:
    """Each built page of language `code` (its folder): its text in language `tag`,
    by path."""
    return {str(path.relative_to(site)): joined(
                texts_by_language(path.read_text("utf-8")).get(tag.lower(), []))
            for path in sorted((site / code).rglob("*.html"))}
