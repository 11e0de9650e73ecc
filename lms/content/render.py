"""Markdown to safe HTML: Python-Markdown renders, then the nh3 sanitiser keeps what is allowed.

This is the one renderer for author-written text. Publishing calls it once per module; pages only
show what it produced. So Python-Markdown (markdown_parser.py) and nh3 are imported by the first
render, not with this module, which every web worker imports: a worker that only serves pages
never loads them (3 MB and 20 ms of its start-up, issue 13).
"""

import html as html_text
import re
import threading

# Bump when a change here should give every module a new version on the next sync (files.digest
# hashes it into every course, module and session, so the next sync republishes them all).
RENDER_VERSION = 6
# 2: URLs with a space or control character in the scheme are dropped
# 3: tables sit in a labelled scroll region that the keyboard can reach
# 4: a table's region is named by its whole header row, and no two in a text share a name;
#    a '#' heading is published as a level-2 heading instead of bare text
# 5: headings have ids ('section-' and the heading's anchor), which '#anchor' links point at
# 6: a raw HTML <a href="#anchor"> points at the heading's id too, as a Markdown link does

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# Allowed on every tag (nh3 keeps these unless told otherwise; saying so keeps the checker honest).
GENERIC_ATTRIBUTES = frozenset({"lang", "title"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src"})

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_TABLE = re.compile(r"<table\b[^>]*>|</table>")
_FIRST_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]*>")
_LEVEL_ONE = re.compile(r"<(/?)h1\b", re.IGNORECASE)
_HEADING = re.compile(r"<h([2-6])\b([^>]*)>(.*?)</h\1>", re.DOTALL)
_NOT_IN_ANCHOR = re.compile(r"[^\w\- ]")
# A heading's id is this and its anchor, so that no author's heading can take an id the page's
# own template uses ('main', 'quiz-heading'); a link's '#anchor' is rewritten to match.
ANCHOR_PREFIX = "section-"
_HEADING_ID = re.compile(rf'<h[2-6] id="{ANCHOR_PREFIX}([^"]*)"')
# An <a> of sanitised HTML whose href is '#' and an anchor: nh3 writes every attribute as
# name="value" with '"' escaped, so a quoted value is skipped whole, whatever it holds.
_FRAGMENT_HREF = re.compile(r'(<a\b(?:[^">]|"[^"]*")*?\shref=")#([^"]+")')
TABLE_REGION = '<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">'

# Building a Markdown parser costs more than most renders, so each thread keeps one and resets
# it between calls (a parser is not safe to share between threads).
_parsers = threading.local()


def _parser():
    md = getattr(_parsers, "md", None)
    if md is None:
        from .markdown_parser import new_parser  # on first use: see the module's docstring

        md = _parsers.md = new_parser()
    return md


def _drop_unsafe_url(tag, attribute, value):
    """Drop a URL whose scheme, read as url_scheme reads it, is not allowed.

    nh3 reads a URL as today's browsers do, so 'jav ascript:x' or 'java&#1;script:x' (a space or a
    control character inside the scheme; Markdown also turns a tab into spaces) passes as a
    relative URL. url_scheme removes every control character and space first, as older browsers
    did and as the checker's warnings assume.
    """
    if attribute in URL_ATTRIBUTES:
        scheme = url_scheme(value)
        if scheme is not None and scheme not in URL_SCHEMES:
            return None
    return value


def sanitise(html):
    """Keep only the tags, attributes and URL schemes that are safe on a page."""
    import nh3  # on first use: see the module's docstring

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={
            "*": set(GENERIC_ATTRIBUTES),
            **{tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        },
        attribute_filter=_drop_unsafe_url,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_block(text, resolve=None, anchors=True):
    """Render Markdown as block HTML. `resolve(target)` may rewrite link and image targets.

    `anchors`: give each heading an id (heading_ids), for a text that is a page of its own (a
    lesson, an overview, a guide); a quiz shows many pieces on one page, which would repeat ids.
    """
    md = _parser()
    md.reset()

    def resolve_outside(target):
        if target.startswith("#"):
            return None  # a heading of this text: fragment_links, after the sanitiser
        return resolve(target) if resolve is not None else None

    md.lms_links.resolve = resolve_outside
    try:
        html = md.convert(text)
    finally:
        md.lms_links.resolve = None
    # The page's title is its one <h1>, which the sanitiser does not allow in a text: an author's
    # '# Heading' becomes a section heading, instead of words run in among the paragraphs.
    html = fragment_links(wrap_tables(sanitise(_LEVEL_ONE.sub(r"<\1h2", html))))
    return heading_ids(html) if anchors else html


def anchor_of(heading):
    """A heading's anchor, as GitHub makes it so that '#anchor' links work in both: its words in
    lowercase, punctuation dropped, each space a hyphen ('Safety plan: step 1' -> 'safety-plan-
    step-1')."""
    return _NOT_IN_ANCHOR.sub("", heading.strip().lower()).replace(" ", "-")


def anchor_href(anchor):
    """The href of a link to a heading's anchor on the page it is on."""
    return f"#{ANCHOR_PREFIX}{anchor}"


def heading_ids(html):
    """Give each heading of sanitised HTML the id ANCHOR_PREFIX + its anchor; a repeated anchor
    is numbered as GitHub numbers it ('steps', 'steps-1', 'steps-2'). This runs after the
    sanitiser, which removes every id an author writes, so ids appear only where the renderer
    put them."""
    taken = set()

    def replace(match):
        anchor = base = anchor_of(_words(match.group(3)))
        if not anchor:
            return match.group()
        count = 0
        while anchor in taken:
            count += 1
            anchor = f"{base}-{count}"
        taken.add(anchor)
        level, attributes, content = match.groups()
        return f'<h{level} id="{ANCHOR_PREFIX}{anchor}"{attributes}>{content}</h{level}>'

    return _HEADING.sub(replace, html)


def fragment_links(html):
    """Point each link of sanitised HTML to '#anchor' at the id heading_ids gives that heading
    ('#section-anchor'). Markdown's [text](#anchor) and an author's raw <a href="#anchor"> alike:
    both reach here as the sanitiser wrote them, so one rule serves both. A link to another
    page's heading ('04-x.md#anchor') is made by the link resolver instead."""
    return _FRAGMENT_HREF.sub(rf"\1#{ANCHOR_PREFIX}\2", html)


def anchors(text):
    """The anchors of a text's headings once published, in page order: what a '#anchor' link
    to it may name."""
    return _HEADING_ID.findall(render_block(text))


def wrap_tables(html):
    """Put each table of sanitised HTML in a scroll region that is focusable and labelled.

    A wide table scrolls sideways on a phone; a keyboard user can only scroll a box that takes
    focus, and a screen reader names the region by the table's header row ("Table: Kind, What it
    means"). Two regions of a page must not share a name, so a table whose header row repeats an
    earlier one's in the same text is numbered ("Table: Kind (2)"). This runs after the sanitiser,
    which removes every <div> and tabindex an author writes, so these attributes appear only where
    the renderer put them.
    """
    named = {}

    def replace(match):
        if match.group().startswith("</"):
            return "</table></div>"
        end = html.find("</table>", match.end())
        row = _FIRST_ROW.search(html, match.end(), end if end >= 0 else len(html))
        cells = _HEADER_CELL.findall(row.group(1)) if row else []
        words = ", ".join(filter(None, (_words(cell) for cell in cells)))
        label = f"Table: {words[:100]}" if words else "Table"
        named[label] = named.get(label, 0) + 1
        if named[label] > 1:
            label = f"{label} ({named[label]})"
        return TABLE_REGION.format(label=html_text.escape(label, quote=True)) + match.group()

    return _TABLE.sub(replace, html)


def _words(cell_html):
    return " ".join(html_text.unescape(_ANY_TAG.sub("", cell_html)).split())


def render_inline(text, resolve=None):
    """Render a short piece (a question stem, a choice) without the paragraph around it."""
    html = render_block(text, resolve, anchors=False)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def plain_text(text):
    """Inline Markdown as the plain text a reader sees: emphasis and code marks dropped, a link
    reduced to its words, entities decoded. (Pages escape it again when they show it.)"""
    import nh3  # on first use: see the module's docstring

    html = nh3.clean(render_inline(text), tags=set())
    return " ".join(html_text.unescape(html).split())


def url_scheme(url):
    """The scheme of a URL as a browser would read it ('javascript'), or None for a relative one."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None
