"""The command line: `duet [command] [options]` (and `python build.py`, the same for the
project beside it)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from pathlib import Path
from typing import Any

from duet.build import BuildOptions, BuildResult
from duet.diagnostics import ContentError, Diagnostics
from duet.incremental.cache import build_with_cache, open_cache
from duet.progress import Progress, shown
from duet.publish.write import WriteError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
CACHE_DIR = ".duet-cache"
PROJECT_FOLDERS = ("content", "templates", "static", "locales")


COMMANDS = ("build", "serve", "check", "translations", "locales", "new", "pdf")


class ShowVersion(argparse.Action):
    """`--version`: the installed distribution's version, else the package's own (read
    only when asked: importlib.metadata costs more than a small build)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print duet's version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        print(f"duet {version()}")
        parser.exit()


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("duet")
    except PackageNotFoundError:
        from duet import __version__

        return __version__


def make_parser(prog: str = "duet") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Build an explainer site in two or more languages from content/ into "
                    "_site/, serve it while you edit, check it strictly, keep its "
                    "translations and its UI catalogs up to date. Run from the project "
                    "folder (the one holding content/site.yaml) or any folder inside it.",
        epilog="Builds reuse what the last one left in .duet-cache/ and redo only what an "
               "edit affects. Exit status: 0 built, 1 problems in the content, the theme or "
               "the site's code (each printed "
               "as path:line:col: message; the previous site is kept), 2 wrong usage.",
    )
    parser.add_argument("--version", action=ShowVersion)
    parser.add_argument("command", nargs="?", choices=COMMANDS, default="build",
                        help="build: build the site once (the default); serve: build it into "
                             ".duet-cache/serve-PORT/ (never _site/; --out and --base-url do "
                             "not apply), serve it at http://127.0.0.1:PORT/ and rebuild and "
                             "reload the browser whenever content/, templates/, static/, "
                             "locales/ or the site's code change (Ctrl-C stops); check: build "
                             "strictly, failing on any warning (as --strict); translations: what "
                             "needs work to keep the translations in step (drifted, new, machine "
                             "drafts), and the commands that record it; locales: extract the UI "
                             "strings into locales/messages.pot, update (or create) each "
                             "language's catalog and compile it; new DIR --languages ja,en: make "
                             "a new explainer project (`new --help`); pdf: build, print each "
                             "language's print page to static/print/explainer.LANG.pdf with "
                             "Chromium, build again")
    parser.add_argument("--content", type=Path, metavar="DIR",
                        help="content folder (default: ./content)")
    parser.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: ./_site)")
    parser.add_argument("--templates", type=Path, metavar="DIR",
                        help="templates folder (default: ./templates)")
    parser.add_argument("--static", type=Path, metavar="DIR",
                        help="static files folder (default: ./static)")
    parser.add_argument("--locales", type=Path, metavar="DIR",
                        help="gettext catalogs folder (default: ./locales)")
    parser.add_argument("--hooks", type=Path, metavar="DIR",
                        help="the site's own code: data schemas and template helpers "
                             "(default: the folder site.yaml names as `hooks:`; none "
                             "without it)")
    parser.add_argument("--base-url", metavar="URL",
                        help="absolute URL the site is published at (overrides site.yaml)")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (missing translations, heading mismatches) as errors")
    parser.add_argument("--quiet", action="store_true",
                        help="print only problems (no progress line, no summary)")
    parser.add_argument("--verbose", action="store_true",
                        help="after the summary, print how long each stage of the build took")
    parser.add_argument("--clean", action="store_true",
                        help="ignore what earlier builds left in .duet-cache/ and build "
                             "everything")
    drift = parser.add_argument_group("translations options")
    drift.add_argument("--accept", nargs="+", metavar="PATH[#SECTION]",
                       help="record the current texts of these pages (any language's file "
                            "names the page), data files, or single sections as in step")
    drift.add_argument("--accept-all", action="store_true",
                       help="record every current text as in step (writes "
                            "content/translations.yaml)")
    drift.add_argument("--all", action="store_true", dest="all_units",
                       help="list every unit, not only those that need work")
    drift.add_argument("--diff", action="store_true",
                       help="show what changed, word by word, in each unit since it was "
                            "last accepted")
    drift.add_argument("--html", type=Path, metavar="FILE",
                       help="write the report as an HTML page to FILE")
    drift.add_argument("--json", action="store_true",
                       help="print the report as JSON")
    drift.add_argument("--machine-draft", metavar="TOOL",
                       help="with --accept: mark the accepted texts of the file's language "
                            "(or --lang) as a machine draft made by TOOL")
    drift.add_argument("--reviewed", nargs="+", metavar="PATH[#SECTION]",
                       help="record that a person (--by) reviewed these texts of the file's "
                            "language (or --lang) against the other languages as they are")
    drift.add_argument("--by", metavar="NAME", help="who reviewed (with --reviewed)")
    drift.add_argument("--lang", metavar="CODE",
                       help="the language marked, for data files (whose names have none)")
    parser.add_argument("--chromium", type=Path, default=None, metavar="PATH",
                        help="pdf: the Chromium to print with (default: /usr/bin/chromium)")
    serve = parser.add_argument_group("serve options")
    serve.add_argument("--port", type=int, default=8000,
                       help="port to serve on (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this computer only)")
    return parser


last_result: BuildResult | None = None
"""The last build's result, with its site model and cache, kept until the next build:
`build.py` then leaves by `os._exit` without freeing them object by object (a fifth
of a second at 10,000 pages per language)."""


def run(project_root: Path | None = None) -> None:
    """The `duet` command (in the current folder) and `build.py` (in its own): build or
    serve, then leave by `os._exit`, everything written and the cache stored, without
    freeing the site model object by object (half a second at 10,000 pages per
    language)."""
    status = main(project_root=project_root)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):
            stream.flush()
    os._exit(status)


def main(argv: list[str] | None = None, project_root: Path | None = None) -> int:
    """`build.py` with `project_root`, its folder; the `duet` command without: the
    current folder, which must then hold the project."""
    global last_result
    last_result = None
    prog = "build.py" if project_root else "duet"
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["new"]:
        from duet.scaffold import new_command

        return new_command(argv[1:], prog)
    parser = make_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    if args.base_url is not None and not args.base_url.startswith(("http://", "https://")):
        parser.print_usage(sys.stderr)
        print(f"{prog}: error: --base-url must be an absolute http(s) URL", file=sys.stderr)
        return EXIT_USAGE
    if not 0 < args.port < 65536:
        parser.print_usage(sys.stderr)
        print(f"{prog}: error: --port must be between 1 and 65535", file=sys.stderr)
        return EXIT_USAGE
    problem = translations_usage(args, prog)
    if problem:
        parser.print_usage(sys.stderr)
        print(f"{prog}: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    root = project_root or find_project(Path.cwd())
    if project_root is None and not is_project(root, args):
        folders = ", ".join(f"{name}/" for name in PROJECT_FOLDERS)
        print(f"{prog}: {root} is not in a project folder: a project holds {folders} "
              "(or give --content, --templates, --static, --locales); `duet new DIR "
              "--languages …` starts one", file=sys.stderr)
        return EXIT_USAGE
    options = BuildOptions.for_project(
        root, content_dir=args.content, out_dir=args.out, templates_dir=args.templates,
        static_dir=args.static, locales_dir=args.locales, hooks_dir=args.hooks,
        strict=args.strict or args.command == "check",
        base_url=args.base_url, cache_dir=root / CACHE_DIR,
    )
    if args.command == "locales":
        from duet.locales import locales_command

        return locales_command(options)
    if args.command == "translations":
        from duet.drift.command import Mark, View, translations_command
        from duet.drift.record import DRAFT, REVIEWED

        mark = (Mark(DRAFT, args.machine_draft, args.lang) if args.machine_draft else
                Mark(REVIEWED, args.by, args.lang, args.reviewed) if args.reviewed else None)
        view = View(args.all_units, args.diff, args.html, args.json, args.strict)
        return translations_command(options.content_dir, args.accept, args.accept_all,
                                    hooks_dir=options.hooks_dir, view=view, mark=mark)
    if args.command == "serve":
        from duet.serve.server import serve

        return serve(options, args.host, args.port, quiet=args.quiet)
    # One build, then the process exits: the collector would only scan the whole
    # site model again at the end of it (build_site pauses it while it runs).
    gc.disable()
    if args.command == "pdf":
        return pdf_command(options, args, prog)
    return build_once(options, args)


def build_once(options: BuildOptions, args: argparse.Namespace) -> int:
    """Build (reusing what the last build left), print the problems and the summary."""
    global last_result
    # the progress line: on a terminal only, from a second into the build
    progress = Progress(sys.stdout, enabled=not args.quiet and sys.stdout.isatty())
    try:
        assert options.cache_dir is not None
        cache = open_cache(options)
        if args.clean:
            cache.forget()
        with shown(progress):
            result = build_with_cache(options, cache)
    except ContentError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        errors = sum(1 for d in exc.diagnostics if d.severity == "error")
        print(f"build failed: {errors} error(s); the previous site in {options.out_dir} "
              "is unchanged", file=sys.stderr)
        return EXIT_CONTENT
    except WriteError as exc:
        print(f"{options.out_dir}: {exc}", file=sys.stderr)
        print("build failed; the previous site is unchanged", file=sys.stderr)
        return EXIT_CONTENT
    last_result = result
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    if not args.quiet:
        print(result.summary())
        if args.verbose:
            print(progress.table())
    return EXIT_OK


def find_project(start: Path) -> Path:
    """The folder holding content/site.yaml: `start` or the nearest folder above it (as
    git finds its repository); `start` itself when there is none."""
    for folder in (start, *start.parents):
        if (folder / "content" / "site.yaml").is_file():
            return folder
    return start


TRANSLATIONS_OPTIONS = ("accept", "accept_all", "all_units", "diff", "html", "json",
                        "machine_draft", "reviewed", "by", "lang")


def translations_usage(args: argparse.Namespace, prog: str) -> str | None:
    """What is wrong with the translations options given, if anything."""
    given = [name for name in TRANSLATIONS_OPTIONS if getattr(args, name) not in (None, False)]
    if given and args.command != "translations":
        return f"--{given[0].replace('_', '-')} goes with `{prog} translations`"
    if args.machine_draft and not args.accept:
        return "--machine-draft marks the texts it accepts: give --accept PATH[#SECTION]"
    if args.reviewed and not (args.by and args.by.strip()):
        return "--reviewed needs --by NAME: who reviewed the texts"
    if args.by and not args.reviewed:
        return "--by goes with --reviewed"
    if args.machine_draft and args.reviewed:
        return "a text is marked a machine draft or reviewed, not both at once"
    return None


def pdf_command(options: BuildOptions, args: argparse.Namespace, prog: str) -> int:
    """Build, print each language's PDF (duet/pdf.py), build again to publish them."""
    from duet.load.config import load_config
    from duet.load.content import SITE_FILE
    from duet.pdf import CHROMIUM, missing_requirement, print_pdfs, report

    chromium = args.chromium or CHROMIUM
    problem = missing_requirement(chromium)
    if problem:
        print(f"{prog}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    status = build_once(options, args)
    config = load_config(options.content_dir / SITE_FILE, Diagnostics(), options.base_url)
    if status != EXIT_OK or config is None:
        return status
    try:
        written = print_pdfs(options.out_dir, config.base_path, list(config.codes),
                             options.static_dir, chromium)
    except Exception as exc:  # Playwright's and Chromium's failures have no common type
        print(f"{prog}: printing failed: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    report(written)
    return build_once(options, args)


def is_project(root: Path, args: argparse.Namespace) -> bool:
    """Every project folder is named by its option or found in root."""
    return all(getattr(args, name) is not None or (root / name).is_dir()
               for name in PROJECT_FOLDERS)
