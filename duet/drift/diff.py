"""What a text changed since it was accepted, word by word (character by character in
Chinese and Japanese, which do not space their words)."""

from __future__ import annotations

import difflib
import re

TOKEN = re.compile(r"[^\W\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]+|\s+|.",
                   re.DOTALL)
"""A run of letters and digits of a spaced script, a run of whitespace, or any other single
character: each CJK character and punctuation mark is a token of its own."""

SAME, REMOVED, ADDED = "=", "-", "+"

Segment = tuple[str, str]
"""(SAME, REMOVED or ADDED, text)."""


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Segment]:
    """The new text as segments kept, removed and added since the old one. Whitespace
    changes alone are not changes (as for the record's hashes)."""
    before, after = tokens(_folded(old)), tokens(_folded(new))
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    segments: list[Segment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            _add(segments, SAME, "".join(after[b1:b2]))
            continue
        _add(segments, REMOVED, "".join(before[a1:a2]))
        _add(segments, ADDED, "".join(after[b1:b2]))
    return segments


def _folded(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.strip().split("\n"))


def _add(segments: list[Segment], kind: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == kind:
        segments[-1] = (kind, segments[-1][1] + text)
    else:
        segments.append((kind, text))


def changed_only(segments: list[Segment], context: int = 40) -> list[Segment]:
    """The segments with long unchanged stretches cut to `context` characters either
    side of a change (`…` marks a cut)."""
    shown: list[Segment] = []
    for index, (kind, text) in enumerate(segments):
        if kind != SAME or len(text) <= 2 * context + 1:
            shown.append((kind, text))
            continue
        head = text[:context] if index > 0 else ""
        tail = text[-context:] if index < len(segments) - 1 else ""
        shown.append((SAME, f"{head}…{tail}" if head or tail else "…"))
    return shown


def as_text(segments: list[Segment], color: bool = False) -> str:
    """`[-removed-]{+added+}` as `git diff --word-diff` writes it, in colour on a terminal."""
    marks = ({REMOVED: ("\x1b[31m[-", "-]\x1b[0m"), ADDED: ("\x1b[32m{+", "+}\x1b[0m")}
             if color else {REMOVED: ("[-", "-]"), ADDED: ("{+", "+}")})
    return "".join(text if kind == SAME else marks[kind][0] + text + marks[kind][1]
                   for kind, text in segments)
