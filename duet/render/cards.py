"""Share cards: a 1200×630 PNG for each page, in the page's language, that social
networks and chat apps show beside a link (the page's `og:image`).

A card is drawn from the page's texts (site title, page title, description, the
site's address and the language's name) with a font the theme keeps in
`templates/cards/`: `font.<code>.otf` for one language, `font.otf` for the
others; a theme without `font.otf` has no cards. The same texts give the same
bytes on every machine: Pillow (pinned, with the FreeType it bundles) draws with
its basic layout (never the system's libraqm and FriBiDi), and the PNG is
written here, compressed with the libdeflate the `deflate` package bundles
(not the system's zlib) and without a timestamp or any other metadata.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from duet.diagnostics import Diagnostics
from duet.load.config import Config, Language

if TYPE_CHECKING:  # Pillow, fontTools and deflate are imported where a card is drawn:
    # a theme without a card font never loads them
    from PIL import Image, ImageFont

CARD_FOLDER = "cards"
CARD_NAME = "card.png"
WIDTH, HEIGHT = 1200, 630
MARGIN = 80
PAPER, INK, INK_SOFT, ACCENT, RULE = "#fbfaf6", "#1d2126", "#4d535b", "#a8321d", "#ddd7ca"

BREAKABLE = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef][、。，．：；！？）》」』〉】”’…—]*"
    r"|[^\s\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+\s*|\s+")
"""The units a line may break between: a Chinese character with the punctuation that
must not start a line, or a word with the spaces after it."""


@dataclass(frozen=True)
class CardText:
    """What one card says."""

    site: str
    title: str
    description: str
    address: str
    language: str

    def characters(self) -> set[str]:
        return set(self.site + self.title + self.description + self.address
                   + self.language + "…")


def card_text(config: Config, language: Language, title: str,
              description: str | None) -> CardText:
    """A page's card: the site's title, the page's title and description (the site's
    when it has none), the site's address and the language's name."""
    address = config.base_url.split("://", 1)[1].rstrip("/")
    return CardText(config.title.get(language.code) or "", title,
                    description or config.description.get(language.code) or "",
                    address, language.name)


def card_path(output_path: str) -> str:
    """The card of the page published at `output_path` (…/index.html) sits beside it."""
    return output_path.rpartition("/")[0] + "/" + CARD_NAME if "/" in output_path else CARD_NAME


def font_path(templates_dir: Path, code: str) -> Path | None:
    """The theme's card font for a language, or None: no cards."""
    folder = templates_dir / CARD_FOLDER
    for candidate in (folder / f"font.{code}.otf", folder / "font.otf"):
        if candidate.is_file():
            return candidate
    return None


def load_painter(templates_dir: Path, code: str, diagnostics: Diagnostics) -> CardPainter | None:
    """The painter of a language's cards, or None: the theme has no card font (or the
    font cannot be read, which is reported)."""
    path = font_path(templates_dir, code)
    if path is None:
        return None
    try:
        painter = CardPainter(path.read_bytes())
        painter.at(30)
    except Exception as exc:  # a damaged font fails in fontTools or FreeType in many ways
        diagnostics.error(path, 0, 0, f"cannot read this card font: {exc}")
        return None
    return painter


class CardPainter:
    """Draws the cards of one language with one font."""

    def __init__(self, font: bytes) -> None:
        from fontTools.ttLib import TTFont

        self.font = font
        self.covered = set(map(chr, TTFont(io.BytesIO(font)).getBestCmap()))
        self.sizes: dict[int, ImageFont.FreeTypeFont] = {}

    def missing(self, text: CardText) -> list[str]:
        """The characters of `text` the font cannot draw."""
        return sorted(text.characters() - self.covered)

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        from PIL import ImageFont

        if size not in self.sizes:
            self.sizes[size] = ImageFont.truetype(io.BytesIO(self.font), size,
                                                  layout_engine=ImageFont.Layout.BASIC)
        return self.sizes[size]

    def paint(self, text: CardText) -> bytes:
        from PIL import Image, ImageDraw

        image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, 23, HEIGHT), fill=ACCENT)
        width = WIDTH - 2 * MARGIN
        y = 64
        site = self.at(30)
        draw.text((MARGIN, y), fit(text.site, site, width, 1)[0], font=site, fill=ACCENT)
        y += 70
        size = 64 if len(fit(text.title, self.at(64), width, 9)) <= 2 else 54
        title = self.at(size)
        for line in fit(text.title, title, width, 3):
            draw.text((MARGIN, y), line, font=title, fill=INK)
            y += round(size * 1.3)
        y += 20
        body = self.at(30)
        room = (530 - y) // 44
        for line in fit(text.description, body, width, min(room, 3)):
            draw.text((MARGIN, y), line, font=body, fill=INK_SOFT)
            y += 44
        draw.line((MARGIN, 548, WIDTH - MARGIN, 548), fill=RULE, width=2)
        footer = self.at(26)
        draw.text((MARGIN, 566), fit(text.address, footer, width // 2, 1)[0], font=footer,
                  fill=INK_SOFT)
        draw.text((WIDTH - MARGIN, 566), text.language, font=footer, fill=INK_SOFT, anchor="ra")
        return png(image)


def fit(text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """`text` broken into at most `lines` lines no wider than `width`; what does not fit
    is cut, and the last line then ends in '…'."""
    result: list[str] = []
    line = ""
    units = BREAKABLE.findall(" ".join(text.split()))
    for index, unit in enumerate(units):
        if not line or font.getlength((line + unit).rstrip()) <= width:
            line += unit
            continue
        result.append(line.rstrip())
        if len(result) == lines:
            return _ellipsis(result, font, width, cut=bool(units[index:]))
        line = unit.lstrip()
    if line.strip():
        result.append(line.rstrip())
    if len(result) > lines:
        return _ellipsis(result[:lines], font, width, cut=True)
    return result or [""]


def _ellipsis(lines: list[str], font: ImageFont.FreeTypeFont, width: int,
              cut: bool) -> list[str]:
    if not cut or not lines:
        return lines
    last = lines[-1]
    while last and font.getlength(last.rstrip() + "…") > width:
        last = last[:-1]
    return [*lines[:-1], last.rstrip(" ,.;:，。、；：") + "…"]


def png(image: Image.Image) -> bytes:
    """The image as PNG bytes: an 8-bit RGB image, rows unfiltered, no ancillary chunks."""
    import deflate

    width, height = image.size
    raw = image.tobytes()
    stride = width * 3
    rows = b"".join(b"\0" + raw[row:row + stride] for row in range(0, len(raw), stride))
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
        _chunk(b"IDAT", bytes(deflate.zlib_compress(rows, 6))),
        _chunk(b"IEND", b""),
    ])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))


def card_characters(texts: Iterable[CardText]) -> set[str]:
    """Every character the cards draw (what a card font must hold)."""
    found: set[str] = set()
    for text in texts:
        found |= text.characters()
    return found
