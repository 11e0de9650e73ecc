"""Links, images and raw HTML inside Markdown: finding them with their lines, and judging them."""

from __future__ import annotations

import html
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

# These run on author-written lines, so each must take time linear in the line: no pattern may
# rescan the rest of the line from every '[' or '`' (brackets are paired with a stack instead).
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_TICKS = re.compile(r"`+")
# After '](': a destination, which may hold balanced parentheses: [x](javascript:alert(1))
# targets 'javascript:alert(1)', not 'javascript:alert(1'.
_DESTINATION = re.compile(r"\(\s*+(<[^<>]*>|(?:[^()\s]|\([^()\s]*\))+)")
_ANGLE_DESTINATION = re.compile(r"\]\(\s*+<[^<>]*>")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*+(<[^>]*>|\S+)")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*+)((?:\s[^<>]*)?)/?>")
_ATTRIBUTE = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_CONTENT_STRIPPED = {"script", "style"}
# Why an image from another site is a problem, for the checker's warning.
REMOTE_IMAGE_WHY = (
    "the site's security policy blocks images from other sites, and loading one would tell that "
    "site who reads this page: save the image in media/ and link it as ![text](media/name.png)"
)


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
        text = without_code_spans(line)
        for is_image, target in _inline_links(text):
            yield ("image" if is_image else "link"), number, target
        reference = _REFERENCE.match(text)
        if reference:
            yield "link", number, reference.group(1).strip("<>")
        for match in _TAG.finditer(_ANGLE_DESTINATION.sub("](", text)):
            yield "html", number, match


def without_code_spans(line):
    """The line with its code spans removed: a run of n backticks closes at the next run of n."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(line)]
    later = {}  # run length -> indexes of the runs of that length, from the last
    for index in range(len(runs) - 1, -1, -1):
        later.setdefault(runs[index][1] - runs[index][0], []).append(index)
    pieces, kept, index = [], 0, 0
    while index < len(runs):
        start, end = runs[index]
        same = later[end - start]
        while same and same[-1] <= index:
            same.pop()
        if not same:
            index += 1
            continue
        closing = same.pop()
        pieces.append(line[kept:start])
        kept = runs[closing][1]
        index = closing + 1
    pieces.append(line[kept:])
    return "".join(pieces)


def _inline_links(text):
    """(is an image, target) for each '[text](target)' in a line, '[' paired with its ']'."""
    closing = {}
    stack = []
    escaped = False
    for position, character in enumerate(text):
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "[":
            stack.append(position)
        elif character == "]" and stack:
            closing[stack.pop()] = position
    for opening in sorted(closing):
        end = closing[opening]
        destination = _DESTINATION.match(text, end + 1)
        if destination:
            is_image = opening > 0 and text[opening - 1] == "!"
            yield is_image, destination.group(1).strip("<>")


def html_warnings(match):
    """Messages for a raw HTML tag that the sanitiser would remove or change."""
    closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
    if tag == "h1":  # render.py makes it an <h2>: the page's title is its one <h1>
        return [] if closing else ["raw HTML <h1> is published as <h2>: write '## ' instead"]
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
        elif tag == "img" and name == "src" and is_remote(value):
            messages.append(f"image '{value}' on <img> is on another site: {REMOTE_IMAGE_WHY}")
        elif name in URL_ATTRIBUTES and value and not is_external(value):
            # Only Markdown links are turned into links to published modules and media.
            markdown = "![text](...)" if tag == "img" else "[text](...)"
            messages.append(
                f"{name} '{value}' on <{tag}> will not work when published: "
                f"link course files in Markdown, {markdown}"
            )
    return messages


def html_fragment(match):
    """The '#anchor' that a raw HTML <a> tag (a match from scan) links to, or None: the
    renderer points it at that heading as it does a Markdown [text](#anchor)."""
    closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
    if closing or tag != "a":
        return None
    for attribute in _ATTRIBUTE.finditer(attributes or ""):
        if attribute.group(1).lower() == "href":  # the first href is the one a browser keeps
            value = html.unescape((attribute.group(2) or "").strip("\"'"))
            return value if value.startswith("#") and len(value) > 1 else None
    return None


def url_allowed(url):
    scheme = url_scheme(url)
    return scheme is None or scheme in URL_SCHEMES


def is_remote(target):
    """True for an address on another site: http(s) or protocol-relative ('//host/x')."""
    return url_scheme(target) in ("http", "https") or target.strip().startswith("//")


def is_external(target):
    return url_scheme(target) is not None or target.startswith(("#", "/", "//"))


def local_path(target):
    """The course-relative file a relative link points at, and its '#fragment' ('' if none)."""
    path, _, fragment = target.partition("#")
    path = path.partition("?")[0]
    return posixpath.normpath(unquote(path)), fragment


def within_course(folder, path):
    """A path written in a file inside `folder` (e.g. "sessions"), as a course-relative path:
    "../media/a.png" -> "media/a.png"; one that leaves the course folder starts with '..'."""
    return posixpath.normpath(posixpath.join(folder, path))
