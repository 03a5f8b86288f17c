"""`duet new DIR --languages ja,en`: a working explainer project in those languages.

The project is the starter theme (duet/starter/templates, static) and, per language,
a home page, an example page, a glossary and an about page with placeholder prose in
that language, the glossary's one term, the theme's gettext catalog, a README and a
.gitignore. The words come from duet/starter/texts.yaml, keyed by language subtag;
Traditional Chinese is converted from the Simplified text with OpenCC. A language
the starter has no words for gets the English placeholder text and an empty catalog,
and `duet new` says so: the build warns until they are translated.

The project is written into a folder beside DIR and renamed into place once
complete, so a failure leaves nothing half-made.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError

from duet.build import BuildOptions
from duet.load.derive import Derivation, converter
from duet.load.schemas import CONVERSIONS, LANG_CODE
from duet.locales import TEMPLATE_FILE, extracted, updated, write_catalog
from duet.render.i18n import catalog_path

STARTER = Path(__file__).resolve().parent / "starter"
THEME_LANGUAGE = "en"
"""The language of the starter theme's msgids and of the fallback placeholder text."""
PAGES = {"index": "home.html", "example": "page.html", "glossary": "glossary.html",
         "about": "about.html"}
"""The starter's pages, by translation key, with their templates; also the menu."""
TERM_ID = "example-term"
EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class UsageError(ValueError):
    """A language list or option that does not name a project `duet new` can make."""


@dataclass(frozen=True)
class NewLanguage:
    code: str
    tag: str
    locale: str
    name: str
    derive: tuple[str, str] | None = None
    """(source language code, OpenCC conversion) for a language made from another."""

    @property
    def base(self) -> str:
        return self.code.split("-")[0]


def parse_language(text: str) -> NewLanguage:
    """A language from its BCP 47 tag (`ja`, `pt-BR`, `zh-Hant`), checked against CLDR."""
    tag = text.strip().replace("_", "-")
    code = tag.lower()
    if not LANG_CODE.match(code):
        raise UsageError(f"'{text}' is not a language tag such as 'ja', 'pt-br' or 'zh-hant'")
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        raise UsageError(f"'{text}' is not a language CLDR knows (Babel cannot load a "
                         "locale for it)") from None
    parts = [locale.language, locale.script, locale.territory, locale.variant]
    name = locale.get_display_name(locale) or code
    return NewLanguage(code=code, tag="-".join(part for part in parts if part),
                       locale=str(locale), name=name[:1].upper() + name[1:])


def parse_languages(languages: str, derives: list[str]) -> list[NewLanguage]:
    """`--languages ja,en` and each `--derive zh-hant=zh[:s2twp]`, checked: two or more
    languages, each known to CLDR and named once, every derived one made from a written
    one by an OpenCC conversion."""
    written = [parse_language(item) for item in languages.split(",") if item.strip()]
    if not written:
        raise UsageError("--languages needs at least one language, e.g. --languages ja,en")
    made: list[NewLanguage] = []
    for spec in derives:
        target, equals, origin = spec.partition("=")
        source, _colon, conversion = origin.partition(":")
        if not equals or not target.strip() or not source.strip():
            raise UsageError(f"--derive '{spec}': write it as CODE=FROM or "
                             "CODE=FROM:CONVERSION, e.g. zh-hant=zh")
        language = parse_language(target)
        source = source.strip().lower()
        if source not in [w.code for w in written]:
            raise UsageError(f"--derive '{spec}': '{source}' is not one of --languages")
        if language.base != "zh" or source.split("-")[0] != "zh":
            raise UsageError(f"--derive '{spec}': a language is made from another by "
                             "converting between the Chinese scripts (OpenCC); write "
                             "each other language by hand")
        conversion = conversion.strip() or default_conversion(language)
        if conversion not in CONVERSIONS:
            raise UsageError(f"--derive '{spec}': the conversion must be one of "
                             f"{', '.join(CONVERSIONS)} (OpenCC's, between Chinese scripts)")
        made.append(NewLanguage(language.code, language.tag, language.locale, language.name,
                                (source, conversion)))
    every = [*written, *made]
    codes = [language.code for language in every]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise UsageError(f"language '{twice[0]}' is named twice")
    if len(every) < 2:
        raise UsageError("an explainer needs two or more languages, e.g. --languages ja,en")
    return every


def default_conversion(language: NewLanguage) -> str:
    """The OpenCC conversion that makes this Chinese edition from the other script's:
    Traditional to Simplified for a Simplified one; Simplified to Traditional with Hong
    Kong's characters for zh-HK and zh-MO, Taiwan's standard with its phrases
    otherwise (the largest readership)."""
    if Locale.parse(language.locale).script == "Hans":
        return "t2s"
    return "s2hk" if language.locale.endswith(("_HK", "_MO")) else "s2twp"


Words = dict[str, Any]


def starter_words() -> dict[str, Words]:
    with (STARTER / "texts.yaml").open(encoding="utf-8") as handle:
        words: dict[str, Words] = yaml.safe_load(handle)
    return words


def words_for(language: NewLanguage, table: dict[str, Words]) -> Words | None:
    """The starter's words in this language, or None when it has none. Traditional
    Chinese is the Simplified text converted (s2twp, or s2hk for Hong Kong and Macao)."""
    locale = Locale.parse(language.locale)
    if locale.language == "zh" and locale.script == "Hant":
        convert = converter(Derivation("zh", default_conversion(language), ())).text
        converted: Words = _converted(table["zh"], convert)
        return converted
    return table.get(locale.language)


def _converted(value: Any, convert: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return convert(value)
    if isinstance(value, dict):
        return {key: _converted(item, convert) for key, item in value.items()}
    return value


def create_project(target: Path, languages: list[NewLanguage]) -> list[str]:
    """Write the project into `target` (which must not exist, or be empty); return
    notes for the author: the languages the starter had no words for."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"{target} already exists and is not an empty folder")
    table = starter_words()
    fallback = table[THEME_LANGUAGE]
    words = {language.code: words_for(language, table) for language in languages
             if language.derive is None}
    notes = [f"no starter text in {language.name} ('{language.code}'): its pages hold the "
             "English placeholder text and its catalog is untranslated; the build warns "
             "until both are translated"
             for language in languages if language.derive is None and words[language.code]
             is None]
    texts = {code: found or fallback for code, found in words.items()}
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        _write_project(staging, languages, texts, translated=words)
        if target.exists():
            target.rmdir()
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return notes


def _write_project(root: Path, languages: list[NewLanguage], texts: dict[str, Words],
                   translated: dict[str, Words | None]) -> None:
    for folder in ("templates", "static"):
        shutil.copytree(STARTER / folder, root / folder)
    content = root / "content"
    (content / "data").mkdir(parents=True)
    (content / "site.yaml").write_text(site_yaml(languages, texts), encoding="utf-8")
    (content / "data" / "glossary.yaml").write_text(glossary_yaml(texts), encoding="utf-8")
    for key, template in PAGES.items():
        for code, words in texts.items():
            (content / f"{key}.{code}.md").write_text(
                page_text(words["pages"][key], template, key), encoding="utf-8")
    write_catalogs(root, [(language, (translated[language.code] or {"ui": {}})["ui"])
                          for language in languages
                          if language.derive is None and language.base != THEME_LANGUAGE])
    (root / "README.md").write_text(readme(languages), encoding="utf-8")
    (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")


def quoted(text: str) -> str:
    """A YAML scalar holding `text` exactly (JSON's string syntax is YAML's too)."""
    return json.dumps(text, ensure_ascii=False)


def site_yaml(languages: list[NewLanguage], texts: dict[str, Words]) -> str:
    lines = ["# The site's settings (the duet documentation: docs/content-format.md).",
             "# Where the site will be published: links, the sitemap and canonical URLs use it.",
             "base_url: https://example.org/",
             f"default_language: {languages[0].code}",
             "languages:"]
    for language in languages:
        lines += [f"  - code: {language.code}", f"    tag: {language.tag}",
                  f"    locale: {language.locale}", f"    name: {quoted(language.name)}"]
        if language.derive:
            source, conversion = language.derive
            lines.append(f"    derive: {{from: {source}, convert: {conversion}}}")
    for field in ("title", "description"):
        lines.append(f"{field}:")
        lines += [f"  {code}: {quoted(words['site'][field])}" for code, words in texts.items()]
    lines += ["# Pages in the main menu, by translation key (a page's file name without",
              "# its language: example.en.md is 'example').",
              f"menu: [{', '.join(PAGES)}]",
              "# The sources the whole site draws on (the about page lists them); a page",
              "# may name its own in its front matter under the same key.",
              "# sources:",
              "#   - title: {" + ", ".join(f"{code}: …" for code in texts) + "}",
              "#     outlet: {" + ", ".join(f"{code}: …" for code in texts) + "}",
              "#     date: 2025-01-31",
              "#     url: https://example.org/report",
              "# The language the theme's interface strings are written in (it needs no",
              "# catalog; every other language has one in locales/).",
              f"theme_language: {THEME_LANGUAGE}",
              "# Tell readers when a page may be behind its other languages, or is partly a",
              "# machine translation no one has reviewed (`duet translations`).",
              "translation_notice: true", ""]
    return "\n".join(lines)


def glossary_yaml(texts: dict[str, Words]) -> str:
    lines = ["# The glossary: one entry per term, the term in each language and its",
             "# explanation. Pages link to an entry with [words](term:id).",
             f"- id: {TERM_ID}"]
    lines += [f"  {code}: {quoted(words['term']['name'])}" for code, words in texts.items()]
    lines.append("  explanation:")
    lines += [f"    {code}: {quoted(words['term']['explanation'])}"
              for code, words in texts.items()]
    return "\n".join(lines) + "\n"


def page_text(words: Words, template: str, key: str) -> str:
    front = ["---", "# Placeholder: replace the title and the text with your own.",
             f"title: {quoted(words['title'])}"]
    if template != "page.html":
        front.append(f"template: {template}")
    if key == "glossary":
        front.append("data: glossary")
    return "\n".join([*front, "---", ""]) + str(words["body"])


def write_catalogs(root: Path, languages: list[tuple[NewLanguage, dict[str, str]]]) -> None:
    """What `duet locales` would write (the theme's strings in locales/messages.pot, a
    catalog per language that needs one), each string translated where the starter
    has its words (an empty msgstr is for the author to fill in)."""
    locales = root / "locales"
    template = extracted(BuildOptions.for_project(root))
    write_catalog(locales / TEMPLATE_FILE, template)
    for language, words in languages:
        path = catalog_path(locales, language.code)
        catalog, _created = updated(path, language.locale, template)
        catalog.fuzzy = False  # translated, not guessed
        catalog.project, catalog.version = "theme", "1"
        catalog.header_comment = (f"# The theme's interface strings in {language.name}.\n"
                                  "# `duet locales` adds the strings the templates add.")
        for message in catalog:
            if message.id:
                message.string = words.get(str(message.id), "")
        write_catalog(path, catalog, header=True)


GITIGNORE = """\
# What duet builds and caches
_site/
.duet-cache/
._site.*
# Catalogs compiled by `duet locales` (the build reads the .po files)
*.mo
# Python leftovers
__pycache__/
*.egg-info/
build/
dist/
"""


def readme(languages: list[NewLanguage]) -> str:
    names = ", ".join(f"{language.name} (`{language.code}`"
                      + (f", made from `{language.derive[0]}`" if language.derive else "")
                      + ")" for language in languages)
    written = [language.code for language in languages if language.derive is None]
    example = " and ".join(f"`content/topic.{code}.md`" for code in written)
    return f"""\
# A new explainer

An explainer in {names}, built with duet.
Every page and text below is a placeholder: replace it with your own.

## Commands

```sh
duet            # build the site into _site/
duet serve      # preview at http://127.0.0.1:8000/, rebuilt on every save
duet check      # build, failing on any warning (a missing translation, a broken link)
duet locales    # after adding a string to a template: update the catalogs in locales/
```

## Where things are

| path | what |
| --- | --- |
| `content/site.yaml` | languages, titles, the menu, the sources |
| `content/*.<language>.md` | the pages, one Markdown file per page and language |
| `content/data/glossary.yaml` | the glossary's terms, in every language |
| `templates/`, `static/` | the theme: Jinja templates, CSS, the search script |
| `locales/` | the theme's interface strings, one gettext catalog per language |

## Adding a page

Write the page once per language, with the same name: {example}, each
starting with a front matter block (`title: …`). Headings carry an id that is
the same in every language (`## Background {{#background}}`). Link to a page
with `[words](@/topic)` and to a glossary term with `[words](term:id)`; the
build checks every link. Add the page's key to `menu:` in `content/site.yaml`
to list it in the menu.

To keep translations in step, run `duet translations --accept-all` once: from
then on, a page changed in one language and not in the others is reported.
"""


def make_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{prog} new",
        description="Make a new explainer project: content in each language, a starter "
                    "theme and its catalogs. Build it with `duet` inside the folder.")
    parser.add_argument("directory", type=Path, metavar="DIR",
                        help="the project folder to make (it must not exist, or be empty)")
    parser.add_argument("--languages", required=True, metavar="CODES",
                        help="the written languages, comma-separated, the default first "
                             "(e.g. ja,en or fr,de,en)")
    parser.add_argument("--derive", action="append", default=[], metavar="CODE=FROM",
                        help="a language made at build time from another (Traditional "
                             "Chinese from Simplified: zh-hant=zh, or zh-hk=zh:s2hk)")
    return parser


def new_command(argv: list[str], prog: str = "duet") -> int:
    parser = make_parser(prog)
    try:
        args = parser.parse_args(argv)
        languages = parse_languages(args.languages, args.derive)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"{prog} new: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        notes = create_project(args.directory, languages)
    except OSError as exc:
        print(f"{prog} new: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    for note in notes:
        print(f"{prog} new: note: {note}", file=sys.stderr)
    codes = ", ".join(language.code for language in languages)
    print(f"made {args.directory} ({codes}); next: cd {args.directory} && {prog} serve")
    return EXIT_OK
