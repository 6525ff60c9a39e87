from __future__ import annotations

from socmap.engines.render.narrative import narrative_html


def test_markdown_becomes_headings_lists_and_emphasis() -> None:
    html = narrative_html("## Findings\n\n- one *two*\n")
    assert "<h2>Findings</h2>" in html and "<em>two</em>" in html


def test_script_and_raw_html_are_kept_as_text_never_run() -> None:
    html = narrative_html('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_javascript_link_is_not_made() -> None:
    html = narrative_html("[click](javascript:alert(1)) and [ok](https://example.org)")
    assert 'href="javascript' not in html and 'href="https://example.org"' in html
