"""The schemas of `site.yaml`, page front matter and every data collection."""

from __future__ import annotations

import re

from .schema import (
    Bool,
    Date,
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

LANG_CODE = re.compile(r"^[a-z]{2,3}$")
BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
URL = re.compile(r"^https?://[^\s/]+(?:/[^\s]*)?/$")
DATA_REF = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)?$")
TEMPLATE_NAME = re.compile(r"^[a-z0-9_-]+\.html$")
EMAIL = re.compile(r"^[^\s@<>\"]+@[^\s@<>\"]+\.[A-Za-z]{2,}$")

LANGUAGE = RecordOf({
    "code": Field(Str(pattern=LANG_CODE, pattern_help="a short code such as 'zh' or 'en'")),
    "tag": Field(Str(pattern=BCP47, pattern_help="a BCP 47 tag such as 'zh-CN' or 'en'")),
    "locale": Field(Str(pattern=re.compile(r"^[A-Za-z_]+$"),
                        pattern_help="a Babel locale such as 'zh_Hans_CN' or 'en'")),
    "name": Field(Str()),
})

SITE = RecordOf({
    "base_url": Field(Str(pattern=URL, pattern_help="an absolute http(s) URL ending in '/'")),
    "default_language": Field(Str(pattern=LANG_CODE, pattern_help="a language code")),
    "languages": Field(ListOf(LANGUAGE, min_items=2, unique_ids=False)),
    "title": Field(Localized()),
    "description": Field(Localized()),
    "menu": Field(ListOf(Str(), min_items=1), required=False, default=[]),
    "source": Field(RecordOf({
        "title": Field(Localized()),
        "outlet": Field(Localized()),
        "date": Field(Date()),
    })),
    "translation_notice": Field(Bool(), required=False, default=False),
    # Where readers send corrections; templates show it when it is given.
    "corrections": Field(RecordOf({
        "email": Field(Str(pattern=EMAIL, pattern_help="an e-mail address such as "
                           "'corrections@example.org'")),
    }), required=False),
})

FRONT_MATTER = RecordOf({
    "title": Field(Str()),
    "short_title": Field(Str(), required=False),
    "description": Field(Str(), required=False),
    "template": Field(Str(pattern=TEMPLATE_NAME, pattern_help="a template file name such as "
                          "'page.html'"), required=False, default="page.html"),
    "data": Field(Str(pattern=DATA_REF, pattern_help="'collection' or 'collection/id'"),
                  required=False),
    "weight": Field(Int(), required=False, default=0),
    "updated": Field(Date(), required=False),
})

TEXT = Localized()
TERM_IDS = ListOf(Ident(), unique_ids=False)

COLLECTIONS: dict[str, ListOf] = {
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
    "glossary": ListOf(RecordOf({
        "id": Field(Ident()),
        "zh": Field(Str()),
        "pinyin": Field(Str()),
        "en": Field(Str()),
        "explanation": Field(TEXT),
        "source_defines": Field(Bool()),
        # The explanation is the source's own wording (its Chinese quoted as it
        # stands, the English translated), shown as a quotation.
        "from_source": Field(Bool(), required=False, default=False),
        "match": Field(LangMap(ListOf(Str(), min_items=1, unique_ids=False)), required=False,
                       default={}),
    })),
}
"""Known collections. A data file with another name is checked only as a list of
items with an `id`; its text fields must still be `{lang: …}` maps."""
