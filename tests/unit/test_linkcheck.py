from duet.publish.linkcheck import check_links, link_facts


def check(files: dict[str, str]) -> list[str]:
    pages = {name: link_facts(text.encode()) for name, text in files.items()
             if name.endswith(".html")}
    return check_links(pages, pages, files, "/")


def test_links_and_anchors_resolve() -> None:
    assert check({
        "zh/index.html": '<a href="/zh/a/#x"></a><a href="a/"></a><a href="#top"></a>'
                         '<a href="https://example.org/"></a><p id="top"></p>'
                         '<link href="/static/s.css">',
        "zh/a/index.html": '<h2 id="x"></h2><a href="../">up</a>',
        "static/s.css": "",
    }) == []


def test_broken_targets_are_named() -> None:
    problems = check({"zh/index.html": '<a href="/zh/b/"></a><a href="/zh/#nope"></a>'
                                       '<img src="/static/missing.png">'})
    assert len(problems) == 3 and all(p.startswith("zh/index.html: ") for p in problems)


def test_only_the_pages_asked_for_are_checked() -> None:
    files = {"a.html": '<a href="/nowhere.html"></a>', "b.html": '<a href="/a.html"></a>'}
    pages = {name: link_facts(text.encode()) for name, text in files.items()}
    assert check_links(["b.html"], pages, files, "/") == []
    assert check_links(["a.html"], pages, files, "/") != []
