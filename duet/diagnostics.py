"""Problems found in content, reported as `path:line:col: message`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place. Line and column are 1-based; 0 means unknown."""

    path: str
    line: int
    col: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        """Always `path:line:col: message`, the form editors and IDEs jump to; a problem
        with the whole file (or an unknown place in it) points at its start."""
        label = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line or 1}:{self.col or 1}: {label}{self.message}"


@dataclass
class Diagnostics:
    """Collects every problem of a build so they can be reported all at once."""

    items: list[Diagnostic] = field(default_factory=list)

    @staticmethod
    def display(path: Path | str) -> str:
        """Paths relative to the working directory where possible: what an editor typed.

        The last part is not resolved, so a symbolic link is named, not its target."""
        path = Path(path)
        named = path.parent.resolve() / path.name
        try:
            return named.relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def error(self, path: Path | str, line: int, col: int, message: str) -> None:
        self.items.append(Diagnostic(self.display(path), line, col, message, "error"))

    def warning(self, path: Path | str, line: int, col: int, message: str) -> None:
        self.items.append(Diagnostic(self.display(path), line, col, message, "warning"))

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted(d for d in self.items if d.severity == "error")

    @property
    def warnings(self) -> list[Diagnostic]:
        return sorted(d for d in self.items if d.severity == "warning")

    def promote_warnings(self) -> None:
        """Strict mode: every warning becomes an error."""
        self.items = [
            Diagnostic(d.path, d.line, d.col, d.message, "error") for d in self.items
        ]


class ContentError(Exception):
    """Raised when a build stops because of problems in the content."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} problem(s) in the content")
        self.diagnostics = diagnostics
