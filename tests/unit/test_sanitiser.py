"""Every XSS payload from ../shared/testdata through the one renderer: no script may come out.

One test per payload set, renderer and Markdown context, each looping over its payloads and
reporting every failure at once (about 2,800 payloads, so one test id each would be slow and noisy).
"""

import markdown
import pytest

from lms.content import render
from lms.content.render import ALLOWED_TAGS, render_block, render_inline
from tests.xss import (
    DOMPURIFY_SET,
    assert_no_script,
    find_script,
    load_payloads,
    payload_sets,
    require_testdata,
)

# Where a payload can sit in an author's Markdown. "{}" is the payload.
CONTEXTS = {
    "alone": "{}",
    "paragraph": "Listening well takes practice {} and patience.",
    "link": "Read [the guide]({}) first.",
    "image": "![A circle of chairs]({})",
    "table": "| Skill | Example |\n| --- | --- |\n| {} | Reflecting feelings |",
    "blockquote": "> Agreed times {} keep the relationship safe.",
}
RENDERERS = {"block": render_block, "inline": render_inline}

# Rendering is the slow part (Python-Markdown builds a new parser for every call). Many payloads
# appear in more than one set, and render_inline is render_block plus trimming the <p>: so each
# text goes through the real render_block once per run, and render_inline gets that same result
# (render_block is a pure function of the text when no resolver is given).
_block_html = {}
_checked = {}


def _render_block_once(text, resolve=None, anchors=True):
    if resolve is not None:
        return render_block(text, resolve, anchors)
    if (text, anchors) not in _block_html:
        _block_html[text, anchors] = render_block(text, anchors=anchors)
    return _block_html[text, anchors]


@pytest.fixture
def rendered_once(monkeypatch):
    monkeypatch.setattr(render, "render_block", _render_block_once)
    return {"block": _render_block_once, "inline": render.render_inline}


def _problems(renderers, renderer, text):
    key = (renderer, text)
    if key not in _checked:
        html = renderers[renderer](text)
        _checked[key] = (find_script(html), html)
    return _checked[key]


def test_shared_testdata_is_there():
    require_testdata()
    total = sum(len(load_payloads(name)) for name in payload_sets())
    assert len(payload_sets()) >= 14, payload_sets()
    assert total > 2500, f"only {total} payloads were read"


@pytest.mark.parametrize("payload_set", payload_sets())
@pytest.mark.parametrize("context", list(CONTEXTS))
@pytest.mark.parametrize("renderer", list(RENDERERS))
def test_payloads_render_without_script(renderer, context, payload_set, rendered_once):
    payloads = load_payloads(payload_set)
    assert payloads, f"{payload_set} has no payloads"
    failures = []
    for payload in payloads:
        text = CONTEXTS[context].replace("{}", payload)
        problems, html = _problems(rendered_once, renderer, text)
        if problems:
            failures.append(f"payload {payload!r}\n    {'; '.join(problems)}\n    HTML: {html!r}")
    assert not failures, (
        f"{len(failures)} of {len(payloads)} payloads in {payload_set} leaked through "
        f"render_{renderer} ({context}):\n" + "\n".join(failures[:40])
    )


# The checker itself: it must catch what a sanitiser could let slip, and pass clean output.

LEAKS = [
    "<script>alert(1)</script>",
    "<p>x<SCRIPT SRC=//x.example/x.js></SCRIPT></p>",
    '<iframe src="https://x.example"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<img src="x" onerror="alert(1)">',
    "<img src=x OnError=alert(1)>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;vascript&colon;alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="jav ascript:alert(1)">x</a>',
    '<a href="java&#1;script:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<style>p{}</style>",
    '<link rel="stylesheet" href="x.css">',
    '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    "<math><mi>x</mi></math>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<base href=//x.example/>",
    "<frameset><frame src=x></frameset>",
    "<applet code=x></applet>",
]
# Not script by themselves, but never in the sanitiser's output: the strict check rejects them.
NOT_ALLOWED = [
    '<a href="ftp://x.example/">x</a>',
    "<div>x</div>",
    "<span>x</span>",
    '<a href="x" id="y">x</a>',
    '<img src="x" class="y">',
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<!DOCTYPE html>",
]

CLEAN = [
    "",
    "plain &lt;script&gt;alert(1)&lt;/script&gt; text",
    '<p>See <a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">this</a></p>',
    '<p><a href="02-listening#top" rel="noopener noreferrer">next</a></p>',
    '<p><a href="mailto:staff@example.org" rel="noopener noreferrer">mail</a></p>',
    '<p><img src="../../media/abc/circle.png" alt="javascript:alert(1)"></p>',
    '<p title="onerror=alert(1)" lang="en">javascript:alert(1) is only text</p>',
    "<table><thead><tr><th scope=col>a</th></tr></thead><tbody><tr><td>b</td></tr></tbody></table>",
    '<ol start="3"><li><code>&lt;img onerror=x&gt;</code></li></ol>',
]


@pytest.mark.parametrize("html", LEAKS + NOT_ALLOWED)
def test_checker_catches(html):
    assert find_script(html), f"the checker missed {html!r}"
    with pytest.raises(AssertionError, match="script reached the HTML for 'the payload'"):
        assert_no_script(html, "the payload")


@pytest.mark.parametrize("html", CLEAN)
def test_checker_passes_clean_html(html):
    assert_no_script(html, "clean")


def test_checker_page_mode_allows_the_page_shell_only():
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="/static/style.css"><title>x</title></head>'
        '<body><nav><a href="/">Courses</a></nav><main><p>x</p></main></body></html>'
    )
    assert_no_script(page, "the page", page=True)
    assert find_script(page)  # not sanitiser output: a strict check rejects the shell
    for leak in ('<link rel="import" href="x">', '<meta http-equiv="Refresh" content="0">'):
        body = page.replace("<p>x</p>", leak)
        assert find_script(body, page=True), leak
    for leak in LEAKS:
        assert find_script(page.replace("<p>x</p>", leak), page=True), leak


def test_checker_finds_what_markdown_alone_lets_through():
    """Without the sanitiser most payloads would reach the page: the checker has teeth."""
    payloads = load_payloads("xss_payloads_quick.txt")
    caught = [p for p in payloads if find_script(markdown.markdown(p))]
    assert len(caught) > len(payloads) * 0.8, len(caught)


def test_allowed_tags_are_all_the_checker_accepts():
    for tag in sorted(ALLOWED_TAGS):
        assert_no_script(f"<{tag}>x</{tag}>", tag)


def test_inline_trims_the_paragraph_block_keeps_it():
    assert render_block("**Listen** first") == "<p><strong>Listen</strong> first</p>"
    assert render_inline("**Listen** first") == "<strong>Listen</strong> first"


def test_dompurify_set_is_read():
    payloads = load_payloads(DOMPURIFY_SET)
    assert len(payloads) > 200
