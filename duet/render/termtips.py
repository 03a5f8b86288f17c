"""Glossary definitions beside the term links in a page body.

Each glossary link (`<a … class="term">`, made by the Markdown compiler) gets
a sibling `<span role="tooltip">` holding the term's definition as plain text,
and `aria-describedby` pointing at it. The span is `hidden`: CSS shows it on
hover and focus, screen readers read it as the link's description, and
without CSS or JavaScript the link still leads to the glossary entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

TERM_LINK = re.compile(
    r'<a href="(?P<href>[^"#]*#(?P<term>[a-z0-9-]+))" class="term"(?P<rest>[^>]*)>'
    r"(?P<label>.*?)</a>", re.DOTALL)


def definitions(glossary: Iterable[object]) -> dict[str, str]:
    """{term id: plain-text explanation} from a localised glossary collection."""
    return {item["id"]: str(item["explanation"])  # type: ignore[index]
            for item in glossary}


def add_term_tips(body: str, glossary: dict[str, str]) -> Markup:
    """The body with a described-by definition after every glossary link."""
    count = 0

    def describe(match: re.Match[str]) -> str:
        nonlocal count
        definition = glossary.get(match.group("term"))
        if not definition:
            return match.group(0)
        count += 1
        tip_id = f"tip-{count}-{match.group('term')}"
        return (f'<a href="{match.group("href")}" class="term"{match.group("rest")} '
                f'aria-describedby="{tip_id}">{match.group("label")}</a>'
                f'<span class="term-tip" role="tooltip" id="{tip_id}" hidden '
                f"data-pagefind-ignore>{escape(definition)}</span>")

    return Markup(TERM_LINK.sub(describe, body))
