"""Content never becomes markup: script-bearing text in every kind of field is
shown as text, and script URLs are refused with an error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MINI, ROOT, build, snapshot
from htmlparse import parse_html

from duet.diagnostics import ContentError
from duet.render.templates import make_environment

pytestmark = pytest.mark.slow  # builds a site per attack, some through build.py in a subprocess

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</title><script src=//evil.example/x.js></script>",
    "javascript:alert(1)",
)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data")


def payload(field: str, index: int = 0) -> str:
    """A payload tagged with the field it goes into, so each field can be found again."""
    return f"[{field}]{PAYLOADS[index % len(PAYLOADS)]}"


def quoted(field: str, index: int = 0) -> str:
    """The payload as a YAML double-quoted string."""
    return '"' + payload(field, index).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_payload_site(content: Path) -> list[str]:
    """The mini site with a payload in every kind of field; returns what must show."""
    shown: list[str] = []

    def put(field: str, index: int = 0) -> str:
        shown.append(payload(field, index))
        return quoted(field, index)

    (content / "site.yaml").write_text(f"""\
base_url: https://example.org/
default_language: zh
languages:
  - {{code: zh, tag: zh-CN, locale: zh_Hans_CN, name: {put("lang-name-zh", 1)}}}
  - {{code: en, tag: en, locale: en, name: {put("lang-name-en", 2)}}}
title: {{zh: {put("site-title-zh")}, en: {put("site-title-en", 1)}}}
description: {{zh: {put("site-desc-zh", 2)}, en: {put("site-desc-en", 3)}}}
menu: [index, topics, glossary, about]
sources:
  - title: {{zh: {put("source-title-zh", 3)}, en: {put("source-title-en")}}}
    outlet: {{zh: {put("outlet-zh", 1)}, en: {put("outlet-en", 2)}}}
    date: 2025-01-10
hooks: explainer
""", encoding="utf-8")
    for lang in ("zh", "en"):
        (content / f"about.{lang}.md").write_text(f"""\
---
title: {put(f"page-title-{lang}")}
short_title: {put(f"short-title-{lang}", 1)}
description: {put(f"page-desc-{lang}", 2)}
---
## [heading-{lang}]<script>alert(1)</script> {{#source}}

<script>alert("[block-html-{lang}]")</script>

<div onclick="alert(1)">[div-html-{lang}]</div>

Inline <img src=x onerror=alert(1)> [inline-html-{lang}] and <b onmouseover=alert(1)>bold</b>.

See [the topics](@/topics "[link-title-{lang}]&quot;><script>alert(1)</script>").

![[alt-{lang}]"><svg onload=alert(1)>](/static/favicon.svg "[image-title-{lang}]<script>")

| [cell-{lang}]<script>alert(1)</script> | two |
|---|---|
| `[code-{lang}]<script>alert(1)</script>` | ok |
""", encoding="utf-8")
        shown += [f"[heading-{lang}]<script>alert(1)</script>",
                  f'<script>alert("[block-html-{lang}]")</script>',
                  f'<div onclick="alert(1)">[div-html-{lang}]</div>',
                  f"<img src=x onerror=alert(1)> [inline-html-{lang}]",
                  f'[link-title-{lang}]"><script>alert(1)</script>',
                  f'[alt-{lang}]"><svg onload=alert(1)>',
                  f"[image-title-{lang}]<script>",
                  f"[cell-{lang}]<script>alert(1)</script>",
                  f"[code-{lang}]<script>alert(1)</script>"]
    (content / "data" / "figures.yaml").write_text(f"""\
- id: labs
  value: 9
  style: text
  text: {{zh: {put("figure-text-zh")}, en: {put("figure-text-en", 1)}}}
  label: {{zh: {put("figure-label-zh", 2)}, en: {put("figure-label-en", 3)}}}
  link: "@/topics#overview"
""", encoding="utf-8")
    (content / "data" / "glossary.yaml").write_text(f"""\
- id: optics-valley
  zh: {put("term-zh", 1)}
  pinyin: {put("pinyin", 2)}
  en: {put("term-en", 3)}
  explanation: {{zh: {put("explanation-zh")}, en: {put("explanation-en", 1)}}}
  source_defines: true
  match: {{zh: [光谷], en: [Optics Valley]}}
""", encoding="utf-8")
    return shown


def readable(document_source: str) -> tuple[str, list[str]]:
    """The text a reader sees and every attribute value, entities decoded."""
    document = parse_html(document_source)
    return document.text, [value for element in document.elements
                           for value in element.attrs.values()]


def assert_no_markup_from_content(relative: str, source: str) -> None:
    document = parse_html(source)
    for element in document.elements:
        for name, value in element.attrs.items():
            assert not name.startswith("on"), f"{relative}: <{element.tag} {name}=…>"
            if name in URL_ATTRIBUTES:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                assert not scheme.startswith(("javascript:", "vbscript:", "data:")), (
                    f"{relative}: <{element.tag} {name}={value!r}>")
        assert element.tag not in ("iframe", "object", "embed", "base"), (
            f"{relative}: <{element.tag}> from content")
        if element.tag == "img":
            assert element.attrs.get("src", "").endswith("/static/favicon.svg"), relative
        if element.tag == "script":
            src = element.attrs.get("src")
            if src is None:
                assert element.attrs.get("type") == "application/ld+json", (
                    f"{relative}: inline script {element.text[:80]!r}")
            else:
                assert src.startswith("/static/") and src.endswith(".js"), (
                    f"{relative}: <script src={src!r}>")
        assert element.tag != "svg" or "onload" not in element.attrs, relative


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], list[str]]:
    root = tmp_path_factory.mktemp("injection")
    content = root / "content"
    shutil.copytree(MINI, content)
    shown = write_payload_site(content)
    build(content, root / "site", cache_dir=None)
    return snapshot(root / "site"), shown


def test_no_content_reaches_the_page_as_markup(
        payload_site: tuple[dict[str, bytes], list[str]]) -> None:
    files, _ = payload_site
    pages = {path: data.decode("utf-8") for path, data in files.items()
             if path.endswith(".html")}
    assert len(pages) >= 10
    for relative, source in pages.items():
        assert_no_markup_from_content(relative, source)
        assert "<script>alert" not in source and "<img src=x" not in source, relative


def test_every_payload_is_shown_as_text(payload_site: tuple[dict[str, bytes], list[str]]) -> None:
    """Escaped, not dropped: each field's payload reads back exactly as written."""
    files, shown = payload_site
    texts: list[str] = []
    for path, data in files.items():
        if path.endswith(".html"):
            text, attributes = readable(data.decode("utf-8"))
            texts += [text, *attributes]
    everything = "\n".join(texts)
    missing = [value for value in shown if value not in everything]
    assert not missing, f"not shown as text anywhere: {missing}"


def test_script_in_json_ld_cannot_close_the_element(
        payload_site: tuple[dict[str, bytes], list[str]]) -> None:
    files, _ = payload_site
    for path, data in files.items():
        if path.endswith(".html"):
            source = data.decode("utf-8")
            for block in source.split('<script type="application/ld+json">')[1:]:
                body = block.split("</script>", 1)[0]
                assert "<" not in body, f"{path}: markup inside JSON-LD"


def test_every_page_forbids_inline_script(
        payload_site: tuple[dict[str, bytes], list[str]]) -> None:
    files, _ = payload_site
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        metas = [element for element in parse_html(data).find_all("meta")
                 if element.attrs.get("http-equiv", "").lower() == "content-security-policy"]
        assert len(metas) == 1, f"{path}: no Content-Security-Policy"
        policy = {part.split()[0]: part.split()[1:]
                  for part in metas[0].attrs["content"].split(";") if part.strip()}
        script = policy.get("script-src", policy.get("default-src"))
        assert script is not None, path
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, path
        assert policy.get("object-src") == ["'none'"], path
        assert policy.get("base-uri") == ["'none'"], path


def test_sitemap_and_feeds_escape_content(
        payload_site: tuple[dict[str, bytes], list[str]]) -> None:
    files, _ = payload_site
    for path, data in files.items():
        if path.endswith((".xml", ".txt")):
            assert b"<script" not in data, path


@pytest.mark.parametrize("where, text", [
    ("about.en.md", "[x](javascript:alert(1))"),
    ("about.en.md", "[x](JavaScript:alert(1))"),
    ("about.en.md", "[x]( javascript:alert(1) )"),
    ("about.en.md", "[x](jav&#x61;script:alert(1))"),
    ("about.en.md", "<javascript:alert(1)>"),
    ("about.en.md", "[x](vbscript:msgbox(1))"),
    ("about.en.md", "[x](data:text/html,<script>alert(1)</script>)"),
    ("about.en.md", "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)"),
    ("about.en.md", "[x]: javascript:alert(1)\n\nSee [x]."),
    ("about.en.md", "[x](//evil.example/)"),
    ("figures.yaml", "[x](javascript:alert(1))"),
    ("glossary.yaml", "[x](data:text/html,hi)"),
])
def test_script_urls_are_rejected(where: str, text: str, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    out = tmp_path / "site"
    build(content, out, cache_dir=None)
    before = snapshot(out)
    if where == "about.en.md":
        page = content / "about.en.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")
    elif where == "figures.yaml":
        data = content / "data" / "figures.yaml"
        data.write_text(data.read_text(encoding="utf-8").replace(
            "label: {zh: 个湖北实验室, en: Hubei Laboratories}",
            f"label: {{zh: 个湖北实验室, en: '{text}'}}"), encoding="utf-8")
    else:
        data = content / "data" / "glossary.yaml"
        data.write_text(data.read_text(encoding="utf-8").replace(
            "en: An area of Wuhan.", f"en: '{text}'"), encoding="utf-8")
    with pytest.raises(ContentError) as failure:
        build(content, out, cache_dir=None)
    messages = [str(d) for d in failure.value.diagnostics]
    assert any(where in m and ("not allowed" in m or "not understood" in m)
               for m in messages), messages
    assert snapshot(out) == before


def test_templates_escape_everything_and_never_opt_out() -> None:
    """Autoescape on for every template whatever its extension; no `|safe`, no
    `{% autoescape false %}`: markup reaches a page only from the sanitising code."""
    env = make_environment(ROOT / "templates")
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    names = env.list_templates(extensions=["html", "xml", "txt"])  # not the card fonts
    assert names
    assert env.loader is not None
    for name in names:  # the theme's and the engine's defaults
        source = env.loader.get_source(env, name)[0].replace(" ", "")
        assert "|safe" not in source, f"{name} marks a value safe"
        assert "autoescapefalse" not in source.lower(), f"{name} turns escaping off"
