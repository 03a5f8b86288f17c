"""One term, one rendering: the glossary's renderings checked across the content.

A term's rendering in a language (docs/glossary.md) names the forms that are the
site's rendering (`use`), the rivals no text may show (`avoid`) and longer texts in
which a rival is right (`except`; a `use` form is always one). Glossary entries give
them in their `usage` field; the `usage` collection gives them for words that are
not glossary terms. Two checks, both warnings at the text's `path:line:col`:

- a text shows an avoided form. A derived language's text is read as the
  conversion makes it, and the warning names the place in the source language's
  file it is made from (`source_offset` in duet/load/derive.py maps the column);
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from duet.diagnostics import Diagnostics
from duet.drift.units import INTRO, data_texts, page_units
from duet.load.content import Content, SourcePage
from duet.load.derive import CONVERSIONS_FILE, PROTECTED, Converter, source_offset
from duet.load.schema import Record, Text, TextStart
from duet.load.schemas import FRONT_TEXTS, GLOSSARY, USAGE
from duet.load.yamlsource import Where


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
class Conversion:
    """What a derived language's passage is made from: `source`, the source language's
    text at the passage's place, by `convert`; `converted` is the passage's text as the
    conversion made it (before what is not text was blanked)."""

    source: str
    converted: str
    convert: Callable[[str], str]


@dataclass(frozen=True)
class Passage:
    """A text in one language, as the check reads it, and where it starts: a form found
    in it is named at its own line and column when the start is exact, else where the
    value holding it starts."""

    text: str
    start: TextStart
    made_from: Conversion | None = None
    """A derived language's text: its places are its source's (module docstring)."""


@dataclass(frozen=True)
class Section:
    """A page's section (or a data text): where it starts and the passages it is made of."""

    start: Where
    passages: list[Passage]


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
    derivations = {code: (source, convert) for code, source, convert in content.config.derived()}
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
            origin = None
            if page.derived:
                source, convert = derivations[page.lang]
                origin = next((other, convert) for other in by_key[key]
                              if other.lang == source and not other.derived)
            sections = page_sections(page, origin)
            if finder is not None and avoids:
                for section in sections.values():
                    for passage in section.passages:
                        _warn_avoided(finder, passage, page.lang, diagnostics)
            if page.lang in written:
                sectioned[page.lang] = sections
        if compare:
            _compare(sectioned, finders, written, diagnostics)
    for items in content.data.values():
        for unit_id, text in data_texts(items):
            by_lang = {lang: _data_passage(text, lang, derivations.get(lang))
                       for lang in text.values}
            for lang, passage in by_lang.items():
                if lang in finders:
                    _warn_avoided(finders[lang], passage, lang, diagnostics)
            _compare({lang: {f"text {unit_id}": Section(passage.start, [passage])}
                      for lang, passage in by_lang.items() if lang in written},
                     finders, written, diagnostics)


def _data_passage(text: Text, lang: str, derivation: tuple[str, Converter] | None
                  ) -> Passage:
    """A data text's language as a passage; `derivation`: the language's source and
    converter, if it is derived (its text is converted when it shares its source's place:
    a text of its own has its own)."""
    where = text.where
    place = text.places.get(lang, TextStart(where.path, where.line, where.col, exact=False))
    made = None
    if derivation is not None and text.places.get(derivation[0]) == place:
        made = Conversion(text.values[derivation[0]], text.values[lang],
                          derivation[1].markdown)
    return Passage(_blanked(text.values[lang]), place, made)


def _raw_text(page: SourcePage) -> str:
    """Everything of a page the check reads, unsplit: to see whether it is worth splitting."""
    return "\n".join([*(str(page.front[name]) for name in FRONT_TEXTS if page.front.get(name)),
                      page.body])


Sections = dict[str, Section]
"""A page's or data text's sections by name."""


def _warn_avoided(finder: Finder, passage: Passage, lang: str,
                  diagnostics: Diagnostics) -> None:
    for hit in finder.avoided(passage):
        rendering = hit.rendering
        if passage.made_from is not None:
            fix = (f"add an entry to {CONVERSIONS_FILE} that makes it '{rendering.use[0]}'"
                   if rendering.use else f"add an entry to {CONVERSIONS_FILE} for it")
            message = (f"the '{lang}' edition, made from the text here, shows '{hit.form}', "
                       f"which is avoided in '{lang}' ({rendering.term}): {fix}")
        else:
            fix = f"write '{rendering.use[0]}'" if rendering.use else "reword it"
            message = f"'{hit.form}' is avoided in '{lang}' ({rendering.term}): {fix}"
        diagnostics.warning(passage.start.path, hit.line, hit.col, message)


def _compare(sections: dict[str, Sections], finders: dict[str, Finder],
             written: tuple[str, ...], diagnostics: Diagnostics) -> None:
    """In each section the written languages share, a term one of them renders the
    others must render too; each lack is reported where the section starts."""
    used = {lang: {name: finders[lang].used(section.passages)
                   for name, section in by_name.items()}
            for lang, by_name in sections.items() if lang in finders}
    for lang, other in itertools.permutations(written, 2):
        if lang not in used or other not in sections:
            continue
        for name, terms in used[lang].items():
            theirs = used.get(other, {}).get(name, {})
            section = sections[other].get(name)
            for term, (form, line) in terms.items():
                rendering = finders[other].by_term.get(term) if other in finders else None
                if section is None or rendering is None or not rendering.use or term in theirs:
                    continue
                what = ("the opening" if name == INTRO
                        else name if name.startswith("text ") else f"section #{name}")
                start = section.start
                diagnostics.warning(start.path, start.line, start.col, (
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
                    yield Hit(form, rule, *_place(passage, match.start()))

    def used(self, passages: list[Passage]) -> dict[str, tuple[str, int]]:
        """The terms the passages render: term → (the first form, its line)."""
        found: dict[str, tuple[str, int]] = {}
        for passage in passages:
            pattern = forms_pattern(self.present(passage.text)[1])
            for match in pattern.finditer(passage.text) if pattern is not None else ():
                form = _form_of(match, self.users)
                for rule in self.users[form]:
                    if rule.term not in found:
                        found[rule.term] = (form, _place(passage, match.start())[0])
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


def _place(passage: Passage, offset: int) -> tuple[int, int]:
    """The file's line and column of an offset in the passage: where the value starts when
    its start is not exact. A derived passage's column is that of the source's characters
    the conversion turns into what is at the offset (of the phrase that holds it, when
    the conversion made a phrase longer or shorter); when the line's conversion cannot
    be followed, the line's start."""
    start = passage.start
    if not start.exact:
        return start.line, start.col
    line, col = _position(passage.text, offset)
    base = start.col if line == 0 else 1
    made = passage.made_from
    if made is not None:
        sources, converted = made.source.split("\n"), made.converted.split("\n")
        found = (source_offset(sources[line], converted[line], col, made.convert)
                 if len(sources) == len(converted) else None)
        return start.line + line, base + (found or 0)
    return start.line + line, base + col


# -- the texts --------------------------------------------------------------------------

def page_sections(page: SourcePage, origin: tuple[SourcePage, Converter] | None = None
                  ) -> Sections:
    """A page's sections (its translation units, duet/drift/units.py) as passages: the
    opening, which starts at the front matter, is its texts (each at its own place) and
    the body before the first heading. What is not text (code, heading ids, link
    targets) is blanked. `origin`: a derived page's source page and converter."""
    raw = page.body.split("\n")
    lines = _blanked(page.body).split("\n")
    first, end = page.body_line, page.body_line + len(lines)
    starts = sorted((occurrence.line, unit) for unit, occurrence in page_units(page).items()
                    if unit != INTRO)
    bounds = [(first, INTRO), *starts, (end, "")]
    front = page.front
    opening = []
    unplaced = TextStart(front.where.path, front.where.line, front.where.col, exact=False)
    for name in FRONT_TEXTS:
        value = front.get(name)
        place = front.value_places.get(name, unplaced)
        if value:
            made = (Conversion(origin[0].front[name], value, origin[1].text)
                    if origin is not None else None)
            opening.append(Passage(value, place, made))
    sections = {INTRO: Section(front.where, opening)}
    source = origin[0].body.split("\n") if origin is not None else []
    for (line, unit), (stop, _) in itertools.pairwise(bounds):
        span = slice(line - first, stop - first)
        made = (Conversion("\n".join(source[span]), "\n".join(raw[span]), origin[1].markdown)
                if origin is not None else None)
        section = sections.setdefault(unit, Section(Where(page.path, line, 1), []))
        section.passages.append(Passage("\n".join(lines[span]),
                                        TextStart(page.path, line, 1), made))
    return sections


def _blanked(markdown: str) -> str:
    """Markdown with what is not text replaced by spaces (line breaks kept)."""
    return PROTECTED.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), markdown)
