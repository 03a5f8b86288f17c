"""The schemas of `site.yaml`, page front matter and the engine's own data collections."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from duet.load.schema import (
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

LANG_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")
BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
URL = re.compile(r"^https?://[^\s/]+(?:/[^\s]*)?/$")
DATA_REF = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)?$")
TEMPLATE_NAME = re.compile(r"^[a-z0-9_-]+\.html$")
EMAIL = re.compile(r"^[^\s@<>\"]+@[^\s@<>\"]+\.[A-Za-z]{2,}$")

CONVERSIONS = ("s2t", "s2tw", "s2twp", "s2hk", "s2hkp", "t2s", "tw2s", "tw2sp", "hk2s",
               "hk2sp", "t2tw", "t2hk", "tw2t", "hk2t")
"""The conversions a derived language may name: OpenCC's, between Chinese scripts
(`s2twp`: Simplified to Traditional with Taiwan's phrases; see duet/load/derive.py)."""

LANGUAGE = RecordOf({
    "code": Field(Str(pattern=LANG_CODE,
                      pattern_help="a short lower-case code such as 'zh', 'en' or 'zh-tw'")),
    "tag": Field(Str(pattern=BCP47, pattern_help="a BCP 47 tag such as 'zh-CN' or 'en'")),
    "locale": Field(Str(pattern=re.compile(r"^[A-Za-z_]+$"),
                        pattern_help="a Babel locale such as 'zh_Hans_CN' or 'en'")),
    "name": Field(Str()),
    # Made from another language's content by a named conversion (duet/load/derive.py).
    "derive": Field(RecordOf({
        "from": Field(Str(pattern=LANG_CODE, pattern_help="a language code")),
        "convert": Field(Str(choices=CONVERSIONS)),
    }), required=False),
})

CITATION = RecordOf({
    # Who the citation names as the author (by default the site's title).
    "author": Field(Localized(), required=False),
    # The last substantive change of a page whose front matter gives no `updated:`.
    "date": Field(Date()),
})

OPEN_DATA = RecordOf({
    "folder": Field(Str(pattern=re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
                        pattern_help="a folder name such as 'data'"), required=False,
                    default="data"),
    "licence": Field(RecordOf({
        "name": Field(Str()),
        "title": Field(Str()),
        "url": Field(Str(pattern=re.compile(r"^https?://\S+$"),
                         pattern_help="an absolute http(s) URL")),
    })),
    "collections": Field(ListOf(RecordOf({
        "id": Field(Str(pattern=re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
                        pattern_help="the name of a data collection, such as 'milestones'")),
        "title": Field(Localized()),
        "description": Field(Localized(), required=False),
        "fields": Field(ListOf(Str(pattern=re.compile(r"^[A-Za-z0-9_-]+$"),
                                   pattern_help="a field name of the collection"),
                               min_items=1)),
    }), min_items=1)),
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
    # Where readers send corrections; templates show it when it is given.
    "corrections": Field(RecordOf({
        "email": Field(Str(pattern=EMAIL, pattern_help="an e-mail address such as "
                           "'corrections@example.org'")),
    }), required=False),
    "translation_notice": Field(Bool(), required=False, default=False),
    # How pages are cited ("Cite this page"; duet/render/citation.py).
    "citation": Field(CITATION, required=False),
    # The data collections published as files in every edition (duet/render/opendata.py).
    "open_data": Field(OPEN_DATA, required=False),
})

FRONT_TEXTS = ("title", "short_title", "description")
"""The front matter fields that are text in the page's language."""

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

GLOSSARY = "glossary"
ENGINE_COLLECTIONS = (GLOSSARY,)
"""The collections the engine itself reads: the glossary, for term links and their
tooltips. A site adds its own through its hooks (`hooks.py`)."""


def glossary_schema(codes: tuple[str, ...], extra: Mapping[str, Field] = {},
                    derived: Collection[str] = ()) -> ListOf:
    """A glossary entry: the term in each language (the field named by the language's
    code; optional in a derived language), its explanation, the forms that link it in
    page text (`match`, by default the term itself) and the fields the site's hooks
    add (`extra`)."""
    return ListOf(RecordOf({
        "id": Field(Ident()),
        **{code: Field(Str(), required=code not in derived) for code in codes},
        "explanation": Field(Localized()),
        "match": Field(LangMap(ListOf(Str(), min_items=1, unique_ids=False)), required=False,
                       default={}),
        **extra,
    }))


def engine_collections(codes: tuple[str, ...], glossary_fields: Mapping[str, Field] = {},
                       derived: Collection[str] = ()) -> dict[str, Check]:
    """The schemas of the engine's collections for a site in these languages (`derived`:
    those made from another)."""
    return {GLOSSARY: glossary_schema(codes, glossary_fields, derived)}
