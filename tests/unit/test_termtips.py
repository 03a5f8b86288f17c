"""Glossary definitions attached to term links."""

from __future__ import annotations

from htmlparse import parse_html

from duet.render.termtips import add_term_tips

BODY = ('<p>The <a href="/en/glossary/#optics-valley" class="term" data-term="optics-valley">'
        'Optics Valley</a> and <a href="/en/glossary/#optics-valley" class="term">it</a> '
        'and <a href="/en/glossary/#unknown" class="term">x</a>.</p>')


def test_each_term_link_is_described_by_its_definition() -> None:
    html = add_term_tips(BODY, {"optics-valley": "An area of <Wuhan>."})
    doc = parse_html(str(html))
    links = doc.find_all("a", class_="term")
    tips = {e.attrs["id"]: e for e in doc.find_all("span", class_="term-tip")}
    described = [a.attrs.get("aria-describedby") for a in links]
    assert described[:2] == list(tips) and len(set(described[:2])) == 2
    assert described[2] is None  # no definition, no description
    assert all(t.text == "An area of <Wuhan>." for t in tips.values())
    assert all("hidden" in t.attrs and t.attrs["role"] == "tooltip" for t in tips.values())
    assert "&lt;Wuhan&gt;" in str(html)
    assert links[0].attrs["href"] == "/en/glossary/#optics-valley"


def test_a_body_without_terms_is_unchanged() -> None:
    assert str(add_term_tips("<p>plain</p>", {"a": "b"})) == "<p>plain</p>"
