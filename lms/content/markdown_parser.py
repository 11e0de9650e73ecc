"""The Python-Markdown parser that render.py uses: its extensions (tables, fenced code, sane lists,
linear-time links from brackets.py) and the link rewriter. Imported by the first render, so that
only what renders (publishing, previews, `lms courses`) loads Python-Markdown.
"""

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .brackets import LinearLinkExtension

EXTENSIONS = ["tables", "fenced_code", "sane_lists"]


class _LinkRewriter(Treeprocessor):
    """Rewrites link and image targets with the resolver of the current render call."""

    resolve = None

    def run(self, root):
        if self.resolve is None:
            return
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            target = element.get(attribute) if attribute else None
            if target:
                resolved = self.resolve(target)
                if resolved is not None:
                    element.set(attribute, resolved)


class _LinkExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.lms_links = _LinkRewriter(md)
        md.treeprocessors.register(md.lms_links, "lms_links", 0)


def new_parser():
    """A parser with our extensions; `md.lms_links.resolve` sets the link resolver of a call."""
    return markdown.Markdown(
        extensions=[*EXTENSIONS, LinearLinkExtension(), _LinkExtension()], output_format="html"
    )
