"""The schemas of `site.yaml`, page front matter and the engine's own data collections."""

from __future__ import annotations

import re

from .schema import (
    Bool,
    Check,
    Date,
    Field,
    Ident,
    Int,
    LangMap,
    ListOf,
    Localized,
    RecordOf,
    Str,
)

LANG_CODE = re.compile(r"^[a-z]{2,3}$")
BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
URL = re.compile(r"^https?://[^\s/]+(?:/[^\s]*)?/$")
DATA_REF = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)?$")
TEMPLATE_NAME = re.compile(r"^[a-z0-9_-]+\.html$")

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

COLLECTIONS: dict[str, Check] = {
    "glossary": ListOf(RecordOf({
        "id": Field(Ident()),
        "zh": Field(Str()),
        "pinyin": Field(Str()),
        "en": Field(Str()),
        "explanation": Field(Localized()),
        "source_defines": Field(Bool()),
        "match": Field(LangMap(ListOf(Str(), min_items=1, unique_ids=False)), required=False,
                       default={}),
    })),
}
"""The collections the engine itself reads: the glossary, for term links and their
tooltips. A site adds its own through its hook (`hooks.py`)."""
