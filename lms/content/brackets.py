"""Python-Markdown's link, image and code-span patterns, with matching that takes linear time.

Python-Markdown tries every '[' as the start of a link and scans forward for its ']' (and then for
the ')' closing its destination). When there is none, each scan runs to the end of the paragraph,
so a paragraph of 20,000 '[' took a minute to render. Here the matching brackets of a paragraph
are found once, with a stack, and every later try is a look-up. Code spans ('`') had the same
problem and get the same cure. The results are the same as Python-Markdown's own scans
(tests/unit/test_render_limits.py compares them).
"""

from __future__ import annotations

import bisect
import re

from markdown import inlinepatterns as ip
from markdown.extensions import Extension

_TICKS = re.compile("`+")
_QUOTES = frozenset("'\"")
# The longest destination and title of one link, when the link has a title (see getLink).
LINK_WINDOW = 1000


class _Brackets:
    """Where each opening bracket of one text closes, found in one pass.

    Python-Markdown replaces a link by a short placeholder and goes on scanning what follows, so
    the text it asks about next ends with the same characters as the text before. The table is
    kept for the last text seen and reused while the part being asked about is unchanged.
    """

    def __init__(self, opening, closing):
        self.opening, self.closing = opening, closing
        self.text = ""
        self.seen = None  # the last text asked about: from seen_from on, it ends as self.text does
        self.seen_from = 0
        self.close = []  # close[i]: where the bracket opened at i closes, or -1
        self.quote_after = []  # quote_after[i]: the first quote at i or later, or len(text)

    def _index(self, data, index):
        """(position in the table's text matching `index` in `data`, shift between the two)."""
        if data is not self.seen or index < self.seen_from:
            # A new text: reuse the table when it ends as the table's text does (cheap next to
            # the copy Python-Markdown made to get it), else build one.
            tail = len(data) - index
            if tail > len(self.text) or not self.text.endswith(data[index:]):
                self._build(data)
            self.seen, self.seen_from = data, index
        offset = len(self.text) - len(data)
        return index + offset, offset

    def _build(self, text):
        self.text = text
        close = [-1] * len(text)
        stack = []
        for position, character in enumerate(text):
            if character == self.opening:
                stack.append(position)
            elif character == self.closing and stack:
                close[stack.pop()] = position
        quote_after = [len(text)] * (len(text) + 1)
        for position in range(len(text) - 1, -1, -1):
            quote_after[position] = (
                position if text[position] in _QUOTES else quote_after[position + 1]
            )
        self.close, self.quote_after = close, quote_after

    def closing_after(self, data, index):
        """Where the bracket at data[index - 1] closes, in data's positions, or -1."""
        at, offset = self._index(data, index - 1)
        found = self.close[at]
        return found - offset if found >= 0 else -1

    def quote_from(self, data, index):
        """The position of the first quote at or after `index` in data (len(data) if none)."""
        at, offset = self._index(data, index)
        return self.quote_after[at] - offset


class _LinearLinks:
    """getText and getLink that answer from bracket tables instead of scanning to the end."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.square = _Brackets("[", "]")
        self.round = _Brackets("(", ")")

    def getText(self, data, index):  # noqa: N802 (Python-Markdown's name)
        """The text inside '[...]' opened at data[index - 1], as Python-Markdown reads it."""
        end = self.square.closing_after(data, index)
        if end < 0:
            return "", index, False
        return data[index:end], end + 1, True

    def getLink(self, data, index):  # noqa: N802 (Python-Markdown's name)
        """Python-Markdown's own scan, unless the bracket tables say how it ends.

        Without a quote, its scan is plain bracket counting: it stops at the ')' matching the '('
        or, when there is none, fails at the end of the paragraph. A quote starts a title, which
        changes the counting; then the scan runs on at most LINK_WINDOW characters, so a link's
        destination and title together may be that long (a longer one stays text).
        """
        opening = self.RE_LINK.match(data, pos=index)
        if opening and not opening.group(1):
            start = opening.end()
            closing = self.round.closing_after(data, index + 1)
            quote = self.round.quote_from(data, start)
            if closing < 0 and quote >= len(data):
                return "", None, index, False
            if (closing < 0 or quote < closing) and len(data) > index + LINK_WINDOW:
                return super().getLink(data[: index + LINK_WINDOW], index)
        return super().getLink(data, index)


class _TickRuns:
    """The runs of backticks in one text, to pair a code span's opening run with its closing one."""

    def __init__(self):
        self.text = ""
        self.seen, self.seen_from = None, 0
        self.starts, self.ends = [], []
        self.by_length = {}  # run length -> indexes of the runs of that length, in order
        self.longest_from = []  # longest_from[r]: the first longest run among runs r and after

    def _build(self, text):
        self.text = text
        runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
        self.starts = [start for start, _ in runs]
        self.ends = [end for _, end in runs]
        self.by_length = {}
        for index, (start, end) in enumerate(runs):
            self.by_length.setdefault(end - start, []).append(index)
        longest = [0] * (len(runs) + 1)
        longest[len(runs)] = -1
        for index in range(len(runs) - 1, -1, -1):
            after = longest[index + 1]
            length = runs[index][1] - runs[index][0]
            best = after >= 0 and runs[after][1] - runs[after][0] > length
            longest[index] = after if best else index
        self.longest_from = longest

    def find(self, data, begin):
        """What BacktickInlineProcessor.find_code_spans(begin, data) returns, without its scan."""
        if data is not self.seen or begin < self.seen_from:
            tail = len(data) - begin
            if tail > len(self.text) or not self.text.endswith(data[begin:]):
                self._build(data)
            self.seen, self.seen_from = data, begin
        offset = len(self.text) - len(data)
        at = begin + offset
        run = bisect.bisect_right(self.starts, at) - 1
        ticks = self.ends[run] - at
        after = self.by_length.get(ticks, [])
        same = bisect.bisect_right(after, run)
        if same < len(after):
            return begin + ticks, self.starts[after[same]] - offset
        best = self.longest_from[run + 1] if run + 1 < len(self.starts) else -1
        longest = self.ends[best] - self.starts[best] if best >= 0 else 0
        if 0 < longest < ticks:
            return begin + longest, self.starts[best] - offset
        return begin + 2 * ticks, None  # sic: Python-Markdown skips the run's length twice


class _LinearBackticks(ip.BacktickInlineProcessor):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.runs = _TickRuns()

    def find_code_spans(self, start, text):
        return self.runs.find(text, start)


def _linear(base):
    return type(f"Linear{base.__name__}", (_LinearLinks, base), {})


# (name in Python-Markdown's registry, class, pattern, priority), as build_inlinepatterns has them
_REPLACED = (
    ("reference", ip.ReferenceInlineProcessor, ip.REFERENCE_RE, 170),
    ("link", ip.LinkInlineProcessor, ip.LINK_RE, 160),
    ("image_link", ip.ImageInlineProcessor, ip.IMAGE_LINK_RE, 150),
    ("image_reference", ip.ImageReferenceInlineProcessor, ip.IMAGE_REFERENCE_RE, 140),
    ("short_reference", ip.ShortReferenceInlineProcessor, ip.REFERENCE_RE, 130),
    ("short_image_ref", ip.ShortImageReferenceInlineProcessor, ip.IMAGE_REFERENCE_RE, 125),
)


class LinearLinkExtension(Extension):
    """Replace the link and image patterns with ones whose bracket matching is linear."""

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.inlinePatterns.deregister("backtick")
        md.inlinePatterns.register(_LinearBackticks(ip.BACKTICK_RE), "backtick", 190)
        for name, base, pattern, priority in _REPLACED:
            md.inlinePatterns.deregister(name)
            md.inlinePatterns.register(_linear(base)(pattern, md), name, priority)
