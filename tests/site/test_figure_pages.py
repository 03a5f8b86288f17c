"""Figures to embed: each figure has a page of its own in every edition, with its
picture, caption, source, data links and the HTML to embed it; the page is small,
opens its links in the top window, and carries nothing that stops other sites from
framing it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import ROOT, build
from htmlparse import parse_html
from test_page_weight import page_weights

CONTENT = ROOT / "content"
FIGURES = ("plan", "key-figures", "timeline", "map")
EDITIONS = ("zh", "zh-hant", "en")
EMBED_BUDGET = 60_000
"""Bytes of a figure's page with its stylesheets and scripts: the SVG, and the site's CSS."""


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("figures") / "_site"
    build(CONTENT, out, base_url="https://example.org/")
    return out


def figure_page(site: Path, lang: str, name: str) -> str:
    return (site / lang / "figures" / name / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("name", FIGURES)
def test_each_figure_has_a_page_with_everything(real_site: Path, lang: str, name: str) -> None:
    page = figure_page(real_site, lang, name)
    doc = parse_html(page.encode())
    svgs = doc.find_all("svg")
    assert svgs and all(svg.attrs.get("role") == "img" for svg in svgs)
    assert all(svg.attrs.get("aria-labelledby") for svg in svgs)
    assert "<figcaption>" in page and 'class="source-line"' in page
    data = [a.attrs["href"] for a in doc.find_all("a") if a.attrs.get("type") == "text/csv"]
    assert data, "no link to the figure's data"
    for href in data:
        assert (real_site / href.lstrip("/")).is_file()
    snippet = re.search(r'<pre class="cite-code" id="embed-snippet"[^>]*>(.*?)</pre>', page,
                        re.DOTALL)
    assert snippet is not None
    code = html.unescape(snippet.group(1))
    assert code.startswith(f'<iframe src="https://example.org/{lang}/figures/{name}/"')
    assert code.endswith("></iframe>") and 'title="' in code


@pytest.mark.parametrize("name", FIGURES)
def test_a_figure_page_can_be_framed_and_sends_links_to_the_top(real_site: Path,
                                                                name: str) -> None:
    page = figure_page(real_site, "en", name)
    assert '<base target="_top">' in page
    assert "frame-ancestors" not in page and "X-Frame-Options" not in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert all(re.search(r'src="/static/cite\.[0-9a-f]+\.js"', tag) for tag in scripts)
    cite_js = next((real_site / "static").glob("cite.*.js")).read_text(encoding="utf-8")
    assert "top" not in re.sub(r"//.*", "", cite_js)  # no frame-busting
    assert 'target="_self"' in page  # the language links stay inside the frame


def test_figure_pages_are_small(real_site: Path) -> None:
    weights = page_weights(real_site)
    figures = {path: size for path, size in weights.items()
               if re.fullmatch(r"[a-z-]+/figures/[a-z-]+/index.html", path)}
    assert len(figures) == len(FIGURES) * len(EDITIONS)
    heavy = {path: size for path, size in figures.items() if size >= EMBED_BUDGET}
    assert not heavy


def test_the_figures_page_lists_every_figure_and_data_file(real_site: Path) -> None:
    page = (real_site / "en" / "figures" / "index.html").read_text(encoding="utf-8")
    for name in FIGURES:
        assert f'href="/en/figures/{name}/"' in page
    for path in (real_site / "en" / "data").iterdir():
        assert f'href="/en/data/{path.name}"' in page
