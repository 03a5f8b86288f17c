from duet.model.markdown import GlossaryIndex, LinkContext, compile_inline, compile_markdown, is_cjk

ZH = LinkContext("/", "zh")
EN = LinkContext("/base/", "en")
GLOSSARY = GlossaryIndex((("zh", "尖刀", "sharp-knife"), ("en", "Sharp Knife", "sharp-knife")))


def test_explicit_heading_ids_and_fallback_ids() -> None:
    result = compile_markdown("## 背景 {#context}\n\n## 其他\n", ZH)
    assert [h.id for h in result.headings] == ["context", "section-2"]
    assert '<h2 id="context">背景</h2>' in result.html
    assert "%" not in result.html


def test_non_ascii_heading_id_is_a_problem() -> None:
    result = compile_markdown("## 背景 {#背景}\n", ZH)
    assert result.problems and "not valid" in result.problems[0][2]


def test_duplicate_heading_id_is_a_problem() -> None:
    result = compile_markdown("## A {#a}\n\n## B {#a}\n", ZH)
    assert result.problems and "used twice" in result.problems[0][2]


def test_line_break_between_chinese_characters_is_not_a_space() -> None:
    assert "<p>湖北科技创新</p>" in compile_markdown("湖北科技\n创新\n", ZH).html
    assert "Hubei\ninnovation" in compile_markdown("Hubei\ninnovation\n", EN).html


def test_page_links_resolve_per_language_and_are_recorded() -> None:
    result = compile_markdown("intro\n\nsee [x](@/highlands/talent#measures)\n", EN,
                              line_offset=4)
    assert 'href="/base/en/highlands/talent/#measures"' in result.html
    [link] = result.links
    assert (link.kind, link.key, link.anchor, link.line) == ("page", "highlands/talent",
                                                            "measures", 7)


def test_home_link() -> None:
    assert 'href="/zh/"' in compile_markdown("[首页](@/)", ZH).html


def test_term_links_point_into_the_glossary() -> None:
    result = compile_markdown("[尖刀工程](term:sharp-knife)", ZH)
    assert 'href="/zh/glossary/#sharp-knife"' in result.html
    assert result.terms == ["sharp-knife"]


def test_first_plain_use_of_a_term_is_linked_once() -> None:
    result = compile_markdown("尖刀工程和尖刀项目。\n\n再说尖刀。", ZH, GLOSSARY)
    assert result.html.count('data-term="sharp-knife"') == 1


def test_terms_are_not_linked_inside_words_or_headings() -> None:
    result = compile_markdown("# Sharp Knife\n\nSharp Knifes and Sharp Knife.", EN, GLOSSARY)
    assert '<h1 id="section-1">Sharp Knife</h1>' in result.html
    assert 'Knifes and <a href="/base/en/glossary/#sharp-knife"' in result.html


def test_raw_html_is_escaped() -> None:
    html = compile_markdown("<script>alert(1)</script>\n\nx <b>y</b>", EN).html
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html


def test_dangerous_and_unknown_link_targets_are_problems() -> None:
    for target in ("javascript:alert(1)", "JavaScript:x", "vbscript:x", "data:text/html,x"):
        result = compile_markdown(f"[x]({target})", EN)
        assert result.problems and "not allowed" in result.problems[0][2], target
        assert target not in result.html
    assert "not understood" in compile_markdown("[x](../other/)", EN).problems[0][2]


def test_external_links_pass_and_external_images_do_not() -> None:
    assert 'href="https://example.org/"' in compile_markdown("[x](https://example.org/)", EN).html
    assert compile_markdown("![x](https://example.org/a.png)", EN).problems


def test_inline_compile_for_data_fields() -> None:
    result = compile_inline("**bold** [x](@/context)", ZH, line=12)
    assert result.html == '<strong>bold</strong> <a href="/zh/context/">x</a>'
    assert result.links[0].line == 12


def test_is_cjk() -> None:
    assert is_cjk("湖") and is_cjk("，") and not is_cjk("a") and not is_cjk("")
