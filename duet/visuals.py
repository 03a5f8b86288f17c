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

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

WIDE = 720
BOLD = 1.12
"""Bold and serif text runs wider than the estimate: wrap it as if it were this much larger."""
NARROW = 360
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
        return 0.66
    return 0.56


def text_width(text: str, size: float) -> float:
    return sum(char_width(c) for c in text) * size


def _tokens(text: str) -> list[str]:
    """Break opportunities: each CJK character alone, Latin words with their space."""
    tokens: list[str] = []
    for char in text:
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        if tokens and (char in CLOSING or tokens[-1][-1:] in OPENING):
            tokens[-1] += char
        elif wide or not tokens or tokens[-1].endswith(" ") or _is_wide(tokens[-1][-1]):
            tokens.append(char)
        else:
            tokens[-1] += char
    return tokens


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy line breaking of mixed Chinese and Latin text to `width` pixels."""
    lines: list[str] = []
    line = ""
    for token in _tokens(" ".join(text.split())):
        if line and text_width((line + token).rstrip(), size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


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
            cls: str) -> Markup:
        return Markup(
            f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" class="vis {cls}" '
            f'viewBox="0 0 {_num(width)} {_num(math.ceil(height))}" width="{_num(width)}" '
            f'height="{_num(math.ceil(height))}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc">'
            f'<title id="{ident}-title">{escape(title)}</title>'
            f'<desc id="{ident}-desc">{escape(desc)}</desc>'
            + "".join(self.parts) + "</svg>")


def sentence_list(items: Iterable[str], separator: str) -> str:
    return separator.join(item.strip() for item in items if item.strip())


# -- the 2021–2024 timeline -------------------------------------------------

@dataclass(frozen=True)
class Year:
    year: int
    motto: str
    events: tuple[str, ...]


def timeline(years: Sequence[Year], ident: str, title: str, width: int = WIDE) -> Markup:
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
        y = canvas.text(x, y + 8, wrap(year.motto, body_width + 14, 18 * BOLD), "vis-motto",
                        18) + 12
        for event in year.events:
            lines = wrap(event, body_width, 14)
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
    desc = " ".join(f"{y.year}: {y.motto}. " + sentence_list(y.events, " ") for y in years)
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
          cls: str) -> tuple[float, list[tuple[float, float]]]:
    """Numbered boxes in rows; return the y below them and each box's top centre."""
    gap = 12
    box_width = (width - gap * (columns - 1)) / columns
    tops: list[tuple[float, float]] = []
    for row_start in range(0, len(boxes), columns):
        row = boxes[row_start:row_start + columns]
        laid = [(wrap(b.name, box_width - 28, 15 * BOLD), wrap(b.note, box_width - 28, 13))
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
              title: str, width: int = WIDE) -> Markup:
    canvas = Canvas()
    wide = width >= WIDE
    goal_lines = wrap(goal, width - 48, 20 * BOLD)
    goal_height = 30 + len(goal_lines) * 29
    canvas.rect(0, 0, width, goal_height, "vis-goal", 10)
    canvas.text(width / 2, 36, goal_lines, "vis-goal-text", 20, anchor="middle")
    y = goal_height + 40
    canvas.text(0, y, [highlands_label], "vis-tier", 15)
    y += 34
    bottom, tops = _grid(canvas, highlands, y, width, 4 if wide else 2, "vis-highland")
    _bus(canvas, width / 2, goal_height, tops)
    y = bottom + 40
    canvas.text(0, y, [strengthenings_label], "vis-tier", 15)
    y += 34
    highlands_bottom = bottom
    bottom, tops = _grid(canvas, strengthenings, y, width, 3 if wide else 2,
                         "vis-strengthening")
    _bus(canvas, width / 2, highlands_bottom, tops)
    height = bottom + 4
    desc = (f"{goal}. {highlands_label}: "
            + sentence_list((f"{b.number}. {b.name}" + (f" ({b.note})" if b.note else "")
                             for b in highlands), "; ")
            + f". {strengthenings_label}: "
            + sentence_list((f"{b.number}. {b.name}" for b in strengthenings), "; ") + ".")
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
                  desc_note: str, scale_label: str, north: str, width: int = 420) -> Markup:
    positions, scale, height = project(places, width, 84)
    canvas = Canvas()
    for group in groups:
        members = [positions[p.id] for p in places if group.id in p.groups]
        if len(members) < 3:
            continue
        d = "M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in members) + "Z"
        canvas.path(d, f"vis-area vis-area-{group.style}")
        cx = sum(x for x, _ in members) / len(members)
        cy = sum(y for _, y in members) / len(members)
        canvas.text(cx, cy + 6, wrap(group.name, 150, 15),
                    f"vis-area-label vis-label-{group.style}", 15, anchor="middle")
    centre_x = sum(x for x, _ in positions.values()) / len(positions)
    centre_y = sum(y for _, y in positions.values()) / len(positions)
    for place in places:
        x, y = positions[place.id]
        canvas.circle(x, y, 7, "vis-city")
        # Labels point away from the middle of the map, clear of the lines.
        anchor = "start" if x >= centre_x else "end"
        dx = 12 if anchor == "start" else -12
        lines = wrap(place.marks, 150, 13) if place.marks else []
        block = 17 + len(lines) * 18
        top = y - 10 - block if y < centre_y else y + 12
        canvas.text(x + dx, top + 15, [place.name], "vis-city-name", 17, anchor=anchor)
        if lines:
            canvas.text(x + dx, top + 34, lines, "vis-city-note", 13, anchor=anchor)
    km_per_degree = 111.2
    bar = 100 / km_per_degree * scale
    base_y = height - 20
    canvas.line(16, base_y, 16 + bar, base_y, "vis-scale")
    canvas.line(16, base_y - 5, 16, base_y + 5, "vis-scale")
    canvas.line(16 + bar, base_y - 5, 16 + bar, base_y + 5, "vis-scale")
    canvas.text(16, base_y - 10, [scale_label], "vis-small", 12)
    canvas.path(f"M{_num(width - 24)} 18l8 22h-16z", "vis-north")
    canvas.text(width - 24, 58, [north], "vis-small", 12, anchor="middle")
    desc = desc_note + " " + sentence_list(
        (f"{p.name}" + (f" ({p.marks})" if p.marks else "") + ": "
         + ", ".join(g.name for g in groups if g.id in p.groups) for p in places), "; ") + "."
    return canvas.svg(ident, width, height, title, desc, "vis-map")


# -- key figures --------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    value: str
    label: str
    count: int | None = None  # draw this many dots
    share: float | None = None  # draw a ring filled to this fraction


def figure_panel(figures: Sequence[Figure], ident: str, title: str, width: int = WIDE
                 ) -> Markup:
    columns = 3 if width >= WIDE else 2
    gap = 12
    cell_width = (width - gap * (columns - 1)) / columns
    canvas = Canvas()
    y = 0.0
    for row_start in range(0, len(figures), columns):
        row = figures[row_start:row_start + columns]
        laid = []
        for figure in row:
            room = cell_width - 32 - (48 if figure.share is not None else 0)
            value_size = next((size for size in (34, 28, 22)
                               if text_width(figure.value, size * BOLD) <= room), 18)
            label = wrap(figure.label, cell_width - 32, 14)
            graphic = 44 if (figure.share is not None or figure.count) else 0
            if figure.count and figure.count > 12:
                graphic = 12 + 11 * math.ceil(min(figure.count, 60) / 12)
            laid.append((value_size, label, graphic))
        height = max(30 + v + 14 + len(lab) * 20 + g + 16 for v, lab, g in laid)
        for col, (figure, (value_size, label, _)) in enumerate(
                zip(row, laid, strict=True)):
            x = col * (cell_width + gap)
            canvas.rect(x, y, cell_width, height, "vis-figure", 10)
            below = canvas.text(x + 16, y + 18 + value_size, [figure.value], "vis-figure-value",
                                value_size)
            below = canvas.text(x + 16, below + 18, label, "vis-figure-label", 14,
                                leading=1.4)
            if figure.share is not None:
                _ring(canvas, x + cell_width - 34, y + 34, 18, figure.share)
            elif figure.count:
                _dots(canvas, x + 16, below + 10, figure.count, cell_width - 32)
        y += height + gap
    desc = sentence_list((f"{f.value} {f.label}" for f in figures), "; ") + "."
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


def _dots(canvas: Canvas, x: float, y: float, count: int, width: float) -> None:
    per_row = max(1, min(12, int(width // 11)))
    for index in range(min(count, 60)):
        canvas.circle(x + 4 + (index % per_row) * 11, y + (index // per_row) * 11, 3.6,
                      "vis-dot")
