"""Read YAML into position-carrying nodes, safely and strictly.

PyYAML's `safe_load` silently keeps the last of two duplicate keys and forgets
where every value came from. We compose the node tree with the safe loader
instead, so every later check can name the file, line and column, and we
reject duplicate keys here.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from duet.diagnostics import Diagnostics

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 50
FAST_LOADER = getattr(yaml, "CSafeLoader", None)


@dataclass(frozen=True)
class Where:
    """A place in a source file (1-based line and column)."""

    path: Path
    line: int
    col: int


def where_of(path: Path, node: Node, line_offset: int = 0) -> Where:
    mark = node.start_mark
    return Where(path, mark.line + 1 + line_offset, mark.column + 1)


def read_text(path: Path, diagnostics: Diagnostics) -> str | None:
    """Read a content file as UTF-8 (BOM allowed, CRLF folded to LF)."""
    try:
        with open(path, "rb", buffering=0) as stream:  # unbuffered: readall() reads it in one call
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_FILE_BYTES:
                diagnostics.error(
                    path, 1, 1,
                    f"file is {size / 1024 / 1024:.1f} MiB; content files may be at most "
                    f"{MAX_FILE_BYTES // 1024 // 1024} MiB",
                )
                return None
            raw = stream.readall()
    except OSError as exc:
        diagnostics.error(path, 0, 0, f"cannot read file: {exc.strerror or exc}")
        return None
    try:
        return decode_text(raw)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        diagnostics.error(
            path, line, col,
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
        )
        return None


def decode_text(raw: bytes) -> str:
    """A content file's text: UTF-8, a BOM allowed, line ends folded to LF. Raises
    UnicodeDecodeError."""
    text = raw.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def parse_yaml(
    text: str, path: Path, diagnostics: Diagnostics, line_offset: int = 0
) -> Node | None:
    """Compose one YAML document into nodes; report syntax errors, duplicate keys,
    aliases and nesting too deep for content (each would make later checks slow or
    endless)."""
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else 0
        col = mark.column + 1 if mark else 0
        diagnostics.error(path, line, col, _describe_yaml_error(exc))
        return None
    except yaml.YAMLError as exc:
        diagnostics.error(path, 1 + line_offset, 1, f"invalid YAML: {exc}")
        return None
    except RecursionError:
        diagnostics.error(path, 1 + line_offset, 1, f"YAML nested more than {MAX_DEPTH} "
                                                    "levels deep; content needs a few")
        return None
    if node is not None and not _check_tree(node, path, diagnostics, line_offset):
        return None
    return node


class _AliasRefusingLoader(yaml.SafeLoader):
    """The Python safe loader, refusing aliases (`*name`) where they are used.

    An alias makes one node appear in many places (a few lines can stand for
    millions of values) or inside itself; content has no use for either."""

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, f"the alias '*{event.anchor}' repeats a value defined elsewhere; "
                            "content files write every value out in full", event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type]


def _compose(text: str) -> Node | None:
    """libyaml's parser when PyYAML has it (about ten times faster, the same nodes);
    a document it refuses, or one that uses aliases, is parsed again in Python, so
    errors read the same."""
    if FAST_LOADER is not None:
        try:
            node = yaml.compose(text, Loader=FAST_LOADER)
        except yaml.YAMLError:
            pass
        else:
            if node is None or not _shares_nodes(node):
                return node
    return yaml.compose(text, Loader=_AliasRefusingLoader)


def _shares_nodes(node: Node) -> bool:
    """Whether a node is reached twice: what aliases leave in a composed tree."""
    seen: set[int] = set()
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            return True
        seen.add(id(current))
        if isinstance(current, MappingNode):
            for key_node, value_node in current.value:
                stack.extend((key_node, value_node))
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return False


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    if "'\\t'" in problem:
        return "tab character in YAML: indent with spaces, not tabs"
    context = f" ({exc.context})" if exc.context else ""
    return f"invalid YAML: {problem}{context}"


def _check_tree(node: Node, path: Path, diagnostics: Diagnostics, line_offset: int) -> bool:
    """Report duplicate keys; refuse nesting deeper than MAX_DEPTH. False: unusable."""
    stack: list[tuple[Node, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            w = where_of(path, current, line_offset)
            diagnostics.error(path, w.line, w.col, f"YAML nested more than {MAX_DEPTH} "
                                                   "levels deep; content needs a few")
            return False
        if isinstance(current, MappingNode):
            seen: dict[str, Node] = {}
            for key_node, value_node in current.value:
                if isinstance(key_node, ScalarNode):
                    first = seen.get(key_node.value)
                    if first is not None:
                        w = where_of(path, key_node, line_offset)
                        diagnostics.error(
                            path, w.line, w.col,
                            f"duplicate key '{key_node.value}' (first defined on line "
                            f"{first.start_mark.line + 1 + line_offset})",
                        )
                    else:
                        seen[key_node.value] = key_node
                stack.append((value_node, depth + 1))
        elif isinstance(current, SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
    return True


_constructor = SafeConstructor()


def scalar_value(node: ScalarNode) -> object:
    """The Python value of a scalar, typed as `yaml.safe_load` would type it. Raises
    ValueError for a tag safe YAML does not know (`!Some`)."""
    try:
        return _constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise ValueError(f"the tag '{node.tag}' is not understood; remove it") from exc
