"""The dev server: what it serves and refuses, the live-reload script, and
rebuilds on save (a good save reloads the tabs, a broken one shows its
problems and keeps the last good site, bursts give one rebuild)."""

from __future__ import annotations

import http.client
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, recorded_dev_server, run_cli
from htmlparse import parse_html

from duet.build import BuildOptions
from duet.diagnostics import Diagnostics
from duet.serve.server import SCRIPT_TAG, DevServer, inject_script, resolve_request, start_line

pytestmark = pytest.mark.slow  # starts dev servers and waits for their rebuilds

WAIT_SECONDS = 60.0  # a generous ceiling: a loaded CI machine is slow, not wrong


# -- which file a request names --------------------------------------------

@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "en" / "about").mkdir(parents=True)
    (root / "en" / "about" / "index.html").write_text("about", encoding="utf-8")
    (root / "index.html").write_text("home", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    return root


def test_a_request_names_a_file_inside_the_folder(site_root: Path) -> None:
    assert resolve_request(site_root, "/") == site_root.resolve() / "index.html"
    assert resolve_request(site_root, "/en/about/") == (
        site_root.resolve() / "en" / "about" / "index.html")
    assert resolve_request(site_root, "/en/about/index.html?x=1#top") == (
        site_root.resolve() / "en" / "about" / "index.html")
    assert resolve_request(site_root, "/en/./about/") == (
        site_root.resolve() / "en" / "about" / "index.html")


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/en/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
    "/en/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
    "/..%5csecret.txt", "/index.html%00.txt", "/%ff",
])
def test_paths_that_climb_out_are_refused(site_root: Path, target: str) -> None:
    assert resolve_request(site_root, target) is None


def test_absolute_paths_stay_inside_the_folder(site_root: Path) -> None:
    found = resolve_request(site_root, "//etc/passwd")
    assert found == site_root.resolve() / "etc" / "passwd"
    assert found is not None and not found.exists()


def test_symlinks_out_of_the_folder_are_refused(site_root: Path, tmp_path: Path) -> None:
    (site_root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (site_root / "outside").symlink_to(tmp_path)
    (site_root / "inside.html").symlink_to(site_root / "index.html")
    assert resolve_request(site_root, "/leak.txt") is None
    assert resolve_request(site_root, "/outside/secret.txt") is None
    assert resolve_request(site_root, "/inside.html") == site_root.resolve() / "index.html"


def test_the_script_tag_goes_before_the_end_of_head() -> None:
    page = b"<html><head><title>t</title></head><body></body></html>"
    assert inject_script(page) == page.replace(b"</head>", SCRIPT_TAG + b"</head>")
    assert inject_script(b"<p>bare</p>") == b"<p>bare</p>" + SCRIPT_TAG


# -- the running server ----------------------------------------------------

class Served:
    def __init__(self, server: DevServer, content: Path) -> None:
        self.server = server
        self.content = content
        self.host, self.port = server.httpd.server_address[:2]

    def get(self, target: str) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(str(self.host), int(self.port), timeout=10)
        try:
            connection.putrequest("GET", target, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def events(self) -> EventStream:
        return EventStream(str(self.host), int(self.port))

    def output(self, path: str) -> Path:
        return self.server.options.out_dir / path


class EventStream:
    """A browser tab's /__duet/events connection."""

    def __init__(self, host: str, port: int) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=WAIT_SECONDS)
        self.connection.request("GET", "/__duet/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_event(self) -> tuple[str, str]:
        name, data = "", ""
        while True:
            line = self.response.fp.readline().decode("utf-8")
            if not line:
                raise AssertionError("the event stream closed")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line.startswith("data: "):
                data = line[len("data: "):]
            elif line == "" and name:
                return name, data

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def served(mini_content: Path, tmp_path: Path) -> Iterator[Served]:
    options = BuildOptions.for_project(ROOT, content_dir=mini_content,
                                       cache_dir=tmp_path / "cache")
    server = DevServer(options, port=0, log=lambda line: None)
    server.start()
    try:
        yield Served(server, mini_content)
    finally:
        server.stop()


def test_it_listens_on_this_computer_only_and_builds_for_its_own_address(
        served: Served) -> None:
    assert served.host == "127.0.0.1"
    assert served.server.url == f"http://127.0.0.1:{served.port}/"
    home = served.output("en/index.html").read_text(encoding="utf-8")
    assert f'href="http://127.0.0.1:{served.port}/en/"' in home
    assert served.server.options.out_dir.parent == served.server.options.cache_dir


def test_pages_get_the_reload_script_but_the_built_files_do_not(served: Served) -> None:
    status, headers, body = served.get("/en/about/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    scripts = [e.attrs.get("src") for e in parse_html(body).elements
               if e.tag == "script"]
    assert "/__duet/livereload.js" in scripts
    for file in served.server.options.out_dir.rglob("*"):
        if file.is_file() and file.suffix in (".html", ".js", ".xml"):
            assert b"livereload" not in file.read_bytes(), file
    status, headers, script = served.get("/__duet/livereload.js")
    assert status == 200 and headers["Content-Type"] == "text/javascript"
    assert b"EventSource" in script
    status, _, css = served.get("/static/site.css")
    assert status == 200 and SCRIPT_TAG not in css


@pytest.mark.parametrize("target", ["/../secret", "/%2e%2e/%2e%2e/etc/passwd",
                                    "/en/%2E%2E/%2E%2E/%2E%2E/etc/passwd", "/..%2f..%2fetc"])
def test_climbing_out_of_the_site_is_forbidden(served: Served, target: str) -> None:
    status, _, body = served.get(target)
    assert status == 403
    assert b"root:" not in body


def test_a_symlink_out_of_the_output_folder_is_forbidden(served: Served,
                                                          tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path, served.output("outside"))
    status, _, body = served.get("/outside/secret.txt")
    assert status == 403 and b"secret" not in body


@pytest.mark.parametrize(("target", "lang"), [("/en/no-such-page/", "en"),
                                              ("/zh/no/such/page", "zh-CN"),
                                              ("/nowhere", "zh-CN")])
def test_missing_pages_get_the_404_page_of_their_language(served: Served, target: str,
                                                           lang: str) -> None:
    status, _, body = served.get(target)
    assert status == 404
    html = next(e for e in parse_html(body).elements if e.tag == "html")
    assert html.attrs["lang"] == lang


def test_a_folder_without_its_slash_is_redirected(served: Served) -> None:
    status, headers, _ = served.get("/en/about")
    assert status == 301 and headers["Location"] == "/en/about/"


def wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_save_rebuilds_and_reloads_the_open_tabs(served: Served) -> None:
    tab = served.events()
    try:
        with (served.content / "about.en.md").open("a", encoding="utf-8") as handle:
            handle.write("\nA sentence written just now.\n")
        assert tab.next_event()[0] == "reload"
        page = served.output("en/about/index.html").read_text(encoding="utf-8")
        assert "A sentence written just now." in page
        zh = served.output("zh/about/index.html").read_text(encoding="utf-8")
        assert "A sentence written just now." not in zh
    finally:
        tab.close()


def test_a_broken_save_keeps_the_last_good_site_and_recovers(served: Served) -> None:
    page = served.output("en/about/index.html")
    good = page.read_bytes()
    tab = served.events()
    source = served.content / "about.en.md"
    original = source.read_text(encoding="utf-8")
    try:
        source.write_text(original + "\nSee [this](@/no-such-page).\n", encoding="utf-8")
        name, data = tab.next_event()
        assert name == "problems"
        assert "about.en.md:" in data and "no-such-page" in data
        assert page.read_bytes() == good
        status, _, body = served.get("/en/about/")
        assert status == 200 and b"no-such-page" not in body
        late_tab = served.events()
        assert late_tab.next_event()[0] == "problems"
        late_tab.close()
        source.write_text(original + "\nFixed now.\n", encoding="utf-8")
        assert tab.next_event()[0] == "reload"
        assert "Fixed now." in page.read_text(encoding="utf-8")
        assert served.server.events.problems == []
    finally:
        tab.close()


def test_a_burst_of_saves_gives_one_rebuild(served: Served) -> None:
    rebuilder = served.server.rebuilder
    before = rebuilder.builds
    for name in ("about.en.md", "about.zh.md", "index.en.md"):
        with (served.content / name).open("a", encoding="utf-8") as handle:
            handle.write("\nBurst.\n")
    wait_for(lambda: rebuilder.builds > before, "a rebuild")
    time.sleep(1.0)
    assert rebuilder.builds == before + 1
    assert "Burst." in served.output("en/index.html").read_text(encoding="utf-8")


def test_the_command_line_documents_serve() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "serve" in result.stdout and "--port" in result.stdout
    assert "--host" in result.stdout and "127.0.0.1" in result.stdout


# -- translations: new warnings, the dashboard ------------------------------

@pytest.fixture
def logged(mini_content: Path, tmp_path: Path) -> Iterator[tuple[Served, list[str]]]:
    """A dev server on a site with a translation record, its terminal lines kept."""
    lines: list[str] = []
    with recorded_dev_server(mini_content, tmp_path / "cache", log=lines.append) as server:
        yield Served(server, mini_content), lines


def test_a_save_that_adds_warnings_prints_and_shows_them(
        logged: tuple[Served, list[str]]) -> None:
    served, lines = logged
    tab = served.events()
    try:
        source = served.content / "about.zh.md"
        source.write_text(source.read_text(encoding="utf-8").replace(
            "来源说明。", "来源的详细说明。"), encoding="utf-8")
        assert tab.next_event()[0] == "reload"
        new = [line for line in lines if "may be behind 'zh'" in line]
        assert len(new) == 1 and new[0].startswith(
            f"{Diagnostics.display(served.content / 'about.en.md')}:4:1: warning:")
        reloaded = served.events()
        name, data = reloaded.next_event()
        reloaded.close()
        assert name == "warnings" and "may be behind 'zh'" in data
        source.write_text(source.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        assert tab.next_event()[0] == "reload"
        assert len([line for line in lines if "may be behind 'zh'" in line]) == 1
        assert served.server.events.warnings == []
    finally:
        tab.close()
    status, _, script = served.get("/__duet/livereload.js")
    assert status == 200 and b'addEventListener("warnings"' in script


def test_the_translation_dashboard_is_served_and_never_published(
        logged: tuple[Served, list[str]]) -> None:
    served, _ = logged
    source = served.content / "about.zh.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "来源说明。", "来源的详细说明。"), encoding="utf-8")
    wait_for(lambda: b"#source" in served.get("/__duet/translations")[2], "the dashboard")
    status, headers, body = served.get("/__duet/translations")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode("utf-8")
    assert "<ins>" in page and "的详细" in page
    assert "duet translations --accept" in page and "optics-valley" not in page
    assert "optics-valley" in served.get("/__duet/translations?all")[2].decode("utf-8")
    published = [path for path in served.server.options.out_dir.rglob("*")
                 if "translations" in path.name or "__duet" in path.parts]
    assert published == []


def test_the_start_line_names_every_watched_folder(served: Served) -> None:
    line = start_line(served.server)
    for folder in served.server.options.source_folders():
        assert f"{Diagnostics.display(folder)}/" in line
    assert "explainer/" in line and "/__duet/translations" in line


@pytest.fixture
def unwatched(mini_content: Path, tmp_path: Path) -> Iterator[Served]:
    """A dev server on a site with a translation record that rebuilds only when told."""
    with recorded_dev_server(mini_content, tmp_path / "cache", log=lambda line: None,
                             watch_changes=False) as server:
        yield Served(server, mini_content)


def files_read(served: Served, target: str, monkeypatch: pytest.MonkeyPatch
               ) -> tuple[bytes, list[str]]:
    """The page served at `target`, and the content files read to make it."""
    read: list[str] = []
    read_bytes, read_text = Path.read_bytes, Path.read_text

    def noting_bytes(path: Path) -> bytes:
        read.append(path.name)
        return read_bytes(path)

    def noting_text(path: Path, *args: object, **kwargs: object) -> str:
        read.append(path.name)
        return read_text(path, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(Path, "read_bytes", noting_bytes)
        patched.setattr(Path, "read_text", noting_text)
        body = served.get(target)[2]
    content = {path.name for path in served.content.rglob("*")}
    return body, [name for name in read if name in content]


def test_the_dashboard_shows_the_last_builds_state_without_loading_the_content(
        unwatched: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """A request reads only the accepted texts (for the diffs); a save shows once it is
    built, and a failed build is named above the last good build's state."""
    served = unwatched
    source = served.content / "about.zh.md"
    body, read = files_read(served, "/__duet/translations", monkeypatch)
    assert b"nothing needs work" in body or b"#source" not in body
    assert read == ["translations.texts.yaml"]
    edit = source.read_text(encoding="utf-8").replace("来源说明。", "来源的详细说明。")
    source.write_text(edit, encoding="utf-8")
    body, read = files_read(served, "/__duet/translations", monkeypatch)
    assert b"#source" not in body and read == ["translations.texts.yaml"]
    assert served.server.rebuilder.rebuild(changed={str(source)}) is not None
    page = served.get("/__duet/translations")[2].decode("utf-8")
    assert "#source" in page and "的详细" in page
    figures = (served.content / "data" / "figures.yaml").read_text(encoding="utf-8")
    (served.content / "data" / "figures.yaml").write_text("- {id: [\n", encoding="utf-8")
    assert served.server.rebuilder.rebuild() is None
    page = served.get("/__duet/translations")[2].decode("utf-8")
    assert "the last build failed (its problems follow)" in page
    assert "figures.yaml:" in page and "#source" in page and "的详细" in page
    (served.content / "data" / "figures.yaml").write_text(figures, encoding="utf-8")
    assert run_cli("translations", "--content", str(served.content), "--accept",
                   f"{served.content / 'about.en.md'}#source").returncode == 0
    assert b"#source" in served.get("/__duet/translations")[2]
    served.server.rebuilder.index_search()  # the search index's build takes the change
    assert served.server.rebuilder.rebuild() is not None  # which leaves it nothing to do
    page = served.get("/__duet/translations")[2].decode("utf-8")
    assert "#source" not in page and "last build failed" not in page
