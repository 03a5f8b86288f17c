"""Share cards: Open Graph and Twitter metadata on every page, each page's card a
1200×630 PNG in the page's language, the same bytes wherever it is drawn."""

from __future__ import annotations

import hashlib
import io
import re
import struct
from pathlib import Path

import pytest
from conftest import ROOT, build
from htmlparse import parse_html
from PIL import Image

from duet.render.cards import CardPainter, CardText

pytestmark = pytest.mark.slow  # builds the real site

BASE = "https://example.org/"
GOLDEN = "bd40ff4fe204f49268673536db33bf705c2ca8de7199d0eca38957f3adcc613b"
"""The SHA-256 of the card drawn below with the theme's font: a different value on
another machine means cards are not the same bytes everywhere."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cards") / "_site"
    build(ROOT / "content", out, strict=True, base_url=BASE)
    return out


def metadata(page: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in parse_html(page.read_bytes()).find_all("meta"):
        key = meta.attrs.get("property") or meta.attrs.get("name")
        if key:
            found.setdefault(key, []).append(meta.attrs.get("content", ""))
    return found


def chunks(png: bytes) -> list[bytes]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, position = [], 8
    while position < len(png):
        length = struct.unpack(">I", png[position:position + 4])[0]
        kinds.append(png[position + 4:position + 8])
        position += 12 + length
    return kinds


def html_pages(site: Path) -> list[Path]:
    return [path for path in sorted(site.rglob("index.html"))
            if path.parent != site and "pagefind" not in path.parts]


def test_every_page_has_its_card_and_metadata(site: Path) -> None:
    pages = html_pages(site)
    assert len(pages) > 54
    for page in pages:
        meta = metadata(page)
        url = BASE + page.parent.relative_to(site).as_posix() + "/"
        assert meta["og:url"] == [url], page
        assert meta["og:title"] and meta["og:description"] and meta["og:locale"], page
        assert len(meta["og:locale:alternate"]) == 2, page
        assert meta["twitter:card"] == ["summary_large_image"], page
        (image,) = meta["og:image"]
        assert image.startswith(BASE) and image.endswith("/card.png"), page
        assert (site / image.removeprefix(BASE)).is_file(), page
        assert meta["twitter:image"] == [image]
        assert meta["og:image:width"] == ["1200"] and meta["og:image:height"] == ["630"]
    # a content page's card is its own, beside it
    assert metadata(site / "en/highlands/talent/index.html")["og:image"] == [
        BASE + "en/highlands/talent/card.png"]


def test_cards_are_plain_pngs_of_the_right_size(site: Path) -> None:
    cards = sorted(site.rglob("card.png"))
    assert len(cards) == 69
    for card in cards:
        data = card.read_bytes()
        assert chunks(data) == [b"IHDR", b"IDAT", b"IEND"]  # no time, text or other metadata
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (1200, 630)
            assert image.mode == "RGB"


def test_each_language_has_its_own_card(site: Path) -> None:
    cards = {code: (site / code / "highlands/talent/card.png").read_bytes()
             for code in ("zh", "zh-hant", "en")}
    assert len(set(cards.values())) == 3


def test_the_same_build_gives_the_same_cards(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "_site"
    build(ROOT / "content", again, strict=True, base_url=BASE)
    for card in sorted(site.rglob("card.png")):
        assert (again / card.relative_to(site)).read_bytes() == card.read_bytes(), card


def test_a_card_is_the_same_bytes_on_every_machine() -> None:
    painter = CardPainter((ROOT / "templates/cards/font.otf").read_bytes())
    card = painter.paint(CardText("湖北科技创新高地解读", "全球高端人才集聚地",
                                  "四个高地之一：让各层次人才汇聚湖北、各展其能。",
                                  "hubei-innovation.example.org", "简体中文"))
    assert hashlib.sha256(card).hexdigest() == GOLDEN


def test_a_character_the_card_font_lacks_is_reported(mini_content: Path,
                                                     tmp_path: Path) -> None:
    page = mini_content / "about.en.md"
    page.write_text(re.sub(r"title: .*", "title: About 𠀀", page.read_text(encoding="utf-8"),
                           count=1), encoding="utf-8")
    result = build(mini_content, tmp_path / "_site", strict=False)
    (problem,) = [d for d in result.warnings if "card font" in d.message]
    assert Path(problem.path) == page and problem.line > 0
    assert "𠀀" in problem.message and "python -m duet.render.cardfont" in problem.message
