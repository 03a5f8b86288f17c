"""The schemas of the explainer's data collections: key figures, the four highlands,
the six strengthenings, the 2021–2024 milestones, breakthroughs, the five
relationships, the places on the schematic map and the words a picture's Chinese
line may not break inside."""

from __future__ import annotations

from duet.load.schema import (
    Bool,
    Check,
    Field,
    Ident,
    Int,
    LangMap,
    ListOf,
    Localized,
    Number,
    PageRef,
    RecordOf,
    Str,
)

TEXT = Localized()
TERM_IDS = ListOf(Ident(), unique_ids=False)

COLLECTIONS: dict[str, Check] = {
    "figures": ListOf(RecordOf({
        "id": Field(Ident()),
        "value": Field(Number()),
        "style": Field(Str(choices=("count", "ordinal", "percent", "text"))),
        "qualifier": Field(Str(choices=("over",)), required=False),
        "text": Field(TEXT, required=False),
        "label": Field(TEXT),
        "link": Field(PageRef(), required=False),
    })),
    "highlands": ListOf(RecordOf({
        "id": Field(Ident()),
        "number": Field(Int(minimum=1)),
        "name": Field(TEXT),
        "quality": Field(TEXT),
        "summary": Field(TEXT),
        "measures": Field(ListOf(TEXT, min_items=1)),
        "terms": Field(TERM_IDS, required=False, default=[]),
    })),
    "strengthenings": ListOf(RecordOf({
        "id": Field(Ident()),
        "number": Field(Int(minimum=1)),
        "name": Field(TEXT),
        "aim": Field(TEXT),
        "summary": Field(TEXT),
        "measures": Field(ListOf(TEXT, min_items=1)),
        "terms": Field(TERM_IDS, required=False, default=[]),
    })),
    "milestones": ListOf(RecordOf({
        "id": Field(Ident()),
        "year": Field(Int(minimum=1900, maximum=2100)),
        "motto": Field(TEXT),
        "events": Field(ListOf(TEXT, min_items=1)),
    })),
    "breakthroughs": ListOf(RecordOf({
        "id": Field(Ident()),
        "title": Field(TEXT),
        "summary": Field(TEXT),
        "items": Field(ListOf(RecordOf({
            "id": Field(Ident()),
            "title": Field(TEXT),
            "detail": Field(TEXT),
        }), min_items=1)),
    })),
    "relationships": ListOf(RecordOf({
        "id": Field(Ident()),
        "first": Field(TEXT),
        "second": Field(TEXT),
    })),
    "places": ListOf(RecordOf({
        # Places the plan names, for the schematic map. `terms`: the glossary
        # entries (e.g. a named triangle of cities) the place belongs to.
        "id": Field(Ident()),
        "name": Field(TEXT),
        "lat": Field(Number()),
        "lon": Field(Number()),
        "marks": Field(TEXT, required=False),
        "terms": Field(TERM_IDS, required=False, default=[]),
    })),
    "words": ListOf(RecordOf({
        # Words of the plan for the pictures' line breaker (explainer/visuals.py),
        # per language; only Chinese needs them.
        "id": Field(Ident()),
        "words": Field(LangMap(ListOf(Str(), min_items=1, unique_ids=False))),
    })),
    "topics": ListOf(RecordOf({
        # The glossary's topics: the glossary page groups its terms by them.
        "id": Field(Ident()),
        "name": Field(TEXT),
        "terms": Field(TERM_IDS),
    })),
    "masthead": ListOf(RecordOf({
        # What the header shows beside the site's title: its short form, for
        # narrow screens (where it equals the full title, the header shows that).
        "id": Field(Ident()),
        "text": Field(TEXT),
    })),
}
"""The explainer's own data collections (`content/data/<name>.yaml`), beside the
engine's glossary."""

GLOSSARY_FIELDS = {
    "pinyin": Field(Str()),
    "source_defines": Field(Bool()),
    # The explanation is the source's own wording (its Chinese quoted as it stands,
    # the English translated), shown as a quotation.
    "from_source": Field(Bool(), required=False, default=False),
}
"""What the explainer's glossary says of each term beyond the engine's fields: its
pinyin, whether the source article defines it, and whether the explanation is the
source's own wording."""
