"""Links, images and raw HTML inside Markdown: finding them with their lines, and judging them."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from .render import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    GENERIC_ATTRIBUTES,
    URL_ATTRIBUTES,
    URL_SCHEMES,
    url_scheme,
)

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+).*?\1")
# A destination may hold balanced parentheses: [x](javascript:alert(1)) targets
# 'javascript:alert(1)', not 'javascript:alert(1'.
_INLINE_LINK = re.compile(r"(!?)\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|(?:[^()\s]|\((?:[^()\s])*\))+)")
_ANGLE_DESTINATION = re.compile(r"\]\(\s*<[^>]*>")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)/?>")
_ATTRIBUTE = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_CONTENT_STRIPPED = {"script", "style"}


def scan(lines, first_line):
    """Yield ('link'|'image'|'html', line number, payload) for each found in Markdown lines."""
    in_fence = False
    for offset, line in enumerate(lines):
        number = first_line + offset
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or line.startswith(("    ", "\t")):
            continue
        text = _CODE_SPAN.sub("", line)
        for match in _INLINE_LINK.finditer(text):
            target = match.group(2).strip("<>")
            yield ("image" if match.group(1) else "link"), number, target
        reference = _REFERENCE.match(text)
        if reference:
            yield "link", number, reference.group(1).strip("<>")
        for match in _TAG.finditer(_ANGLE_DESTINATION.sub("](", text)):
            yield "html", number, match


def html_warnings(match):
    """Messages for a raw HTML tag that the sanitiser would remove or change."""
    closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
    if tag not in ALLOWED_TAGS:
        if closing:
            return []
        extra = " with its content" if tag in _CONTENT_STRIPPED else ""
        return [f"raw HTML <{tag}> will be removed{extra} when published: write Markdown instead"]
    messages = []
    allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | GENERIC_ATTRIBUTES
    for attribute in _ATTRIBUTE.finditer(attributes or ""):
        name = attribute.group(1).lower()
        value = (attribute.group(2) or "").strip("\"'")
        if name not in allowed:
            messages.append(f"attribute '{name}' on <{tag}> will be removed when published")
        elif name in URL_ATTRIBUTES and not url_allowed(value):
            messages.append(f"link '{value}' on <{tag}> will be removed when published")
        elif name in URL_ATTRIBUTES and value and not is_external(value):
            # Only Markdown links are turned into links to published modules and media.
            markdown = "![text](...)" if tag == "img" else "[text](...)"
            messages.append(
                f"{name} '{value}' on <{tag}> will not work when published: "
                f"link course files in Markdown, {markdown}"
            )
    return messages


def url_allowed(url):
    scheme = url_scheme(url)
    return scheme is None or scheme in URL_SCHEMES


def is_external(target):
    return url_scheme(target) is not None or target.startswith(("#", "/", "//"))


def local_path(target):
    """The course-relative file a relative link points at, and its '#fragment' ('' if none)."""
    path, _, fragment = target.partition("#")
    path = path.partition("?")[0]
    return posixpath.normpath(unquote(path)), fragment
