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

SOURCE_URL = re.compile(r"^https?://[^\s/]+(?:/\S*)?$")
FOLDER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*/?$")
THEME_LANGUAGE = "en"
"""The theme's msgid language when site.yaml names none: most themes are written in
English (a documented default, not a language the engine knows of)."""


def source_schema(text: Check) -> RecordOf:
    """A source the site cites: its title, outlet, date and URL; `text` checks the
    title and outlet (a map of languages in site.yaml, the page's words in a page)."""
    return RecordOf({
        "title": Field(text),
        "outlet": Field(text, required=False),
        "date": Field(Date(), required=False),
        "url": Field(Str(pattern=SOURCE_URL, pattern_help="an absolute http(s) URL"),
                     required=False),
    })


SOURCE_TEXTS = ("title", "outlet")
"""A source's fields that are text in a language."""
SITE_SOURCE = source_schema(Localized())
PAGE_SOURCE = source_schema(Str())

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
    # The README's title and opening text, in every language (the engine adds only
    # the files' and fields' names).
    "title": Field(Localized()),
    "readme": Field(Localized()),
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
    # What the site is about or drawn from, for every page (each page may add its own).
    "sources": Field(ListOf(SITE_SOURCE, unique_ids=False), required=False, default=[]),
    # The site's own code (duet/load/hooks.py), a folder of the project; none without it.
    "hooks": Field(Str(pattern=FOLDER, pattern_help="a folder of the project such as "
                       "'explainer'"), required=False),
    # The language the theme's UI strings (gettext msgids) are written in: a site language
    # of this language needs no catalog (duet/render/i18n.py).
    "theme_language": Field(Str(pattern=LANG_CODE, pattern_help="a language code such as "
                                "'en'"), required=False, default=THEME_LANGUAGE),
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

CHANGE_KINDS = ("correction", "update")
"""A correction puts right something the page got wrong; an update adds or changes
what it says for another reason (GOV.UK's change notes; statistics' corrections)."""

CHANGE_NOTE = RecordOf({
    "date": Field(Date()),
    "kind": Field(Str(choices=CHANGE_KINDS)),
    "note": Field(Str()),
})
"""One dated change note in a page's front matter, in the page's language."""

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
    "sources": Field(ListOf(PAGE_SOURCE, unique_ids=False), required=False, default=[]),
    "changes": Field(ListOf(CHANGE_NOTE, unique_ids=False), required=False, default=[]),
})

GLOSSARY = "glossary"
USAGE = "usage"
ENGINE_COLLECTIONS = (GLOSSARY, USAGE)
"""The collections the engine itself reads: the glossary, for term links, their
tooltips and their renderings; `usage`, for renderings of words that are not
glossary terms (docs/glossary.md). A site adds its own through its hooks (`hooks.py`)."""

FORMS = Field(ListOf(Str(), unique_ids=False), required=False, default=[])
RENDERING = RecordOf({"use": FORMS, "avoid": FORMS, "except": FORMS})
"""How one language renders a term: the forms that are its rendering (`use`), the
rivals no text may show (`avoid`) and longer texts in which a rival is right
(`except`). Checked by duet/model/usage.py."""


def renderings_schema(codes: tuple[str, ...]) -> RecordOf:
    """A term's rendering in each language that gives one (any language of the site,
    a derived one too: a derived language's rules are its own, not converted)."""
    return RecordOf({code: Field(RENDERING, required=False) for code in codes})


def glossary_schema(codes: tuple[str, ...], extra: Mapping[str, Field] = {},
                    derived: Collection[str] = ()) -> ListOf:
    """A glossary entry: the term in each language (the field named by the language's
    code; optional in a derived language), its explanation, the forms that link it in
    page text (`match`, by default the term itself), its renderings (`usage`) and the
    fields the site's hooks add (`extra`)."""
    return ListOf(RecordOf({
        "id": Field(Ident()),
        **{code: Field(Str(), required=code not in derived) for code in codes},
        "explanation": Field(Localized()),
        "match": Field(LangMap(ListOf(Str(), min_items=1, unique_ids=False)), required=False,
                       default={}),
        "usage": Field(renderings_schema(codes), required=False),
        **extra,
    }))


def usage_schema(codes: tuple[str, ...]) -> ListOf:
    """An entry of the `usage` collection: an id and the word's rendering per language,
    written as a glossary entry's `usage` is."""
    return ListOf(RecordOf({"id": Field(Ident()), **renderings_schema(codes).fields}))


def engine_collections(codes: tuple[str, ...], glossary_fields: Mapping[str, Field] = {},
                       derived: Collection[str] = ()) -> dict[str, Check]:
    """The schemas of the engine's collections for a site in these languages (`derived`:
    those made from another)."""
    return {GLOSSARY: glossary_schema(codes, glossary_fields, derived),
            USAGE: usage_schema(codes)}
