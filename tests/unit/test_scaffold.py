"""duet/scaffold.py and the starter's words: languages read from their tags, and words
that cover the theme's strings and line up across languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from duet.scaffold import (
    STARTER,
    NewLanguage,
    UsageError,
    parse_language,
    parse_languages,
    starter_words,
    words_for,
)

WORDS = yaml.safe_load((STARTER / "texts.yaml").read_text(encoding="utf-8"))
MSGID = re.compile(r"""_\(\s*(["'])(.+?)\1\s*[,)]""")
PLACEHOLDER = re.compile(r"\{count\}|%\(\w+\)s")
HEADING_ID = re.compile(r"\{#([a-z0-9-]+)\}")
LINK = re.compile(r"\]\(((?:@/|term:)[^)]+)\)")


def theme_strings() -> set[str]:
    """The strings of the starter's templates and of the engine's it uses."""
    own = sorted((STARTER / "templates").glob("*.html"))
    engine = [path for path in sorted((STARTER.parent / "templates").glob("*.html"))
              if path.name not in {theirs.name for theirs in own}]
    return {match.group(2) for path in [*own, *engine]
            for match in MSGID.finditer(path.read_text(encoding="utf-8"))}


@pytest.mark.parametrize(("tag", "expected"), [
    ("ja", NewLanguage("ja", "ja", "ja", "日本語")),
    ("pt-BR", NewLanguage("pt-br", "pt-BR", "pt_BR", "Português (Brasil)")),
    ("zh_Hant", NewLanguage("zh-hant", "zh-Hant", "zh_Hant", "中文 (繁體)")),
    ("fr", NewLanguage("fr", "fr", "fr", "Français")),
])
def test_a_language_is_read_from_its_tag(tag: str, expected: NewLanguage) -> None:
    assert parse_language(tag) == expected


def test_the_first_language_is_first_and_a_derived_one_names_its_source() -> None:
    languages = parse_languages("zh,en", ["zh-hant=zh", "zh-hk=zh:s2hk"])
    assert [language.code for language in languages] == ["zh", "en", "zh-hant", "zh-hk"]
    assert [language.derive for language in languages] == [
        None, None, ("zh", "s2twp"), ("zh", "s2hk")]
    [_written, _english, simplified] = parse_languages("zh-hant,en", ["zh-hans=zh-hant"])
    assert simplified.derive == ("zh-hant", "t2s")


@pytest.mark.parametrize(("languages", "derive", "message"), [
    ("en", [], "two or more languages"),
    ("", [], "at least one language"),
    ("en,qq", [], "'qq' is not a language CLDR knows"),
    ("en,fr,EN", [], "named twice"),
    ("en,fr", ["zh-hant"], "write it as CODE=FROM"),
    ("en,zh", ["zh-hant=ja"], "'ja' is not one of --languages"),
    ("en,ja", ["ja-jp=ja"], "converting between the Chinese scripts"),
])
def test_what_cannot_be_made_is_refused_with_the_reason(languages: str, derive: list[str],
                                                        message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        parse_languages(languages, derive)


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_every_language_translates_every_string_of_the_theme(lang: str) -> None:
    strings = theme_strings()
    assert len(strings) >= 10
    if lang == "en":  # the msgids are the English
        assert WORDS[lang]["ui"] == {}
        return
    ui = WORDS[lang]["ui"]
    assert set(ui) == strings
    assert all(text.strip() for text in ui.values())
    assert all(sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(msgid))
               for msgid, text in ui.items())


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_every_language_has_the_same_pages_headings_and_links(lang: str) -> None:
    english, words = WORDS["en"], WORDS[lang]
    assert set(words["pages"]) == set(english["pages"]) == {"index", "example", "glossary",
                                                            "about"}
    for key, page in words["pages"].items():
        body, model = page["body"], english["pages"][key]["body"]
        assert HEADING_ID.findall(body) == HEADING_ID.findall(model), (lang, key)
        assert sorted(LINK.findall(body)) == sorted(LINK.findall(model)), (lang, key)
        assert page["title"].strip()
    for field in ("title", "description"):
        assert words["site"][field].strip()
    assert words["term"]["name"].strip() and words["term"]["explanation"].strip()


def test_traditional_chinese_is_converted_from_the_simplified_words() -> None:
    table = starter_words()
    words = words_for(parse_language("zh-tw"), table)
    assert words is not None
    assert words["pages"]["example"]["title"] == "示例頁面"
    assert words["ui"]["Search"] == "搜尋"
    assert words_for(parse_language("sw"), table) is None
    assert words_for(parse_language("pt-br"), table) == table["pt"]


def test_the_starter_ships_as_package_data() -> None:
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    for pattern in ("starter/texts.yaml", "starter/templates/*", "starter/static/*"):
        assert f'"{pattern}"' in pyproject
