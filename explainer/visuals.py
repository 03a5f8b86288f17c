"""Pictures drawn at build time from the data collections, as inline SVG.

Python computes the geometry; every string goes through `escape`. Each
picture is an accessible image: `role="img"`, a `<title>` and a `<desc>`
(the whole content as sentences) named by `aria-labelledby`, and its words
are SVG `<text>`, never pictures of text. Colours come from the site's
stylesheet through class names, so the pictures follow light and dark mode.

Wide pictures are drawn twice, for a desktop column and for a phone, and the
stylesheet shows the one that fits; the hidden copy is out of the
accessibility tree because it is not displayed.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

WIDE = 720
BOLD = 1.12
"""Bold and serif text runs wider than the estimate: wrap it as if it were this much larger."""
NARROW = 360
SERIF = 1.1
"""Serif Latin runs wider still than the sans estimate (the figures' values)."""
CLOSING = set("，。、；：！？）》」』”’,.;:!?)%")
OPENING = set("（《「『“‘(")


def char_width(char: str) -> float:
    """Approximate advance of one character, in ems, for wrapping without a font engine."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char == " ":
        return 0.3
    if char in "il.,:;'|!":
        return 0.3
    if char in "mwMW":
        return 0.85
    if char.isupper() or char.isdigit():
        return 0.68
    return 0.6  # wide enough for DejaVu Sans, the widest common system font


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width in pixels. Bold Latin runs wider (BOLD); a bold Chinese
    character still fills exactly its one em."""
    return sum(_advance(c, bold) for c in text) * size


def _tokens(text: str, words: frozenset[str] = frozenset()) -> list[str]:
    """Break opportunities: Latin words with their space; Chinese at punctuation and
    between words. A word of `words` is one unit, and so is each run of Chinese
    characters between them (a word the dictionary does not know stays whole);
    without `words`, each Chinese character is its own unit."""
    tokens: list[str] = []
    units = _units(text, words)
    for index, char in enumerate(text):
        wide = _is_wide(char)
        if tokens and (char in CLOSING or tokens[-1][-1:] in OPENING):
            tokens[-1] += char
        elif tokens and index and ((units[index] == units[index - 1] and wide)
                                   or _number_beside(text[index - 1], char)):
            # inside a word, inside a run no word breaks, or a number and its 年, 个, 第
            tokens[-1] += char
        elif (wide or not tokens or tokens[-1].endswith((" ", "-"))
              or _is_wide(tokens[-1][-1])):
            tokens.append(char)
        else:
            tokens[-1] += char
    return tokens


def _units(text: str, words: frozenset[str]) -> list[int]:
    """For each character, the unit it belongs to: the words of `words` found by
    longest match from the left, the runs of other Chinese characters between
    them, and every other character on its own."""
    units = list(range(len(text)))
    if not words:
        return units
    longest = max(map(len, words))
    index, run = 0, None
    while index < len(text):
        match = next((size for size in range(min(longest, len(text) - index), 1, -1)
                      if text[index:index + size] in words), 0)
        if match:
            units[index:index + match] = [index] * match
            index += match
            run = None
            continue
        if _is_ideograph(text[index]):
            run = index if run is None else run
            units[index] = run
        else:
            run = None
        index += 1
    return units


def _number_beside(before: str, char: str) -> bool:
    """A digit next to a Chinese character: 2021年, 29项, 第7 stay together."""
    return (before.isdigit() and _is_ideograph(char)) or (_is_ideograph(before)
                                                          and char.isdigit())


def _is_ideograph(char: str) -> bool:
    return _is_wide(char) and unicodedata.category(char) == "Lo"


def dictionary(data: Mapping[str, Any], lang: str) -> frozenset[str]:
    """The words a Chinese line in a picture may not break inside: the glossary's
    terms and forms, the names of the highlands, strengthenings and places, and
    the words of `words.yaml`, each cut at its punctuation."""
    found: list[str] = []
    for term in data.get("glossary", []):
        forms = term.get("match") or {}
        found += [str(term.get(lang) or ""),
                  *map(str, forms.get(lang, []) if isinstance(forms, Mapping) else forms)]
    for name, fields in (("highlands", ("name", "quality")), ("strengthenings", ("name",)),
                         ("places", ("name", "marks")), ("relationships", ("first", "second"))):
        found += [str(item[field]) for item in data.get(name, []) for field in fields
                  if item.get(field)]
    for entry in data.get("words", []):
        words = entry.get("words") or {}
        found += map(str, words.get(lang, []) if isinstance(words, Mapping) else words)
    pieces = (piece for text in found for piece in _PUNCTUATION.split(text))
    return frozenset(piece for piece in pieces
                     if len(piece) > 1 and all(_is_ideograph(c) for c in piece))


_PUNCTUATION = re.compile(r"[^\w]+|[\d_A-Za-z]+")


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _greedy(tokens: Sequence[str], width: float, size: float, bold: bool) -> list[str]:
    """Fill each line while `text_width` of it (trailing spaces left out) fits.

    The widths are running sums over the line, added in the order `text_width`
    adds them, so each comparison is the same number it would compute, without
    measuring the line again for every token."""
    lines: list[str] = []
    line, line_sum, line_kept = "", 0.0, 0.0
    for token in tokens:
        running, kept = _extend(token, line_sum, line_kept, bold)
        if line and kept * size > width:
            lines.append(line.rstrip())
            line = token.lstrip()
            line_sum, line_kept = _extend(line, 0.0, 0.0, bold)
        else:
            line += token
            line_sum, line_kept = running, kept
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _extend(text: str, running: float, kept: float, bold: bool) -> tuple[float, float]:
    """(the running width sum after `text`, the sum up to its last non-space character)."""
    for char in text:
        running += _advance(char, bold)
        if not char.isspace():
            kept = running
    return running, kept


@functools.lru_cache(maxsize=8192)
def _advance(char: str, bold: bool) -> float:
    return char_width(char) * (BOLD if bold and not _is_wide(char) else 1.0)


def wrap(text: str, width: float, size: float, bold: bool = False,
         balance: bool = False, words: frozenset[str] = frozenset()) -> list[str]:
    """Line breaking of mixed Chinese and Latin text to `width` pixels: greedy,
    or with `balance` (and whenever the last line would hold a single character
    or word) the narrowest measure that needs no more lines. Chinese breaks at
    punctuation and between the words of `words` (see `_tokens`); a unit wider
    than the line alone is broken between characters, as a last resort."""
    return list(_wrap(text, width, size, bold, balance, words))


@functools.lru_cache(maxsize=4096)
def _wrap(text: str, width: float, size: float, bold: bool, balance: bool,
          words: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """`wrap`, remembered: every page draws the same pictures, and balancing
    measures each line a dozen times."""
    tokens = [piece for token in _tokens(" ".join(text.split()), words)
              for piece in _fit(token, width, size, bold)]
    lines = _greedy(tokens, width, size, bold)
    # A last line of one character or word reads as an accident: balance then too.
    orphan = len(lines) >= 2 and len(_tokens(lines[-1], words)) == 1
    if not (balance or orphan) or len(lines) < 2:
        return tuple(lines)
    low, high = width / len(lines), width
    for _ in range(12):
        middle = (low + high) / 2
        if len(_greedy(tokens, middle, size, bold)) > len(lines):
            low = middle
        else:
            high = middle
    return tuple(_greedy(tokens, high, size, bold))


def _fit(token: str, width: float, size: float, bold: bool) -> list[str]:
    """A token as it is, or, if it is wider than a line, its characters."""
    if len(token) < 2 or text_width(token.rstrip(), size, bold) <= width:
        return [token]
    return _tokens(token)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass
class Canvas:
    """SVG elements collected in drawing order."""

    parts: list[str] = field(default_factory=list)

    def rect(self, x: float, y: float, w: float, h: float, cls: str, r: float = 0) -> None:
        self.parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" '
                          f'height="{_num(h)}" rx="{_num(r)}" class="{cls}"/>')

    def circle(self, x: float, y: float, r: float, cls: str) -> None:
        self.parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" class="{cls}"/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, cls: str) -> None:
        self.parts.append(f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" '
                          f'y2="{_num(y2)}" class="{cls}"/>')

    def path(self, d: str, cls: str) -> None:
        self.parts.append(f'<path d="{d}" class="{cls}"/>')

    def text(self, x: float, y: float, lines: Sequence[str], cls: str, size: float,
             leading: float = 1.45, anchor: str = "start") -> float:
        """Write lines from baseline y; return the y below the last line."""
        if not lines:
            return y
        spans = "".join(
            f'<tspan x="{_num(x)}" dy="{_num(0 if i == 0 else size * leading)}">'
            f"{escape(line)}</tspan>" for i, line in enumerate(lines))
        anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
        self.parts.append(f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" '
                          f'class="{cls}"{anchor_attr}>{spans}</text>')
        return y + size * leading * (len(lines) - 1) + size * 0.5

    def svg(self, ident: str, width: float, height: float, title: str, desc: str,
            cls: str, origin: tuple[float, float] = (0, 0)) -> Markup:
        width = math.ceil(width)
        return Markup(
            f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" class="vis {cls}" '
            f'viewBox="{_num(origin[0])} {_num(origin[1])} {_num(width)} '
            f'{_num(math.ceil(height))}" width="{_num(width)}" '
            f'height="{_num(math.ceil(height))}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc">'
            f'<title id="{ident}-title">{escape(title)}</title>'
            f'<desc id="{ident}-desc">{escape(desc)}</desc>'
            + "".join(self.parts) + "</svg>")


def sentence_list(items: Iterable[str], separator: str) -> str:
    return separator.join(item.strip() for item in items if item.strip())


@dataclass(frozen=True)
class Wording:
    """The punctuation that joins the parts of a picture's text alternative:
    half-width with spaces for languages such as English, full-width without
    spaces for Chinese (`FULL_WIDTH`)."""

    colon: str = ": "
    semicolon: str = "; "
    stop: str = ". "
    comma: str = ", "
    open: str = " ("
    close: str = ")"
    space: str = " "
    year: str = "{}"
    number: str = "{}. "
    figure: str = "{value} {label}"
    words: frozenset[str] = frozenset()
    """Words a line may not break inside (`dictionary`); Chinese needs them."""

    def end(self, text: str) -> str:
        """`text` closed with a full stop, without the trailing space."""
        return text + self.stop.rstrip()


FULL_WIDTH = Wording(colon="：", semicolon="；", stop="。", comma="、", open="（", close="）",
                     space="", year="{}年", number="（{}）", figure="{label}：{value}")


# -- the 2021–2024 timeline -------------------------------------------------

@dataclass(frozen=True)
class Year:
    year: int
    motto: str
    events: tuple[str, ...]


def timeline(years: Sequence[Year], ident: str, title: str, width: int = WIDE,
             wording: Wording = Wording()) -> Markup:
    """Years left to right (wide) or top to bottom (narrow), each with motto and facts."""
    columns = 4 if width >= WIDE else 1
    gap = 20
    column_width = (width - gap * (columns - 1)) / columns
    indent = 0 if columns > 1 else 30
    body_width = column_width - indent - 14
    canvas = Canvas()
    blocks: list[tuple[float, float, float]] = []  # x, y top, bottom
    top = 48 if columns > 1 else 8
    y_cursor = top
    for index, year in enumerate(years):
        col = index % columns
        x = col * (column_width + gap) + indent
        y = top if columns > 1 else y_cursor
        start = y
        y = canvas.text(x, y + 30, [str(year.year)], "vis-year", 30) + 14
        y = canvas.text(x, y + 8, wrap(year.motto, body_width + 14, 18, bold=True,
                                       balance=True, words=wording.words), "vis-motto",
                        18) + 12
        for event in year.events:
            lines = wrap(event, body_width, 14, words=wording.words)
            canvas.circle(x + 3, y + 2, 2.6, "vis-bullet")
            y = canvas.text(x + 14, y + 7, lines, "vis-body", 14, leading=1.5) + 12
        blocks.append((x, start, y))
        y_cursor = y + 18
    if columns > 1:
        height = max(bottom for _, _, bottom in blocks) + 8
        canvas.parts.insert(0, _axis_wide(canvas, blocks, width))
    else:
        height = y_cursor
        canvas.parts.insert(0, _axis_narrow(blocks))
    w = wording
    desc = w.end(w.stop.join(w.year.format(y.year) + f"{w.colon}{y.motto}{w.stop}"
                             + sentence_list(y.events, w.stop) for y in years))
    return canvas.svg(ident, width, height, title, desc, "vis-timeline")


def _axis_wide(canvas: Canvas, blocks: list[tuple[float, float, float]], width: int) -> str:
    axis = Canvas()
    axis.line(0, 20, width, 20, "vis-axis")
    for x, _, _ in blocks:
        axis.circle(x + 7, 20, 7, "vis-node")
    return "".join(axis.parts)


def _axis_narrow(blocks: list[tuple[float, float, float]]) -> str:
    axis = Canvas()
    if blocks:
        axis.line(9, blocks[0][1] + 20, 9, blocks[-1][1] + 20, "vis-axis")
    for _, top, _ in blocks:
        axis.circle(9, top + 20, 7, "vis-node")
    return "".join(axis.parts)


# -- the plan: goal → four highlands → six strengthenings ------------------

@dataclass(frozen=True)
class Box:
    number: int
    name: str
    note: str = ""


def _grid(canvas: Canvas, boxes: Sequence[Box], y: float, width: float, columns: int,
          cls: str, words: frozenset[str] = frozenset()) -> tuple[float, list[tuple[float, float]]]:
    """Numbered boxes in rows; return the y below them and each box's top centre."""
    gap = 12
    box_width = (width - gap * (columns - 1)) / columns
    tops: list[tuple[float, float]] = []
    for row_start in range(0, len(boxes), columns):
        row = boxes[row_start:row_start + columns]
        laid = [(wrap(b.name, box_width - 28, 15, bold=True, balance=True, words=words),
                 wrap(b.note, box_width - 28, 13, words=words))
                for b in row]
        height = max(_box_height(len(n), len(e)) for n, e in laid)
        # An incomplete last row is centred under the ones above it.
        offset = (columns - len(row)) * (box_width + gap) / 2
        for col, (box, (name, note)) in enumerate(zip(row, laid, strict=True)):
            x = offset + col * (box_width + gap)
            canvas.rect(x, y, box_width, height, f"vis-box {cls}", 8)
            canvas.circle(x + 24, y + 24, 12, "vis-badge")
            canvas.text(x + 24, y + 28.5, [str(box.number)], "vis-badge-text", 13,
                        anchor="middle")
            below = canvas.text(x + 14, y + 62, name, "vis-box-title", 15)
            if note:
                canvas.text(x + 14, below + 16, note, "vis-box-note", 13)
            tops.append((x + box_width / 2, y))
        y += height + gap
    return y - gap, tops


def _box_height(name_lines: int, note_lines: int) -> float:
    """The height a box needs: badge, name lines, note lines, padding (as _grid draws them)."""
    bottom = 62 + 15 * 1.45 * (name_lines - 1) + 7.5
    if note_lines:
        bottom += 16 + 13 * 1.45 * (note_lines - 1) + 6.5
    return bottom + 12


def _bus(canvas: Canvas, from_x: float, from_y: float, targets: list[tuple[float, float]],
         ) -> None:
    """A connector from one point down to the tops of several boxes."""
    if not targets:
        return
    first_row = min(t[1] for t in targets)
    bus_y = first_row - 16
    canvas.line(from_x, from_y, from_x, bus_y, "vis-link")
    row = [t for t in targets if t[1] == first_row]
    canvas.line(min(t[0] for t in row), bus_y, max(t[0] for t in row), bus_y, "vis-link")
    for x, top in row:
        canvas.line(x, bus_y, x, top, "vis-link")


def structure(goal: str, highlands_label: str, highlands: Sequence[Box],
              strengthenings_label: str, strengthenings: Sequence[Box], ident: str,
              title: str, width: int = WIDE, wording: Wording = Wording()) -> Markup:
    canvas = Canvas()
    wide = width >= WIDE
    # The goal on one line if a slightly smaller size allows, else in balanced lines.
    goal_size = next((size for size in (20, 19, 18, 17)
                      if text_width(goal, size, bold=True) <= width - 48), 20)
    goal_lines = wrap(goal, width - 48, goal_size, bold=True, balance=True,
                      words=wording.words)
    goal_height = 30 + len(goal_lines) * 29
    canvas.rect(0, 0, width, goal_height, "vis-goal", 10)
    canvas.text(width / 2, 36, goal_lines, "vis-goal-text", goal_size, leading=29 / goal_size,
                anchor="middle")
    y = goal_height + 40
    canvas.text(0, y, [highlands_label], "vis-tier", 15)
    y += 34
    bottom, tops = _grid(canvas, highlands, y, width, 4 if wide else 2, "vis-highland",
                         wording.words)
    _bus(canvas, width / 2, goal_height, tops)
    y = bottom + 40
    canvas.text(0, y, [strengthenings_label], "vis-tier", 15)
    y += 34
    highlands_bottom = bottom
    bottom, tops = _grid(canvas, strengthenings, y, width, 3 if wide else 2,
                         "vis-strengthening", wording.words)
    _bus(canvas, width / 2, highlands_bottom, tops)
    height = bottom + 4
    w = wording
    desc = (f"{goal}{w.stop}{highlands_label}{w.colon}"
            + sentence_list((w.number.format(b.number) + b.name
                             + (f"{w.open}{b.note}{w.close}" if b.note else "")
                             for b in highlands), w.semicolon)
            + f"{w.stop}{strengthenings_label}{w.colon}"
            + w.end(sentence_list((w.number.format(b.number) + b.name
                                   for b in strengthenings), w.semicolon)))
    return canvas.svg(ident, width, height, title, desc, "vis-structure")


# -- the schematic map -------------------------------------------------------

@dataclass(frozen=True)
class Place:
    id: str
    name: str
    lat: float
    lon: float
    marks: str = ""
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    style: str  # "solid" or "dashed"


def project(places: Sequence[Place], width: float, margin: float
            ) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Equirectangular projection scaled by the cosine of the middle latitude:
    true to shape at this size. Returns positions, pixels per degree of latitude
    and the height."""
    lats = [p.lat for p in places]
    lons = [p.lon for p in places]
    mid = math.radians((max(lats) + min(lats)) / 2)
    span_x = (max(lons) - min(lons)) * math.cos(mid) or 1.0
    scale = (width - 2 * margin) / span_x
    height = (max(lats) - min(lats)) * scale + 2 * margin
    positions = {p.id: (margin + (p.lon - min(lons)) * math.cos(mid) * scale,
                        margin + (max(lats) - p.lat) * scale) for p in places}
    return positions, scale, height


def schematic_map(places: Sequence[Place], groups: Sequence[Group], ident: str, title: str,
                  desc_note: str, scale_label: str, north: str, width: int = NARROW,
                  wording: Wording = Wording()) -> Markup:
    """Cities at their real positions, each named on the side away from the
    middle of the map; the groups as outlined areas with a legend under them.

    The picture is as large as what it draws: the dots are spread over as much
    of `width` as the labels leave, and the view box holds every label."""
    span = width * 0.5
    for _ in range(3):  # the labels' overhang is the same at any spread of the dots
        drawing, box = _map_drawing(places, groups, span, scale_label, north, wording.words)
        span = max(120.0, span + width - (box[2] - box[0]))
    x0, y0, x1, y1 = box
    pad = 6
    w = wording
    desc = desc_note + w.space + w.end(sentence_list(
        (p.name + (f"{w.open}{p.marks}{w.close}" if p.marks else "") + w.colon
         + w.comma.join(g.name for g in groups if g.id in p.groups) for p in places),
        w.semicolon))
    return drawing.svg(ident, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad, title, desc, "vis-map",
                       origin=(x0 - pad, y0 - pad))


Box4 = tuple[float, float, float, float]


def _map_drawing(places: Sequence[Place], groups: Sequence[Group], span: float,
                 scale_label: str, north: str, words: frozenset[str] = frozenset(),
                 ) -> tuple[Canvas, Box4]:
    positions, scale, _ = project(places, span, 0)
    canvas = Canvas()
    dots: list[Box4] = [(x - 8, y - 8, x + 8, y + 8) for x, y in positions.values()]
    edges: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for group in groups:
        members = [positions[p.id] for p in places if group.id in p.groups]
        if len(members) >= 3:
            d = "M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in members) + "Z"
            canvas.path(d, f"vis-area vis-area-{group.style}")
            edges += zip(members, members[1:] + members[:1], strict=True)
    centre_x = sum(x for x, _ in positions.values()) / len(positions)
    centre_y = sum(y for _, y in positions.values()) / len(positions)
    labels: list[Box4] = []
    for place in places:
        x, y = positions[place.id]
        canvas.circle(x, y, 7, "vis-city")
        others = [b for b, p in zip(dots, places, strict=True) if p is not place] + labels
        labels.append(_city_label(canvas, place, x, y, x - centre_x, y - centre_y,
                                  edges, others, words))
    boxes = dots + labels
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    # Legend: a swatch of each area's outline and its name, under the map.
    y = bottom + 22
    for group in groups:
        lines = wrap(group.name, max(120.0, right - left - 38), 15 * LEGEND, bold=True,
                     words=words)
        canvas.rect(left, y - 12, 28, 16, f"vis-area vis-area-{group.style}", 3)
        y = canvas.text(left + 38, y + 1, lines, f"vis-area-label vis-label-{group.style}",
                        15, leading=1.3) + 16
        right = max(right, left + 38 + max(text_width(line, 15 * LEGEND, bold=True)
                                           for line in lines))
    # Scale bar (100 km at this projection) on the left, north arrow on the right.
    bar = 100 / 111.2 * scale
    y += 10
    canvas.text(left, y, [scale_label], "vis-small", 12)
    canvas.line(left, y + 10, left + bar, y + 10, "vis-scale")
    canvas.line(left, y + 5, left, y + 15, "vis-scale")
    canvas.line(left + bar, y + 5, left + bar, y + 15, "vis-scale")
    right = max(right, left + bar + 40, left + text_width(scale_label, 12) + 40)
    canvas.path(f"M{_num(right - 10)} {_num(y - 12)}l8 20h-16z", "vis-north")
    canvas.text(right - 10, y + 22, [north], "vis-small", 12, anchor="middle")
    return canvas, (left, top, right, y + 24)


LEGEND = 1.08
"""Legend and label words are measured this much larger, to stay inside the picture
whatever the reader's font."""

SIDES = ("right", "left", "above", "below", "upper right", "upper left", "lower right",
         "lower left")


def _city_label(canvas: Canvas, place: Place, x: float, y: float, dx: float, dy: float,
                edges: Sequence[tuple[tuple[float, float], tuple[float, float]]],
                taken: Sequence[Box4], words: frozenset[str] = frozenset()) -> Box4:
    """Name (and note) beside the dot: on the side facing away from the map's
    middle unless a line or another label is there. Returns the box the words take."""
    name_size, note_size, gap = 17, 13, 11
    notes = wrap(place.marks, 140, note_size, words=words) if place.marks else []
    wide = max([text_width(place.name, name_size * LEGEND, bold=True),
                *(text_width(n, note_size * LEGEND) for n in notes)])
    block = name_size + len(notes) * note_size * 1.4
    if abs(dy) > abs(dx):
        first = "above" if dy < 0 else "below"
    else:
        first = "right" if dx >= 0 else "left"
    candidates: list[tuple[str, float, Box4]] = []
    for side in (first, *(s for s in SIDES if s != first)):
        if side in ("above", "below"):
            box_top = y - gap - block if side == "above" else y + gap
            candidates.append(("middle", x, (x - wide / 2, box_top, x + wide / 2,
                                             box_top + block)))
            continue
        box_top = {"upper": y - block, "lower": y}.get(side.split()[0], y - name_size * 0.6)
        if "left" in side:
            candidates.append(("end", x - gap, (x - gap - wide, box_top, x - gap,
                                                box_top + block)))
        else:
            candidates.append(("start", x + gap, (x + gap, box_top, x + gap + wide,
                                                  box_top + block)))
    anchor, tx, box = next((c for c in candidates if not _blocked(c[2], edges, taken)),
                           candidates[0])
    top = box[1]
    canvas.text(tx, top + name_size * 0.85, [place.name], "vis-city-name", name_size,
                anchor=anchor)
    if notes:
        canvas.text(tx, top + name_size + note_size * 1.1, notes, "vis-city-note", note_size,
                    leading=1.4, anchor=anchor)
    return box


def _blocked(box: Box4, edges: Sequence[tuple[tuple[float, float], tuple[float, float]]],
             taken: Sequence[Box4]) -> bool:
    return any(_crosses(box, a, b) for a, b in edges) or any(_overlaps(box, o) for o in taken)


def _overlaps(one: Box4, other: Box4) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def _crosses(box: Box4, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the segment a–b passes through the box (checked every 2 px)."""
    steps = max(1, int(math.dist(a, b) / 2))
    return any(box[0] <= a[0] + (b[0] - a[0]) * i / steps <= box[2]
               and box[1] <= a[1] + (b[1] - a[1]) * i / steps <= box[3]
               for i in range(steps + 1))


# -- key figures --------------------------------------------------------------

RING = 16
"""Radius of the ring drawn for a share."""


@dataclass(frozen=True)
class Figure:
    value: str
    label: str
    count: int | None = None  # draw this many dots
    share: float | None = None  # draw a ring filled to this fraction


def figure_panel(figures: Sequence[Figure], ident: str, title: str, width: int = WIDE,
                 wording: Wording = Wording()) -> Markup:
    columns = 3 if width >= WIDE else 2
    gap = 12
    cell_width = (width - gap * (columns - 1)) / columns
    canvas = Canvas()
    y = 0.0
    for row_start in range(0, len(figures), columns):
        row = figures[row_start:row_start + columns]
        laid = []
        for figure in row:
            room = cell_width - 32
            # Big serif numbers; a long value gets smaller, then breaks at its hyphen.
            value_size = next((size for size in (34, 28, 22)
                               if text_width(figure.value, size * SERIF, bold=True) <= room),
                              22)
            value = wrap(figure.value, room, value_size * SERIF, bold=True,
                         words=wording.words)
            label = wrap(figure.label, room, 14, balance=True, words=wording.words)
            graphic = 0
            if figure.share is not None:
                graphic = 2 * (RING + 4) + 4
            elif figure.count:
                graphic = 12 + 11 * math.ceil(min(figure.count, 60) / _per_row(room))
            laid.append((value_size, value, label, graphic))
        height = max(30 + v * (1 + 1.15 * (len(val) - 1)) + 14 + len(lab) * 20 + g + 16
                     for v, val, lab, g in laid)
        offset = (columns - len(row)) * (cell_width + gap) / 2  # a short last row, centred
        for col, (figure, (value_size, value, label, _)) in enumerate(
                zip(row, laid, strict=True)):
            x = offset + col * (cell_width + gap)
            canvas.rect(x, y, cell_width, height, "vis-figure", 10)
            below = canvas.text(x + 16, y + 18 + value_size, value, "vis-figure-value",
                                value_size, leading=1.15)
            below = canvas.text(x + 16, below + 18, label, "vis-figure-label", 14,
                                leading=1.4)
            if figure.share is not None:
                _ring(canvas, x + 16 + RING + 4, below + 10 + RING + 4, RING, figure.share)
            elif figure.count:
                _dots(canvas, x + 16, below + 10, figure.count, room)
        y += height + gap
    desc = wording.end(sentence_list((wording.figure.format(value=f.value, label=f.label)
                                      for f in figures), wording.semicolon))
    return canvas.svg(ident, width, y - gap, title, desc, "vis-figures")


def _ring(canvas: Canvas, cx: float, cy: float, r: float, share: float) -> None:
    share = max(0.0, min(1.0, share))
    canvas.circle(cx, cy, r, "vis-ring")
    if share >= 1:
        canvas.circle(cx, cy, r, "vis-ring-fill")
        return
    angle = 2 * math.pi * share
    end_x = cx + r * math.sin(angle)
    end_y = cy - r * math.cos(angle)
    large = 1 if share > 0.5 else 0
    canvas.path(f"M{_num(cx)} {_num(cy - r)}A{_num(r)} {_num(r)} 0 {large} 1 "
                f"{_num(end_x)} {_num(end_y)}", "vis-ring-fill")


def _per_row(width: float) -> int:
    return max(1, min(12, int(width // 11)))


def _dots(canvas: Canvas, x: float, y: float, count: int, width: float) -> None:
    per_row = _per_row(width)
    for index in range(min(count, 60)):
        canvas.circle(x + 4 + (index % per_row) * 11, y + (index // per_row) * 11, 3.6,
                      "vis-dot")
