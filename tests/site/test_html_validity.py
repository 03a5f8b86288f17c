"""Every page the generator writes passes the Nu HTML Checker, offline.

vnu.jar comes from npm (`npm ci`, which `make test` runs when npm is present;
the version is pinned in package.json). Java runs it; without Java or the jar
the test is skipped and says which is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MINI, ROOT, NewSite, build

pytestmark = pytest.mark.slow  # the Nu HTML Checker starts a JVM

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed: the Nu HTML Checker (vnu.jar) needs it")
    if not VNU_JAR.is_file():
        pytest.skip(f"{VNU_JAR.relative_to(ROOT)} is missing: run `npm ci` (or `make test`, "
                    "which runs it when npm is present)")
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


def html_errors(site: Path) -> list[str]:
    """Every error the checker finds in the site's HTML pages, as `page:line: message`."""
    pages = sorted(site.rglob("*.html"))
    assert pages, f"no HTML pages in {site}"
    result = subprocess.run([*checker(), *map(str, pages)], capture_output=True, text=True,
                            timeout=600)
    report = json.loads(result.stderr or result.stdout)
    errors = []
    for message in report["messages"]:
        if message.get("type") in ("error", "non-document-error") or (
                message.get("subType") == "fatal"):
            page = message.get("url", "").removeprefix(f"file:{site}/")
            errors.append(f"{page}:{message.get('lastLine', 0)}: {message['message']} "
                          f"[{message.get('extract', '').strip()[:80]}]")
    return errors


def test_the_mini_site_is_valid_html(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(MINI, out, cache_dir=None)
    assert html_errors(out) == []


def test_pages_shown_in_the_other_language_are_valid_html(tmp_path: Path) -> None:
    """A missing translation: the page falls back to the other language with a notice."""
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    (content / "about.en.md").unlink()
    figures = content / "data" / "figures.yaml"
    figures.write_text(figures.read_text(encoding="utf-8").replace(
        "{zh: 个湖北实验室, en: Hubei Laboratories}", "{zh: 个湖北实验室}"), encoding="utf-8")
    out = tmp_path / "site"
    build(content, out, strict=False, cache_dir=None)
    assert html_errors(out) == []


def test_the_real_site_is_valid_html(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(ROOT / "content", out, cache_dir=None)  # a content problem fails the test
    assert html_errors(out) == []


def test_the_checker_reports_an_invalid_page(tmp_path: Path) -> None:
    """The harness itself: a page without a title, with a stray end tag, fails."""
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
                                       "</head><body><p>x</span></body></html>\n")
    errors = html_errors(tmp_path)
    assert any(error.startswith("bad.html:1:") and "title" in error for error in errors)
    assert any("span" in error for error in errors)


def test_the_sites_duet_new_makes_are_valid_html(new_sites: dict[str, NewSite]) -> None:
    errors = [f"{name}/{error}" for name, made in sorted(new_sites.items())
              for error in html_errors(made.site)]
    assert errors == []
