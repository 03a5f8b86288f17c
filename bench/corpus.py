"""Turn a benchmark corpus (as make_corpus.py writes it) into duet's content layout.

    DIR/zh/page-00042.md, DIR/en/page-00042.md          (make_corpus.py)
 -> PROJECT/content/page-00042.zh.md, page-00042.en.md  (one translation key per page)
    PROJECT/content/index.{zh,en}.md                     (the list of all pages)
    PROJECT/content/site.yaml
    PROJECT/static/                                      (empty: the peers copy no static files)

Front matter `title` is kept, `date` becomes `updated` and `slug` becomes the file
name. Links are written `../page-00042/` in the corpus, a relative URL duet
rejects; they become `@/page-00042`, duet's checked page link. The bodies are
otherwise copied byte for byte. This conversion is never timed.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

LANGUAGES = ("zh", "en")
RELATIVE_LINK = re.compile(r"\]\(\.\./([a-z0-9-]+)/\)")

SITE_YAML = """\
base_url: http://bench.invalid/
default_language: zh
languages:
  - {code: zh, tag: zh-CN, locale: zh_Hans_CN, name: 中文}
  - {code: en, tag: en, locale: en, name: English}
title: {zh: bench, en: bench}
description: {zh: bench, en: bench}
"""

INDEX_PAGE = "---\ntitle: bench\ntemplate: list.html\n---\n"


def convert_page(text: str) -> tuple[str, str]:
    """(slug, duet page text) for one corpus page."""
    _, front, body = text.split("---\n", 2)
    fields = dict(line.split(": ", 1) for line in front.splitlines() if line)
    header = (f"---\ntitle: {json.dumps(fields['title'], ensure_ascii=False)}\n"
              f"updated: {fields['date']}\n---\n")
    return fields["slug"], header + RELATIVE_LINK.sub(r"](@/\1)", body)


def convert(corpus: Path, project: Path) -> Path:
    """Write PROJECT/content from CORPUS and return the content folder."""
    content = project / "content"
    content.mkdir(parents=True, exist_ok=True)
    (project / "static").mkdir(exist_ok=True)
    (content / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    for lang in LANGUAGES:
        (content / f"index.{lang}.md").write_text(INDEX_PAGE, encoding="utf-8")
        for source in sorted((corpus / lang).glob("*.md")):
            slug, text = convert_page(source.read_text(encoding="utf-8"))
            (content / f"{slug}.{lang}.md").write_text(text, encoding="utf-8")
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="make_corpus.py output")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write")
    args = parser.parse_args()
    print(convert(args.corpus, args.out))


if __name__ == "__main__":
    main()
