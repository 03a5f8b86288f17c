"""Markdown to HTML with the rules a two-language explainer needs.

- raw HTML is off; `javascript:`, `vbscript:` and `data:` links are errors;
- headings get ASCII ids, explicit (`## 标题 {#id}`) or `section-N`;
- `@/key#anchor` links resolve to the page of the same language, `term:id`
  links to the glossary, and every internal target is recorded for checking;
- the first plain use of each glossary term on a page links to its entry;
- a line break between two CJK characters does not become a space.

`compile_markdown` is a pure function of its arguments, so it can run in a
worker process.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from duet.digests import digest

HEADING_ID = re.compile(r"\s*\{#([^}\s]*)\}\s*$")
VALID_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FORBIDDEN_SCHEMES = ("javascript:", "vbscript:", "data:")
EXTERNAL_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class LinkRef:
    """An internal link found in Markdown: `kind` is 'page', 'anchor' or 'term'."""

    kind: str
    key: str
    anchor: str
    line: int
    col: int = 1


@dataclass(frozen=True)
class Heading:
    """A heading as pages show it (tables of contents, parallel readings): no source line,
    so that moving a heading down the file changes nothing another page can show."""

    id: str
    level: int
    text: str


@dataclass(frozen=True)
class GlossaryIndex:
    """What the renderer needs to know of the glossary: surface forms per language."""

    forms: tuple[tuple[str, str, str], ...] = ()  # (lang, form, term id)

    def pattern(self, lang: str) -> re.Pattern[str] | None:
        return _compile_forms(tuple((f, i) for lg, f, i in self.forms if lg == lang))


@dataclass
class CompiledMarkdown:
    """A compiled body: its HTML, and what the site model reads of it."""

    html: Markup = field(default_factory=Markup)
    links: list[LinkRef] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (line, col, message)
    terms: list[str] = field(default_factory=list)

    def facts(self) -> BodyFacts:
        outline = repr(([(h.id, h.level, h.text) for h in self.headings], self.terms,
                        [(link.kind, link.key, link.anchor) for link in self.links],
                        [message for _, _, message in self.problems]))
        return BodyFacts(digest(self.html), digest(outline), self.links, self.headings,
                         self.problems, self.terms)


@dataclass(frozen=True)
class BodyFacts:
    """Everything compiling a body gives but its HTML, which is found by `html_digest`
    (the site model keeps the HTML in a table of its own: `Bodies`)."""

    html_digest: str
    outline_digest: str
    """All of the below without source positions: what another page can show of this
    body (a line added above a heading moves lines, not the outline)."""
    links: list[LinkRef]
    headings: list[Heading]
    problems: list[tuple[int, int, str]]
    terms: list[str]


@dataclass(frozen=True)
class LinkContext:
    """How to turn `@/key` and `term:id` into URLs for one language."""

    base_path: str
    lang: str
    home_key: str = "index"
    glossary_key: str = "glossary"

    def page_url(self, key: str) -> str:
        if key in ("", self.home_key):
            return f"{self.base_path}{self.lang}/"
        return f"{self.base_path}{self.lang}/{key}/"


def is_cjk(char: str) -> bool:
    if not char:
        return False
    code = ord(char)
    if 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:  # CJK punctuation, full-width
        return True
    return unicodedata.east_asian_width(char) == "W" and not char.isascii()


@functools.lru_cache(maxsize=8)
def _compile_forms(pairs: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    if not pairs:
        return None
    forms = sorted({form for form, _ in pairs}, key=len, reverse=True)
    parts = []
    for form in forms:
        escaped = re.escape(form)
        if form[:1].isascii() and form[:1].isalnum():
            escaped = r"(?<![\w-])" + escaped
        if form[-1:].isascii() and form[-1:].isalnum():
            escaped += r"(?![\w-])"
        parts.append(escaped)
    return re.compile("|".join(parts))


def _any_link(url: str) -> bool:
    return True


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["html_block", "html_inline"])  # never match with html off: skip the calls
    md.validateLink = _any_link  # type: ignore[method-assign]
    # we check links ourselves, with an error message
    return md


def _child_lines(children: list[Token], first_line: int) -> list[int]:
    """The source line of each inline child: line breaks are the only clue."""
    lines = []
    line = first_line
    for child in children:
        lines.append(line)
        if child.type in ("softbreak", "hardbreak"):
            line += 1
    return lines


class _Compiler:
    def __init__(
        self, links: LinkContext, glossary: GlossaryIndex, autolink_terms: bool, line_offset: int
    ) -> None:
        self.ctx = links
        self.result = CompiledMarkdown(html=Markup())
        self.term_pattern = glossary.pattern(links.lang) if autolink_terms else None
        self.term_of_form = {f: i for lg, f, i in glossary.forms if lg == links.lang}
        self.linked_terms: set[str] = set()
        self.line_offset = line_offset
        self.heading_count = 0

    def problem(self, line: int, message: str) -> None:
        self.result.problems.append((line, 1, message))

    def run(self, tokens: list[Token]) -> None:
        previous = ""
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "heading_open":
                self.heading(token, tokens[index + 1], self.line_of(token))
            elif kind == "inline":
                self.inline(token, self.line_of(token), autolink=previous != "heading_open")
            previous = kind

    def line_of(self, token: Token) -> int:
        return (token.map[0] + 1 + self.line_offset) if token.map else self.line_offset + 1

    def heading(self, open_token: Token, inline: Token, line: int) -> None:
        self.heading_count += 1
        children = inline.children or []
        heading_id = ""
        if children and children[-1].type == "text":
            match = HEADING_ID.search(children[-1].content)
            if match:
                heading_id = match.group(1)
                children[-1].content = children[-1].content[: match.start()]
                inline.content = HEADING_ID.sub("", inline.content)
        if heading_id and not VALID_ID.match(heading_id):
            self.problem(line, f"heading id '{heading_id}' is not valid: use lower-case ASCII "
                               "letters, digits and single hyphens")
            heading_id = ""
        if not heading_id:
            heading_id = f"section-{self.heading_count}"
        if any(h.id == heading_id for h in self.result.headings):
            self.problem(line, f"heading id '{heading_id}' is used twice on this page")
        open_token.attrSet("id", heading_id)
        text = "".join(c.content for c in children if c.type in ("text", "code_inline"))
        self.result.headings.append(Heading(heading_id, int(open_token.tag[1]), text.strip()))

    def inline(self, token: Token, first_line: int, autolink: bool) -> None:
        children = token.children or []
        kinds = {child.type for child in children}
        has_links = "link_open" in kinds or "image" in kinds
        lines = _child_lines(children, first_line) if has_links else []
        if "softbreak" in kinds:
            self.join_cjk_breaks(children)
        link_terms = autolink and self.term_pattern is not None and "text" in kinds
        if not has_links and not link_terms:  # most paragraphs: nothing to rewrite
            token.children = children
            return
        link_depth = 0
        output: list[Token] = []
        for index, child in enumerate(children):
            if child.type in ("link_open", "image"):
                attr = "href" if child.type == "link_open" else "src"
                self.rewrite_link(child, attr, lines[index])
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            if child.type == "text" and link_terms and link_depth == 0:
                output.extend(self.link_terms(child))
            else:
                output.append(child)
        token.children = output

    @staticmethod
    def join_cjk_breaks(children: list[Token]) -> None:
        for index, child in enumerate(children):
            if child.type != "softbreak" or index == 0 or index + 1 >= len(children):
                continue
            before, after = children[index - 1], children[index + 1]
            if (
                before.type == "text" and after.type == "text"
                and is_cjk(before.content[-1:]) and is_cjk(after.content[:1])
            ):
                child.type = "text"
                child.content = ""

    def rewrite_link(self, token: Token, attr: str, line: int) -> None:
        href = str(token.attrGet(attr) or "")
        lowered = href.strip().lower()
        if lowered.startswith(FORBIDDEN_SCHEMES):
            self.problem(line, f"link target '{href[:40]}' is not allowed: "
                               "javascript:, vbscript: and data: URLs are rejected")
            token.attrSet(attr, "#")
            return
        if lowered.startswith(EXTERNAL_SCHEMES):
            if attr == "src":
                self.problem(line, f"image '{href[:60]}' is outside the site: pages make no "
                                   "external requests; put the file in static/")
            return
        if href.startswith("term:"):
            term = href[len("term:"):]
            self.result.links.append(LinkRef("term", term, "", line))
            self.result.terms.append(term)
            self.linked_terms.add(term)
            token.attrSet(attr, f"{self.ctx.page_url(self.ctx.glossary_key)}#{term}")
            token.attrSet("class", "term")
            return
        if href.startswith("@/"):
            key, _, anchor = href[2:].partition("#")
            key = key.strip("/") or self.ctx.home_key
            self.result.links.append(LinkRef("page", key, anchor, line))
            token.attrSet(attr, self.ctx.page_url(key) + (f"#{anchor}" if anchor else ""))
            return
        if href.startswith("#"):
            self.result.links.append(LinkRef("anchor", "", href[1:], line))
            return
        if href.startswith("/static/") and attr == "src":
            token.attrSet(attr, self.ctx.base_path + href[1:])
            return
        self.problem(line, f"link target '{href[:60]}' is not understood: link pages as "
                           "@/key or @/key#anchor, glossary terms as term:id, and other "
                           "sites with https://")

    def link_terms(self, text: Token) -> list[Token]:
        assert self.term_pattern is not None
        pieces: list[Token] = []
        content = text.content
        position = 0
        for match in self.term_pattern.finditer(content):
            term = self.term_of_form[match.group(0)]
            if term in self.linked_terms:
                continue
            self.linked_terms.add(term)
            self.result.terms.append(term)
            if match.start() > position:
                pieces.append(_text(content[position:match.start()]))
            link = Token("link_open", "a", 1)
            link.attrs = {
                "href": f"{self.ctx.page_url(self.ctx.glossary_key)}#{term}",
                "class": "term",
                "data-term": term,
            }
            pieces.extend([link, _text(match.group(0)), Token("link_close", "a", -1)])
            position = match.end()
        if not pieces:
            return [text]
        if position < len(content):
            pieces.append(_text(content[position:]))
        return pieces


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def compile_markdown(
    source: str,
    links: LinkContext,
    glossary: GlossaryIndex = GlossaryIndex(),
    *,
    autolink_terms: bool = True,
    line_offset: int = 0,
) -> CompiledMarkdown:
    """Parse and render a Markdown body; record headings, internal links and problems."""
    env: dict[str, object] = {}
    tokens = _parser().parse(source, env)
    return _finish(tokens, env, _Compiler(links, glossary, autolink_terms, line_offset))


@functools.lru_cache(maxsize=16384)
def compile_inline(source: str, links: LinkContext, *, line: int = 1) -> CompiledMarkdown:
    """Render one line of inline Markdown (a data field); no glossary auto-links.

    The result depends on the text, the link context and the line alone, and is
    remembered: a site model is rebuilt on every save in the dev server, with
    the same data texts each time. Callers must not change the result."""
    env: dict[str, object] = {}
    tokens = _parser().parseInline(source, env)
    return _finish(tokens, env, _Compiler(links, GlossaryIndex(), autolink_terms=False,
                                          line_offset=line - 1))


def _finish(tokens: list[Token], env: dict[str, object], compiler: _Compiler) -> CompiledMarkdown:
    """Rewrite the tokens (ids, links, terms) and render them."""
    md = _parser()
    compiler.run(tokens)
    compiler.result.html = Markup(md.renderer.render(tokens, md.options, env))
    return compiler.result
