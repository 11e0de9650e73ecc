"""Markdown to safe HTML: Python-Markdown renders, then the nh3 sanitiser keeps what is allowed.

This is the one renderer for author-written text. Publishing calls it once per module; pages only
show what it produced.
"""

import re

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# Bump when a change here should give every module a new version on the next sync.
RENDER_VERSION = 1

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
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src"})

_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "smarty"]
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


class _LinkRewriter(Treeprocessor):
    def __init__(self, md, resolve):
        super().__init__(md)
        self.resolve = resolve

    def run(self, root):
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            target = element.get(attribute) if attribute else None
            if target:
                resolved = self.resolve(target)
                if resolved is not None:
                    element.set(attribute, resolved)


class _LinkExtension(Extension):
    def __init__(self, resolve):
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_LinkRewriter(md, self.resolve), "lms_links", 0)


def sanitise(html):
    """Keep only the tags, attributes and URL schemes that are safe on a page."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_block(text, resolve=None):
    """Render Markdown as block HTML. `resolve(target)` may rewrite link and image targets."""
    extensions = list(_EXTENSIONS)
    if resolve is not None:
        extensions.append(_LinkExtension(resolve))
    html = markdown.markdown(text, extensions=extensions, output_format="html")
    return sanitise(html)


def render_inline(text, resolve=None):
    """Render a short piece (a question stem, a choice) without the paragraph around it."""
    html = render_block(text, resolve)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def url_scheme(url):
    """The scheme of a URL as a browser would read it ('javascript'), or None for a relative one."""
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None
