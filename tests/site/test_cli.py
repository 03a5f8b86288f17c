from pathlib import Path

import pytest
from conftest import run_cli, snapshot

pytestmark = pytest.mark.slow  # every case runs build.py in its own process


def test_help_documents_the_options() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for option in ("--content", "--out", "--strict", "--base-url"):
        assert option in result.stdout


def test_usage_errors_exit_2() -> None:
    assert run_cli("--no-such-option").returncode == 2
    assert run_cli("--base-url", "not-a-url").returncode == 2


def test_success_prints_a_one_line_summary(mini_content: Path, tmp_path: Path) -> None:
    result = run_cli("--content", str(mini_content), "--out", str(tmp_path / "out"), "--strict")
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert "4 zh, 4 en" in line and "warning" in line and " s" in line


def test_content_error_exits_1_without_traceback_and_keeps_the_site(
        mini_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("--content", str(mini_content), "--out", str(out)).returncode == 0
    before = snapshot(out)
    (mini_content / "data" / "glossary.yaml").write_text("- id: x\n  zh: [broken\n")
    (mini_content / "about.zh.md").write_text("---\ntitle: 关于\n---\n[x](@/nowhere)\n")
    result = run_cli("--content", str(mini_content), "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert any(line.endswith("glossary.yaml:3:1: invalid YAML: while parsing a flow "
                             "sequence (expected ',' or ']', but got '<stream end>')")
               or ("glossary.yaml:" in line and "invalid YAML" in line) for line in lines)
    assert any("about.zh.md:4:1: broken link: no page '@/nowhere'" in line for line in lines)
    assert snapshot(out) == before


def test_strict_turns_missing_translations_into_errors(mini_content: Path,
                                                       tmp_path: Path) -> None:
    (mini_content / "about.en.md").unlink()
    out = str(tmp_path / "out")
    relaxed = run_cli("--content", str(mini_content), "--out", out)
    assert relaxed.returncode == 0 and "missing translation" in relaxed.stderr
    strict = run_cli("--content", str(mini_content), "--out", out, "--strict")
    assert strict.returncode == 1 and "about.zh.md:1:1: missing translation" in strict.stderr


def test_output_inside_content_is_refused(mini_content: Path) -> None:
    result = run_cli("--content", str(mini_content), "--out", str(mini_content / "_site"))
    assert result.returncode == 1 and "overlaps the content folder" in result.stderr
    assert not (mini_content / "_site").exists()
