"""The page-weight budget: every page's HTML plus the CSS and JS it loads
stays under 100 KB (the search index, fetched only while searching, aside; the
print page, the whole explainer on one page to print, has a budget of its own)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINI, ROOT, build
from htmlparse import parse_html

BUDGET = 100_000
PRINT_BUDGET = 400_000
SITES = {"mini": MINI, "browser": ROOT / "tests" / "browser" / "site" / "content",
         "real": ROOT / "content"}


def page_weights(site: Path) -> dict[str, int]:
    """Bytes of each page with its stylesheets and scripts."""
    weights = {}
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        if relative.startswith("pagefind/"):
            continue
        doc = parse_html(path.read_bytes())
        assets = {e.attrs["href"] for e in doc.find_all("link", rel="stylesheet")}
        assets |= {e.attrs["src"] for e in doc.find_all("script") if e.attrs.get("src")}
        weights[relative] = path.stat().st_size + sum(
            (site / asset.lstrip("/")).stat().st_size for asset in assets)
    return weights


@pytest.mark.parametrize("name", sorted(SITES))
def test_every_page_is_under_the_budget(name: str, tmp_path: Path) -> None:
    build(SITES[name], tmp_path / "_site", base_url="https://example.org/")
    weights = page_weights(tmp_path / "_site")
    assert weights
    heavy = {page: size for page, size in weights.items()
             if size >= (PRINT_BUDGET if page.endswith("/print/index.html") else BUDGET)}
    assert not heavy, f"pages over {BUDGET} bytes: {heavy}"
