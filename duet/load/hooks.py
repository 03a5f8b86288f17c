"""Site code: what a site adds to the engine, loaded from a folder beside its content.

A site's hooks are a Python package folder of the project, named in site.yaml
(`hooks: explainer`) or on the command line (`duet --hooks DIR`), whose
`__init__.py` defines:

- `COLLECTIONS: dict[str, Check]`: the schemas (`duet.schema`) of the site's
  own data collections, `content/data/<name>.yaml`, besides the engine's
  glossary;
- `template_globals(site, language, formatter) -> dict[str, Any]`: extra Jinja
  globals for the templates of one language, called once per language and build.

and may define `GLOSSARY_FIELDS: dict[str, Field]`: fields a glossary entry has
besides its term in each language, `explanation` and `match`.

Without the folder a site has no hooks: its data may hold only the engine's
collections and its templates see only the engine's globals. The folder is
imported as the package `duet_site` (its modules import each other
relatively), at most once per build, and again only when one of its files
changed. Nothing in the engine imports a site's code by name.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
import traceback
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from duet.diagnostics import Diagnostics
from duet.digests import digest
from duet.load.schema import Check, Field

if TYPE_CHECKING:
    from duet.load.config import Language
    from duet.model.site import Site
    from duet.render.i18n import Formatter

MODULE = "duet_site"
"""The name the hooks package is imported under, whatever its folder is called."""

TemplateGlobals = Callable[["Site", "Language", "Formatter"], dict[str, Any]]


def no_globals(site: Site, language: Language, formatter: Formatter) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Hook:
    """What a site's code adds to the engine (nothing, for a site without hooks)."""

    collections: Mapping[str, Check] = field(default_factory=dict)
    template_globals: TemplateGlobals = no_globals
    glossary_fields: Mapping[str, Field] = field(default_factory=dict)


NO_HOOK = Hook()

_last: tuple[tuple[Path, str], Hook] | None = None
"""The last hook loaded, with the folder and the fingerprint of its files."""


def hook_files(hooks_dir: Path | None) -> list[Path]:
    """Every Python source file of the hooks (what a build's output may depend on)."""
    if hooks_dir is None or not hooks_dir.is_dir():
        return []
    return sorted(path for path in hooks_dir.rglob("*.py")
                  if "__pycache__" not in path.relative_to(hooks_dir).parts)


def load_hook(hooks_dir: Path | None, diagnostics: Diagnostics,
              reserved: Collection[str] = ()) -> Hook:
    """The site's hooks from `hooks_dir` (NO_HOOK when there is no such folder).

    A hook that cannot be imported, or lacks a name, is reported as a problem at
    its place in the site's code (`reserved`: collection names the site may not
    redefine)."""
    global _last
    if hooks_dir is None or not hooks_dir.exists():
        return NO_HOOK
    init = hooks_dir / "__init__.py"
    if not init.is_file():
        diagnostics.error(hooks_dir, 0, 0, "the hooks folder needs an __init__.py that "
                                           "defines COLLECTIONS and template_globals")
        return NO_HOOK
    files = hook_files(hooks_dir)
    stamp = (hooks_dir.resolve(), digest(b"".join(
        path.relative_to(hooks_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
        for path in files)))
    if _last is not None and _last[0] == stamp:
        return _last[1]
    try:
        module = _import(hooks_dir, init)
    except Exception as exc:  # any mistake in the site's code is the site's problem
        _report_import_error(exc, hooks_dir, init, diagnostics)
        return NO_HOOK
    hook = _checked(module, init, diagnostics, reserved)
    if hook is None:
        return NO_HOOK
    _last = (stamp, hook)
    return hook


def _import(hooks_dir: Path, init: Path) -> ModuleType:
    """Execute the hooks package afresh under MODULE, forgetting any earlier one."""
    for name in [name for name in sys.modules
                 if name == MODULE or name.startswith(MODULE + ".")]:
        del sys.modules[name]
    importlib.invalidate_caches()  # a module added since the last load is found
    spec = importlib.util.spec_from_file_location(
        MODULE, init, submodule_search_locations=[str(hooks_dir)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(MODULE, None)
        raise
    return module


def _report_import_error(exc: Exception, hooks_dir: Path, init: Path,
                         diagnostics: Diagnostics) -> None:
    """Name the line of the site's code that failed: the syntax error's place, or the
    innermost frame of the traceback inside the hooks folder."""
    if isinstance(exc, SyntaxError) and exc.filename:
        diagnostics.error(exc.filename, exc.lineno or 0, exc.offset or 0,
                          f"cannot load the site's hooks: {exc.msg}")
        return
    path, line = init, 0
    root = hooks_dir.resolve()
    for frame in traceback.extract_tb(exc.__traceback__):
        where = Path(frame.filename).resolve()
        if root in where.parents:
            path, line = where, frame.lineno or 0
    diagnostics.error(path, line, 0, f"cannot load the site's hooks: "
                                     f"{type(exc).__name__}: {exc}")


def _checked(module: ModuleType, init: Path, diagnostics: Diagnostics,
             reserved: Collection[str]) -> Hook | None:
    """The hook the module defines, or None after reporting what is missing or wrong."""
    ok = True
    collections = getattr(module, "COLLECTIONS", None)
    if not isinstance(collections, dict) or not all(
            isinstance(name, str) and isinstance(schema, Check)
            for name, schema in collections.items()):
        ok = _problem(init, "COLLECTIONS", diagnostics, "the hooks must define COLLECTIONS, "
                      "a dict from collection name to schema (duet.schema.Check)")
    else:
        for name in sorted(set(collections) & set(reserved)):
            ok = _problem(init, "COLLECTIONS", diagnostics, f"the collection '{name}' is the "
                          "engine's own; the hooks may not define it again")
    template_globals = getattr(module, "template_globals", None)
    if not callable(template_globals):
        ok = _problem(init, "template_globals", diagnostics, "the hooks must define "
                      "template_globals(site, language, formatter) -> dict of Jinja globals")
    glossary_fields = getattr(module, "GLOSSARY_FIELDS", {})
    if not isinstance(glossary_fields, dict) or not all(
            isinstance(name, str) and isinstance(spec, Field)
            for name, spec in glossary_fields.items()):
        ok = _problem(init, "GLOSSARY_FIELDS", diagnostics, "GLOSSARY_FIELDS must be a dict "
                      "from field name to duet.schema.Field")
    if not ok:
        return None
    return Hook(dict(collections), template_globals,  # type: ignore[arg-type]
                dict(glossary_fields))


def _problem(init: Path, name: str, diagnostics: Diagnostics, message: str) -> bool:
    line, col = _defined_at(init, name)
    diagnostics.error(init, line, col, message)
    return False


def _defined_at(init: Path, name: str) -> tuple[int, int]:
    """Where `__init__.py` assigns, defines or imports `name` (0, 0: nowhere)."""
    try:
        tree = ast.parse(init.read_bytes(), str(init))
    except (OSError, SyntaxError, ValueError):
        return 0, 0
    for node in tree.body:
        names: list[str] = []
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names = [alias.asname or alias.name for alias in node.names]
        if name in names:
            return node.lineno, node.col_offset + 1
    return 0, 0
