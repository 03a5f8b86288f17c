"""Make a theme's card font: a font cut down (with fontTools) to the characters the
site's cards draw, so the theme can keep it (a whole CJK font weighs tens of
megabytes; the cut one one or two).

    python -m duet.render.cardfont FONT [--number N] [--lang CODE]
                                        [--proportional] [--common-chinese]

reads the project in the current folder (content/, and explainer/ for its
collections' schemas), gathers the text of every card in the site's languages
(or in CODE's alone) and writes templates/cards/font.otf (font.CODE.otf with
--lang), with ASCII, Latin-1 and general punctuation (and, with
--common-chinese, the 5000 Chinese characters most texts use). FONT is an
OpenType or TrueType file, or a collection (.ttc) with --number picking the
font in it. Run it again when the build warns that the card font lacks a
character.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

import opencc
from fontTools import subset
from fontTools.ttLib import TTFont

from duet.build import BuildOptions
from duet.diagnostics import Diagnostics
from duet.load.content import load_content
from duet.load.hooks import load_hook
from duet.load.schemas import ENGINE_COLLECTIONS
from duet.render.cards import CARD_FOLDER, CardText, card_characters, card_text


def site_card_texts(root: Path, codes: list[str] | None) -> list[CardText]:
    """The text of every card the project's pages make, in the languages given (None:
    all of them)."""
    diagnostics = Diagnostics()
    options = BuildOptions.for_project(root)
    hook = load_hook(options.hooks_dir, diagnostics, reserved=ENGINE_COLLECTIONS)
    content = load_content(options.content_dir, diagnostics, hook=hook)
    if content is None:
        raise SystemExit("cannot read content/site.yaml: build the site to see why")
    config = content.config
    return [card_text(config, config.language(page.lang), str(page.front["title"]),
                      page.front["description"])
            for page in content.pages if codes is None or page.lang in codes]


LATIN = {chr(code) for span in ((0x20, 0x7F), (0xA0, 0x180), (0x2010, 0x2070))
         for code in range(*span)}
"""Printable ASCII, Latin-1, Latin Extended-A and general punctuation: always kept."""


def common_chinese() -> set[str]:
    """The 3755 characters of GB 2312's first level (the most used in Simplified
    Chinese), their Traditional forms (OpenCC's s2twp), and CJK and full-width
    punctuation."""
    simplified = set()
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                simplified.add(bytes([high, low]).decode("gb2312"))
    convert = opencc.OpenCC("s2twp").convert
    punctuation = {chr(code) for span in ((0x3000, 0x3040), (0xFF01, 0xFF5F))
                   for code in range(*span)}
    return simplified | {convert(character) for character in simplified} | punctuation


def cut_font(source: Path, number: int, characters: set[str], target: Path,
             proportional: bool = False) -> None:
    """Keep only `characters` (and the glyph for a missing one) of the font, without
    hinting or layout features: the cards are drawn with Pillow's basic layout, so
    `proportional` puts the font's proportional punctuation (its 'pwid' forms) in
    place of the full-width forms a CJK font gives by default."""
    font = TTFont(source, fontNumber=number, recalcTimestamp=False)
    if proportional:
        use_proportional_forms(font)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(map(ord, characters)))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)


def use_proportional_forms(font: TTFont) -> None:
    """Map each character that has a proportional form in the font's 'pwid' feature
    straight to that form."""
    forms: dict[str, str] = {}
    table = font["GSUB"].table
    for record in table.FeatureList.FeatureRecord:
        if record.FeatureTag != "pwid":
            continue
        for index in record.Feature.LookupListIndex:
            for sub in table.LookupList.Lookup[index].SubTable:
                sub = getattr(sub, "ExtSubTable", sub)
                forms.update(getattr(sub, "mapping", {}))
    for cmap in font["cmap"].tables:
        if cmap.isUnicode():
            cmap.cmap = {code: forms.get(glyph, glyph) for code, glyph in cmap.cmap.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m duet.render.cardfont",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("font", type=Path, help="the font to cut down (.otf, .ttf or .ttc)")
    parser.add_argument("--number", type=int, default=0,
                        help="which font of a collection (.ttc) to take (default: 0)")
    parser.add_argument("--lang", help="make the font of this language's cards alone")
    parser.add_argument("--proportional", action="store_true",
                        help="proportional quotation marks and ellipsis (for a language "
                             "written in Latin letters, from a CJK font)")
    parser.add_argument("--common-chinese", action="store_true",
                        help="keep the 5000 most used Chinese characters in both scripts "
                             "too, so that new titles seldom need the font made again")
    args = parser.parse_args(argv)
    root = Path.cwd()
    texts = site_card_texts(root, [args.lang] if args.lang else None)
    name = f"font.{args.lang}.otf" if args.lang else "font.otf"
    target = root / "templates" / CARD_FOLDER / name
    characters = card_characters(texts) | LATIN
    if args.common_chinese:
        characters |= common_chinese()
    cut_font(args.font, args.number, characters, target, args.proportional)
    print(f"{target}: {len(characters)} characters, "
          f"{target.stat().st_size // 1024} KB", file=sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
