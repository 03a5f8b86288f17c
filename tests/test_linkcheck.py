from pathlib import Path

from duet.linkcheck import check_links


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_links_and_anchors_resolve(tmp_path: Path) -> None:
    write(tmp_path, {
        "zh/index.html": '<a href="/zh/a/#x"></a><a href="a/"></a><a href="#top"></a>'
                         '<a href="https://example.org/"></a><p id="top"></p>'
                         '<link href="/static/s.css">',
        "zh/a/index.html": '<h2 id="x"></h2><a href="../">up</a>',
        "static/s.css": "",
    })
    assert check_links(tmp_path, "/") == []


def test_broken_targets_are_named(tmp_path: Path) -> None:
    write(tmp_path, {"zh/index.html": '<a href="/zh/b/"></a><a href="/zh/#nope"></a>'
                                      '<img src="/static/missing.png">'})
    problems = check_links(tmp_path, "/")
    assert len(problems) == 3 and all(p.startswith("zh/index.html: ") for p in problems)
