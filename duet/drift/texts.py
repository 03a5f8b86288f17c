"""The accepted texts: what each language of a unit said when it was last accepted.

`content/translations.texts.yaml` maps each hash in the translation record to the
text it is the hash of, so that `duet translations --diff` can show what changed
since, with or without git. Only `duet translations` reads it (a build needs the
hashes alone); `--accept` writes it beside the record, keeping exactly the texts
the record names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from duet.drift.record import Record
from duet.drift.units import Group, fingerprint
from duet.load.content import RECORD_TEXTS_FILE

HEADER = """\
# The text of each language of each translation unit as it was last accepted, by
# the hash translations.yaml records for it: what `duet translations --diff` compares
# the current text with. Written by `duet translations --accept …`; commit it with
# translations.yaml.
"""

Texts = dict[str, str]
"""Hash → text."""

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def texts_path(record_path: Path) -> Path:
    return record_path.with_name(RECORD_TEXTS_FILE)


def load_texts(path: Path) -> Texts:
    """The accepted texts, those whose hash is still right; none when the file is
    missing or unreadable (the diff then says the accepted text is not kept)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): value for key, value in data.items()
            if isinstance(value, str) and fingerprint(value) == str(key)}


def kept_texts(record: Record, groups: dict[str, Group], before: Texts) -> Texts:
    """The texts the record names: from the content where it has them now, else as
    they were kept before."""
    now = {occurrence.hash: occurrence.text for group in groups.values()
           for unit in group.units.values() for occurrence in unit.values()}
    wanted = [digest for units in record.groups.values() for entry in units.values()
              for digest in entry.hashes.values()]
    return {digest: now.get(digest, before.get(digest, "")) for digest in sorted(set(wanted))
            if digest in now or digest in before}


def dump_texts(texts: Texts) -> str:
    """One block of text per hash, in hash order (diffs show only what changed)."""
    body = yaml.dump(texts, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=True,
                     width=1_000_000)
    return HEADER + (body if texts else "")


class _LiteralDumper(yaml.SafeDumper):
    """Multi-line texts as `|` blocks, as an editor would write them."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_LiteralDumper.add_representer(str, _represent_text)
