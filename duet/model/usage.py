"""One term, one rendering: the glossary's renderings checked across the content.

A term's rendering in a language (docs/glossary.md) names the forms that are the
site's rendering (`use`), the rivals no text may show (`avoid`) and longer texts in
which a rival is right (`except`; a `use` form is always one). Glossary entries give
them in their `usage` field; the `usage` collection gives them for words that are
not glossary terms. Two checks, both warnings at the text's `path:line:col`:

- a text shows an avoided form. A derived language's text is read as the
  conversion makes it, and the warning names the line of the source language's
  file it is made from;
- a section (or data text) has a term's rendering in one written language, and
  the same section in another written language lacks that language's.

Sections are the translation units of duet/drift/units.py, so a warning speaks of
the same sections as the drift check. The check reads the loaded content and
nothing else: every build, incremental or not, gives the same warnings.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from duet.diagnostics import Diagnostics
from duet.drift.units import INTRO, data_texts, page_units
from duet.load.content import Content, SourcePage
from duet.load.derive import CONVERSIONS_FILE, PROTECTED
from duet.load.schema import Record
from duet.load.schemas import FRONT_TEXTS, GLOSSARY, USAGE


@dataclass(frozen=True)
class Rendering:
    """One term's rendering in one language."""

    term: str
    """How messages name the term: `glossary term 'id'` or `usage 'id'`."""
    use: tuple[str, ...]
    avoid: tuple[str, ...]
    allowed: tuple[str, ...]
    """`except` and `use`: the texts in which an avoided form is right."""


@dataclass(frozen=True)
class Passage:
    """A text in one language, as the check reads it, and where its first character
    comes from (column 0: columns in the text are not the file's)."""

    text: str
    path: Path
    line: int
    col: int
    derived: bool = False
    """Converted from the source language's text at that place: its columns are not the
    file's (a warning gives the line alone)."""


@dataclass(frozen=True)
class Hit:
    """An avoided form (as its rule writes it) found at a place."""

    form: str
    rendering: Rendering
    line: int
    col: int


def renderings(content: Content, diagnostics: Diagnostics) -> dict[str, list[Rendering]]:
    """Every term's rendering, by language, in the order the content gives them; a form
    both used and avoided is an error."""
    found: dict[str, list[Rendering]] = {}
    entries = [(f"glossary term '{item['id']}'", item.get("usage"))
               for item in content.data.get(GLOSSARY, [])]
    entries += [(f"usage '{item['id']}'", item) for item in content.data.get(USAGE, [])]
    for term, usage in entries:
        if not isinstance(usage, Record):
            continue
        for lang in content.config.codes:
            rule = usage.get(lang)
            if not isinstance(rule, Record):
                continue
            use, avoid = tuple(rule["use"] or ()), tuple(rule["avoid"] or ())
            for form in sorted(set(use) & set(avoid)):
                diagnostics.error(rule.where.path, rule.where.line, rule.where.col,
                                  f"{term}: '{form}' is both a rendering to use and one to "
                                  f"avoid in '{lang}'")
            found.setdefault(lang, []).append(
                Rendering(term, use, avoid, (*(rule["except"] or ()), *use)))
    return found


def check_usage(content: Content, diagnostics: Diagnostics) -> None:
    """Warn of every avoided form in the content and of every section whose languages do
    not all render a term they use (module docstring). A page none of whose forms is in
    its text (most pages of most sites) is not split into sections at all."""
    finders = {lang: Finder(rules)
               for lang, rules in renderings(content, diagnostics).items()}
    if not finders:
        return
    written = content.config.written_codes
    by_key: dict[str, list[SourcePage]] = {}
    for page in content.pages:
        by_key.setdefault(page.key, []).append(page)
    for key in sorted(by_key):
        pages = [(page, finder, finder.present(_raw_text(page)) if finder else ((), ()))
                 for page in by_key[key] for finder in [finders.get(page.lang)]]
        compare = any(page.lang in written and uses for page, _, (_, uses) in pages)
        sectioned: dict[str, Sections] = {}
        for page, finder, (avoids, _) in pages:
            if not avoids and not (compare and page.lang in written):
                continue
            sections = page_sections(page)
            if finder is not None and avoids:
                for passages in sections.values():
                    for passage in passages:
                        _warn_avoided(finder, passage, page.lang, diagnostics)
            if page.lang in written:
                sectioned[page.lang] = sections
        if compare:
            _compare(sectioned, finders, written, diagnostics)
    for items in content.data.values():
        for unit_id, text in data_texts(items):
            by_lang = {lang: Passage(_blanked(value), place.path, place.line, place.col,
                                     lang not in written)
                       for lang, value in text.values.items()
                       for place in [text.places.get(lang, text.where)]}
            for lang, passage in by_lang.items():
                if lang in finders:
                    _warn_avoided(finders[lang], passage, lang, diagnostics)
            _compare({lang: {f"text {unit_id}": [passage]} for lang, passage in by_lang.items()
                      if lang in written}, finders, written, diagnostics)


def _raw_text(page: SourcePage) -> str:
    """Everything of a page the check reads, unsplit: to see whether it is worth splitting."""
    return "\n".join([*(str(page.front[name]) for name in FRONT_TEXTS if page.front.get(name)),
                      page.body])


Sections = dict[str, list[Passage]]
"""A page's or data text's sections by name: each the passages it is made of."""


def _warn_avoided(finder: Finder, passage: Passage, lang: str,
                  diagnostics: Diagnostics) -> None:
    for hit in finder.avoided(passage):
        rendering = hit.rendering
        if passage.derived:
            fix = (f"add an entry to {CONVERSIONS_FILE} that makes it '{rendering.use[0]}'"
                   if rendering.use else f"add an entry to {CONVERSIONS_FILE} for it")
            message = (f"the '{lang}' edition, made from this line, shows '{hit.form}', "
                       f"which is avoided in '{lang}' ({rendering.term}): {fix}")
        else:
            fix = f"write '{rendering.use[0]}'" if rendering.use else "reword it"
            message = f"'{hit.form}' is avoided in '{lang}' ({rendering.term}): {fix}"
        diagnostics.warning(passage.path, hit.line, hit.col, message)


def _compare(sections: dict[str, Sections], finders: dict[str, Finder],
             written: tuple[str, ...], diagnostics: Diagnostics) -> None:
    """In each section the written languages share, a term one of them renders the
    others must render too; each lack is reported where the section starts."""
    used = {lang: {name: finders[lang].used(passages) for name, passages in by_name.items()}
            for lang, by_name in sections.items() if lang in finders}
    for lang, other in itertools.permutations(written, 2):
        if lang not in used or other not in sections:
            continue
        for name, terms in used[lang].items():
            theirs = used.get(other, {}).get(name, {})
            place = sections[other].get(name, [None])[0]
            for term, (form, line) in terms.items():
                rendering = finders[other].by_term.get(term) if other in finders else None
                if place is None or rendering is None or not rendering.use or term in theirs:
                    continue
                what = ("the opening" if name == INTRO
                        else name if name.startswith("text ") else f"section #{name}")
                diagnostics.warning(place.path, place.line, place.col, (
                    f"{what} says '{form}' in '{lang}' (line {line}) but lacks its '{other}' "
                    f"rendering: {rendering.term} is '{rendering.use[0]}' in '{other}'"))


class Finder:
    """The renderings of one language, found in its texts."""

    def __init__(self, rules: list[Rendering]) -> None:
        self.by_term = {rule.term: rule for rule in rules}
        self.avoiders: dict[str, list[Rendering]] = {}
        self.users: dict[str, list[Rendering]] = {}
        for rule in rules:
            for form in rule.avoid:
                self.avoiders.setdefault(form, []).append(rule)
            for form in rule.use:
                self.users.setdefault(form, []).append(rule)
        self.sieve = [(form, sorted(set(form.split()), key=len, reverse=True),
                       " ".join(form.split()), kind)
                      for kind, forms in enumerate((self.avoiders, self.users))
                      for form in forms]

    def present(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The avoided forms and the renderings' forms in the text: a quick sieve
        (substring searches) before the patterns. The text's white space is folded as
        the patterns fold it, only when every word of a form of several words is
        there."""
        found: tuple[list[str], list[str]] = ([], [])
        folded = None
        for form, words, whole, kind in self.sieve:
            if not all(word in text for word in words):
                continue
            if len(words) > 1:
                folded = " ".join(text.split()) if folded is None else folded
                if whole not in folded:
                    continue
            found[kind].append(form)
        return tuple(found[0]), tuple(found[1])

    def avoided(self, passage: Passage) -> Iterator[Hit]:
        """Each avoided form in the passage that is not part of a text its rule allows."""
        pattern = forms_pattern(self.present(passage.text)[0])
        if pattern is None:
            return
        text = passage.text
        for match in pattern.finditer(text):
            form = _form_of(match, self.avoiders)
            for rule in self.avoiders[form]:
                if not _allowed(text, match, rule.allowed):
                    line, col = _position(text, match.start())
                    yield Hit(form, rule, passage.line + line,
                              0 if passage.derived or not passage.col
                              else (passage.col if line == 0 else 1) + col)

    def used(self, passages: list[Passage]) -> dict[str, tuple[str, int]]:
        """The terms the passages render: term → (the first form, its line)."""
        found: dict[str, tuple[str, int]] = {}
        for passage in passages:
            pattern = forms_pattern(self.present(passage.text)[1])
            for match in pattern.finditer(passage.text) if pattern is not None else ():
                form = _form_of(match, self.users)
                for rule in self.users[form]:
                    if rule.term not in found:
                        line = passage.line + _position(passage.text, match.start())[0]
                        found[rule.term] = (form, line)
        return found


@functools.lru_cache(maxsize=1024)
def forms_pattern(forms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all the forms, longest first. A form starting or ending in a Latin
    letter or digit matches whole words only; spaces in a form match any run of white
    space (a line break in a paragraph)."""
    parts = [_form_regex(form) for form in sorted(set(forms), key=len, reverse=True)]
    return re.compile("|".join(parts)) if parts else None


def _form_regex(form: str) -> str:
    escaped = r"\s+".join(re.escape(word) for word in form.split(" "))
    if form[:1].isascii() and form[:1].isalnum():
        escaped = r"(?<![\w-])" + escaped
    if form[-1:].isascii() and form[-1:].isalnum():
        escaped += r"(?![\w-])"
    return escaped


def _form_of(match: re.Match[str], forms: dict[str, list[Rendering]]) -> str:
    """Which form matched (white space in the text may differ from the form's)."""
    found = match.group()
    if found in forms:
        return found
    folded = " ".join(found.split())
    return next(form for form in forms if " ".join(form.split()) == folded)


def _allowed(text: str, match: re.Match[str], allowed: tuple[str, ...]) -> bool:
    """Whether the match lies inside an occurrence of one of the allowed texts."""
    for form in allowed:
        pattern = forms_pattern((form,))
        assert pattern is not None
        start = max(0, match.start() - 2 * len(form))
        for around in pattern.finditer(text, start, match.end() + 2 * len(form)):
            if around.start() <= match.start() and match.end() <= around.end():
                return True
    return False


def _position(text: str, offset: int) -> tuple[int, int]:
    """(lines after the first, 0-based column) of an offset."""
    return text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1)


# -- the texts --------------------------------------------------------------------------

def page_sections(page: SourcePage) -> dict[str, list[Passage]]:
    """A page's sections (its translation units, duet/drift/units.py) as passages: the
    opening is the front matter's texts (found at the front matter's first line: the
    loaded page does not keep each field's place) and the body before the first
    heading. What is not text (code, heading ids, link targets) is blanked."""
    lines = _blanked(page.body).split("\n")
    first, end = page.body_line, page.body_line + len(lines)
    starts = sorted((occurrence.line, unit) for unit, occurrence in page_units(page).items()
                    if unit != INTRO)
    bounds = [(first, INTRO), *starts, (end, "")]
    front = page.front.where
    opening = " ".join(str(page.front[name]) for name in FRONT_TEXTS if page.front.get(name))
    sections = {INTRO: [Passage(opening, page.path, front.line, 0, page.derived)]}
    for (line, unit), (stop, _) in itertools.pairwise(bounds):
        sections.setdefault(unit, []).append(Passage(
            "\n".join(lines[line - first: stop - first]), page.path, line, 1, page.derived))
    return sections


def _blanked(markdown: str) -> str:
    """Markdown with what is not text replaced by spaces (line breaks kept)."""
    return PROTECTED.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), markdown)
