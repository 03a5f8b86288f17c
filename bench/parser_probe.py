#!/usr/bin/env python3
"""What a faster Markdown parser would save: markdown-it-py against markdown-it-pyrs.

    python bench/parser_probe.py [--content DIR] [--pages 3000] [--runs 5]

Half of a cold build's CPU is markdown-it-py. This measures, per page of a
converted corpus (`bench/run.py` writes one to BENCH_DIR/duet-N/content), with
the front matter cut off:

- markdown-it-py as duet configures it: parse, render, and duet's whole compile
  (parse, ids, links, terms, render);
- markdown-it-pyrs (Rust, the markdown-it port) with the same rules: parse to
  its tree, render, and its tree walked into markdown-it-py `Token` objects,
  the least a bridge to duet's token-based compile would cost;
- how many pages both render to the same HTML, for the corpus and for the
  project's own content.

markdown-it-pyrs is not one of duet's dependencies: it is installed here, at a
pinned version, into BENCH_DIR/pyrs (pip --target), never into the project's
environment. Prints one JSON object; medians of `--runs` passes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from markdown_it.token import Token  # noqa: E402

from duet.load.content import split_front_matter  # noqa: E402
from duet.model.markdown import GlossaryIndex, LinkContext, _parser, compile_markdown  # noqa: E402

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/bench"))
PYRS = "markdown-it-pyrs==0.4.0"


def import_pyrs() -> Any:
    target = BENCH_DIR / "pyrs"
    if not target.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(target),
                        PYRS], check=True)
    sys.path.insert(0, str(target))
    import markdown_it_pyrs

    return markdown_it_pyrs


def bodies(folder: Path, limit: int | None = None) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*.md"))[:limit]:
        _, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
        texts.append(body)
    return texts


def per_page_ms(work: Callable[[str], object], texts: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for text in texts:
            work(text)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) / len(texts) * 1000, 4)


def walk_into_tokens(node: Any, out: list[Token]) -> list[Token]:
    """Every node as a markdown-it-py Token with its attributes, position and meta."""
    for child in node.children:
        token = Token(child.name, "", 0)
        token.attrs = dict(child.attrs)
        token.map = child.srcmap
        token.meta = child.meta
        out.append(token)
        walk_into_tokens(child, out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--content", type=Path, default=BENCH_DIR / "duet-10000" / "content")
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pyrs = import_pyrs()
    texts = bodies(args.content, args.pages)
    ours = _parser()
    fast = pyrs.MarkdownIt("commonmark").enable_many(["table", "strikethrough"])
    links, glossary = LinkContext("/", "zh"), GlossaryIndex()
    parsed = [ours.parse(text) for text in texts]
    tokens = iter(parsed * args.runs)
    result = {
        "pages": len(texts),
        "markdown_it_py_parse_ms": per_page_ms(ours.parse, texts, args.runs),
        "markdown_it_py_render_ms": per_page_ms(
            lambda _: ours.renderer.render(next(tokens), ours.options, {}), texts, args.runs),
        "duet_compile_ms": per_page_ms(
            lambda text: compile_markdown(text, links, glossary), texts, args.runs),
        "pyrs_tree_ms": per_page_ms(fast.tree, texts, args.runs),
        "pyrs_render_ms": per_page_ms(fast.render, texts, args.runs),
        "pyrs_tree_to_tokens_ms": per_page_ms(
            lambda text: walk_into_tokens(fast.tree(text), []), texts, args.runs),
    }
    for name, sample in (("corpus", texts), ("project_content", bodies(REPO / "content"))):
        same = sum(fast.render(text) == ours.render(text) for text in sample)
        result[f"same_html_{name}"] = f"{same}/{len(sample)}"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
