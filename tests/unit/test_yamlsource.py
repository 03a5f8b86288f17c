from pathlib import Path

from duet.diagnostics import Diagnostics
from duet.load.yamlsource import parse_yaml, read_text


def test_duplicate_keys_are_reported_with_both_lines(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    parse_yaml("a: 1\nb: 2\na: 3\n", tmp_path / "x.yaml", diagnostics)
    [problem] = diagnostics.errors
    assert (problem.line, problem.col) == (3, 1)
    assert "duplicate key 'a'" in problem.message and "line 1" in problem.message


def test_nested_duplicate_keys_are_found(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    parse_yaml("- id: x\n  name: {zh: a, zh: b}\n", tmp_path / "x.yaml", diagnostics)
    assert [d.line for d in diagnostics.errors] == [2]


def test_tabs_get_an_editor_friendly_message(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    parse_yaml("a:\n\tb: 1\n", tmp_path / "x.yaml", diagnostics)
    [problem] = diagnostics.errors
    assert problem.line == 2 and "tab" in problem.message


def test_syntax_error_position_respects_the_front_matter_offset(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    parse_yaml("title: [unclosed\n", tmp_path / "p.md", diagnostics, line_offset=1)
    [problem] = diagnostics.errors
    assert problem.line >= 2 and "invalid YAML" in problem.message


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("\ufeffa: 1\r\nb: 2\r\n".encode())
    diagnostics = Diagnostics()
    assert read_text(path, diagnostics) == "a: 1\nb: 2\n"
    assert not diagnostics.items


def test_invalid_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: 1\nb: \xff\n")
    diagnostics = Diagnostics()
    assert read_text(path, diagnostics) is None
    [problem] = diagnostics.errors
    assert (problem.line, problem.col) == (2, 4) and "UTF-8" in problem.message
