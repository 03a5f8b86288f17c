"""Fingerprinted names of static files, and the references between them."""

from __future__ import annotations

from pathlib import Path

from conftest import MINI, build

from duet.digests import digest
from duet.render.assets import fingerprint, fingerprinted_name


def assets_of(files: dict[str, str]):  # type: ignore[no-untyped-def]
    data = {name: text.encode() for name, text in files.items()}
    return fingerprint({name: digest(payload) for name, payload in data.items()},
                       data.__getitem__)


def test_the_name_carries_eight_digits_of_the_hash_before_the_suffix() -> None:
    assert fingerprinted_name("site.css", "3f2a9c1d77") == "site.3f2a9c1d.css"
    assert fingerprinted_name("img/map.v2.svg", "abcdef0123") == "img/map.v2.abcdef01.svg"
    assert fingerprinted_name("LICENSE", "0123456789") == "LICENSE.01234567"
    assert fingerprinted_name(".well-known", "0123456789") == ".well-known.01234567"


def test_files_that_name_no_other_keep_their_bytes_and_hash() -> None:
    assets = assets_of({"site.css": "body{}", "site.js": "let a = 1;", "logo.svg": "<svg/>"})
    assert assets.names["site.css"] == fingerprinted_name("site.css", digest(b"body{}"))
    assert assets.rewritten == {}


def test_css_references_name_the_fingerprinted_files_and_change_the_css_name() -> None:
    files = {"css/site.css": '@import "base.css";\nh1{background:url( ../img/a.svg#x )}'
                             ' p{background:url("https://example.org/b.png")}',
             "css/base.css": "body{}", "img/a.svg": "<svg/>"}
    assets = assets_of(files)
    base, svg = assets.names["css/base.css"], assets.names["img/a.svg"]
    site = assets.names["css/site.css"]
    text = assets.rewritten[site].decode()
    assert f'@import "{base.split("/")[1]}";' in text
    assert f"url( ../img/{svg.split('/')[1]}#x )" in text
    assert "https://example.org/b.png" in text
    assert site == fingerprinted_name("css/site.css", digest(assets.rewritten[site]))
    changed = assets_of({**files, "img/a.svg": "<svg></svg>"})
    assert changed.names["css/site.css"] != site  # the file it names changed
    assert changed.names["css/base.css"] == base


def test_scripts_name_scripts_by_relative_strings_only() -> None:
    assets = assets_of({"search.js": 'import("./ui.js"); fetch("/api/ui.js"); "ui.js";',
                        "ui.js": "export const ui = 1;"})
    text = assets.rewritten[assets.names["search.js"]].decode()
    assert f'import("./{assets.names["ui.js"]}")' in text
    assert 'fetch("/api/ui.js")' in text and '"ui.js";' in text


def test_a_cycle_is_left_as_written() -> None:
    assets = assets_of({"a.css": "@import 'b.css';", "b.css": "@import 'a.css';"})
    assert set(assets.names) == {"a.css", "b.css"}
    for name, fingerprinted in assets.names.items():
        assert fingerprinted.startswith(name[0] + ".")
    assert len(assets.rewritten) <= 1


def test_pages_name_the_fingerprinted_files_and_both_names_are_published(
        tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(MINI, out, cache_dir=None)
    page = (out / "en" / "index.html").read_text(encoding="utf-8")
    for name in ("site.css", "site.js", "favicon.svg"):
        stem, suffix = name.split(".")
        [published] = [path for path in (out / "static").glob(f"{stem}.*.{suffix}")]
        assert f'"/static/{published.name}"' in page
        assert published.read_bytes() == (out / "static" / name).read_bytes()
    assert '"/static/site.css"' not in page
