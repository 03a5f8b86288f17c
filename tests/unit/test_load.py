from pathlib import Path

from conftest import SITE_HOOK

from duet.diagnostics import Diagnostics
from duet.load.content import load_content, split_front_matter


def test_pages_pair_by_name_and_keys_come_from_paths(mini_content: Path) -> None:
    diagnostics = Diagnostics()
    content = load_content(mini_content, diagnostics, hook=SITE_HOOK)
    assert content is not None and not diagnostics.items
    keys = sorted((p.key, p.lang) for p in content.pages)
    assert ("index", "zh") in keys and ("topics", "en") in keys and ("about", "zh") in keys
    assert content.config.codes == ("zh", "en")
    assert content.config.base_path == "/"


def test_new_pair_becomes_a_page_without_code(mini_content: Path) -> None:
    (mini_content / "topics" / "new-page.zh.md").write_text("---\ntitle: 新\n---\n正文\n")
    (mini_content / "topics" / "new-page.en.md").write_text("---\ntitle: New\n---\nBody\n")
    content = load_content(mini_content, Diagnostics(), hook=SITE_HOOK)
    assert content is not None
    assert {p.key for p in content.pages} >= {"topics/new-page"}


def test_base_url_override_sets_the_base_path(mini_content: Path) -> None:
    content = load_content(mini_content, Diagnostics(), "https://example.com/sub/dir",
                           hook=SITE_HOOK)
    assert content is not None and content.config.base_path == "/sub/dir/"


def test_file_names_must_carry_a_known_language(mini_content: Path) -> None:
    (mini_content / "stray.md").write_text("---\ntitle: x\n---\n")
    (mini_content / "Bad Name.zh.md").write_text("---\ntitle: x\n---\n")
    diagnostics = Diagnostics()
    load_content(mini_content, diagnostics, hook=SITE_HOOK)
    messages = " ".join(d.message for d in diagnostics.errors)
    assert "must end in '.zh.md' or '.en.md'" in messages
    assert "'Bad Name' cannot be part of a URL" in messages


def test_front_matter_errors_have_file_lines(mini_content: Path) -> None:
    (mini_content / "about.en.md").write_text("---\ntitle: About\ntempalte: page.html\n---\n")
    diagnostics = Diagnostics()
    load_content(mini_content, diagnostics, hook=SITE_HOOK)
    [problem] = diagnostics.errors
    assert problem.path.endswith("about.en.md") and problem.line == 3
    assert "did you mean 'template'" in problem.message


def test_unknown_collection_is_reported(mini_content: Path) -> None:
    (mini_content / "data" / "glosary.yaml").write_text("- id: a\n")
    diagnostics = Diagnostics()
    load_content(mini_content, diagnostics, hook=SITE_HOOK)
    assert "no schema for a collection named 'glosary'" in diagnostics.errors[0].message


def test_split_front_matter() -> None:
    assert split_front_matter("---\na: 1\n---\nbody\n") == ("a: 1", "body\n", 4)
    assert split_front_matter("no front matter")[0] is None
