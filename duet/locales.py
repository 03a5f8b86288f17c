"""`duet locales`: the theme's UI strings extracted into `locales/messages.pot`, every
catalog of the site's languages brought up to date with them (created where missing)
and compiled, with Babel's own catalog functions.

A language the theme's strings are written in (`theme_language` in site.yaml) needs no
catalog, nor does a language derived from another (it takes its source's, converted);
a catalog either has already is kept up to date all the same."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from duet.build import PACKAGE_DIR, BuildOptions
from duet.diagnostics import Diagnostics
from duet.load.config import Config, load_config
from duet.render.i18n import DOMAIN, catalog_path, extract_messages, needs_catalog

TEMPLATE_FILE = f"{DOMAIN}.pot"
HEADER = b'msgid ""\nmsgstr ""'
"""How a catalog's header entry starts."""


def locales_command(options: BuildOptions) -> int:
    """Extract, update and compile; print what changed. 0 done, 1 a problem (named)."""
    diagnostics = Diagnostics()
    config = load_config(options.content_dir / "site.yaml", diagnostics, None)
    if config is None:
        for diagnostic in diagnostics.errors:
            print(diagnostic, file=sys.stderr)
        return 1
    template = extracted(options)
    options.locales_dir.mkdir(parents=True, exist_ok=True)
    write_catalog(options.locales_dir / TEMPLATE_FILE, template)
    print(f"{Diagnostics.display(options.locales_dir / TEMPLATE_FILE)}: "
          f"{len(template)} UI strings")
    for code, locale in catalog_languages(config, options.locales_dir):
        path = catalog_path(options.locales_dir, code)
        try:
            catalog, created = updated(path, locale, template)
            headed = created or HEADER in path.read_bytes()
        except (PoFileError, OSError, UnicodeDecodeError, ValueError) as exc:
            print(f"{Diagnostics.display(path)}: cannot read the catalog: {exc}",
                  file=sys.stderr)
            return 1
        write_catalog(path, catalog, header=headed)
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        untranslated = sum(1 for message in catalog if message.id and not message.string)
        needed = needs_catalog(code, config.theme_language)
        print(f"{Diagnostics.display(path)}: {'created' if created else 'updated'}, "
              f"{untranslated} of {len(catalog)} untranslated"
              + ("" if needed else " (the theme's own language: none needed)"))
    return 0


def extracted(options: BuildOptions) -> Catalog:
    """Every UI string of the theme, the engine and the site's code, without locations
    (a catalog that does not change when a template's lines move)."""
    catalog = Catalog(fuzzy=False)
    for message, _path, _line in extract_messages(options.templates_dir, PACKAGE_DIR,
                                                  options.hooks_dir):
        catalog.add(message)
    return catalog


def catalog_languages(config: Config, locales_dir: Path) -> list[tuple[str, str]]:
    """(code, locale) of each language that needs a catalog or has one."""
    return [(language.code, language.locale) for language in config.languages
            if catalog_path(locales_dir, language.code).exists()
            or (language.derive is None and needs_catalog(language.code,
                                                          config.theme_language))]


def updated(path: Path, locale: str, template: Catalog) -> tuple[Catalog, bool]:
    """The catalog at `path` brought up to date with `template` (translations of strings
    no longer used are dropped, no guessed ones added), or a new one; and whether it
    is new."""
    if not path.exists():
        catalog = Catalog(locale=locale)
        catalog.update(template, no_fuzzy_matching=True)
        return catalog, True
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, abort_invalid=True)
    created = catalog.creation_date
    catalog.update(template, no_fuzzy_matching=True)
    catalog.creation_date = created  # the file changes only when its strings do
    return catalog, False


def write_catalog(path: Path, catalog: Catalog, header: bool = False) -> None:
    """Sorted, without locations or obsolete entries; with the header entry if `header`
    (a catalog written without one stays so)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, ignore_obsolete=True, no_location=True,
                 omit_header=not header)
