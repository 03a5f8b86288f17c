"""Whatever an editor types, loading ends in a diagnostic or in success, never in
an unhandled exception (property-based: Hypothesis invents the input)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from conftest import MINI, SITE_HOOK
from htmlparse import parse_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duet.diagnostics import Diagnostics
from duet.load.config import Config, load_config
from duet.load.content import Content, load_collection, load_content, load_page
from duet.load.schemas import engine_collections
from duet.load.yamlsource import parse_yaml
from duet.model.markdown import LinkContext, compile_inline, compile_markdown
from duet.model.site import build_site_model
from explainer.schemas import COLLECTIONS as SITE_COLLECTIONS
from explainer.schemas import GLOSSARY_FIELDS

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Text that looks like YAML: its punctuation, indentation, tabs and line ends are likely.
YAML_ALPHABET = st.sampled_from(list("-:{}[],&*!|>'\"#%@`?\t\n\r ") + list("abzé光1.0"))
yamlish_text = st.one_of(
    st.text(),
    st.text(alphabet=YAML_ALPHABET, max_size=200),
)

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=30), st.dates(),
                    st.sampled_from(["zh", "en", "id", "@/", "@/topics#overview",
                                     "term:optics-valley", "[x](javascript:alert(1))",
                                     "2025-02-30", "page.html", "glossary/optics-valley"]))
keys = st.one_of(st.sampled_from(["id", "title", "zh", "en", "value", "style", "label", "text",
                                  "link", "template", "data", "weight", "updated", "terms",
                                  "measures", "items", "match", "explanation", "pinyin",
                                  "source_defines", "number", "name", "year", "events"]),
                 st.text(max_size=10))
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(keys, children, max_size=6)),
    max_leaves=25,
)


def config() -> Config:
    diagnostics = Diagnostics()
    loaded = load_config(MINI / "site.yaml", diagnostics, None)
    assert loaded is not None, diagnostics.items
    return loaded


CONFIG = config()
COLLECTIONS = {**engine_collections(CONFIG.codes, GLOSSARY_FIELDS), **SITE_COLLECTIONS}


def dumped(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


def assert_reported(diagnostics: Diagnostics) -> None:
    """Every diagnostic names a place and says something."""
    for diagnostic in diagnostics.items:
        assert diagnostic.path and diagnostic.message.strip()
        assert diagnostic.line >= 0 and diagnostic.col >= 0
        assert "Traceback" not in diagnostic.message


@SETTINGS
@given(yamlish_text)
def test_any_text_parses_or_is_reported(text: str) -> None:
    diagnostics = Diagnostics()
    node = parse_yaml(text, Path("data.yaml"), diagnostics)
    if node is None and not diagnostics.errors:
        assert yaml.safe_load(text) is None  # nothing but blanks and comments
    assert_reported(diagnostics)


def write(path: Path, payload: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(payload, str):
        path.write_text(payload, encoding="utf-8", newline="")
    else:
        path.write_bytes(payload)


@SETTINGS
@given(front=st.one_of(yamlish_text, yaml_values.map(dumped)), body=st.text(max_size=200),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "crlf", "latin-1"]))
def test_any_front_matter_loads_or_is_reported(front: str, body: str, encoding: str) -> None:
    text = f"---\n{front}\n---\n{body}"
    if encoding == "crlf":
        payload: str | bytes = text.replace("\n", "\r\n")
    else:
        payload = text.encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "about.en.md"
        write(path, payload)
        diagnostics = Diagnostics()
        page = load_page(path, Path("about.en.md"), CONFIG, diagnostics)
    assert page is not None or diagnostics.errors
    assert_reported(diagnostics)


@SETTINGS
@given(name=st.sampled_from(sorted(COLLECTIONS)),
       text=st.one_of(yamlish_text, yaml_values.map(dumped),
                      st.lists(yaml_values, max_size=3).map(dumped)))
def test_any_data_file_loads_or_is_reported(name: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data" / f"{name}.yaml"
        write(path, text)
        diagnostics = Diagnostics()
        content = Content(CONFIG, schemas=COLLECTIONS)
        load_collection(path, content, diagnostics)
    assert name in content.data or diagnostics.errors
    assert_reported(diagnostics)


@SETTINGS
@given(st.one_of(yamlish_text, yaml_values.map(dumped)))
def test_any_site_yaml_loads_or_is_reported(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "site.yaml"
        write(path, text)
        diagnostics = Diagnostics()
        loaded = load_config(path, diagnostics, None)
    assert loaded is not None or diagnostics.errors
    assert_reported(diagnostics)


MARKDOWN_PIECES = [*"[]()<>!#*_`@/:\\&;{}|-~ \n\tab光", "term:", "@/", "javascript:", "{#x}",
                   "](", "](#", "<script>", "onerror=", "&#x61;"]
markdownish = st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=120).map("".join)


@SETTINGS
@given(markdownish)
def test_any_markdown_compiles_with_problems_not_exceptions(source: str) -> None:
    links = LinkContext("/", "en")
    for compiled in (compile_markdown(source, links),
                     compile_inline(source.replace("\n", " "), links)):
        for element in parse_html(compiled.html).elements:
            assert element.tag != "script"
            assert not any(name.startswith("on") for name in element.attrs)
            assert not element.attrs.get("href", "").lower().startswith("javascript:")


mutations = st.lists(st.tuples(st.integers(min_value=0, max_value=10_000),
                               st.integers(min_value=0, max_value=5),
                               st.text(alphabet=YAML_ALPHABET, max_size=4)),
                     min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(["site.yaml", "about.en.md", "index.zh.md", "data/figures.yaml",
                               "data/glossary.yaml", "topics/index.en.md"]),
       edits=mutations)
def test_a_mangled_mini_site_loads_and_links_or_is_reported(
        target: str, edits: list[tuple[int, int, str]]) -> None:
    """Random edits to one file of a valid site, then load, compile and check links."""
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        shutil.copytree(MINI, content)
        path = content / target
        text = path.read_text(encoding="utf-8")
        for position, removed, inserted in edits:
            at = position % (len(text) + 1)
            text = text[:at] + inserted + text[at + removed:]
        path.write_text(text, encoding="utf-8")
        diagnostics = Diagnostics()
        loaded = load_content(content, diagnostics, hook=SITE_HOOK)
        if loaded is not None:
            build_site_model(loaded, {}, diagnostics)
    assert_reported(diagnostics)
