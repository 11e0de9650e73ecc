"""Markdown that the renderer reads differently from the viewers authors preview it in (GitHub,
VS Code, Obsidian), found by line so the checker can warn before a page comes out wrong."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_LIST_ITEM = re.compile(r"^( *)(?:[-*+]|\d{1,9}[.)])(?: |$)")
NESTING_INDENT = 4  # Python-Markdown nests a list item only when indented this much more

SHALLOW_NESTING = (
    "this list item is indented {indent} spaces under the item above, which does not nest it "
    "when published (it shows as part of the list above, or as text): indent a nested item by "
    f"{NESTING_INDENT} spaces more than its parent"
)


def warnings(lines, first_line):
    """(line, message) for each list item nested too shallowly to nest."""
    found = []
    in_fence = False
    parent = None  # the indent of the list item the next lines may belong to
    for offset, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            parent = None
            continue
        if in_fence:
            continue
        item = _LIST_ITEM.match(line)
        if item:
            indent = len(item.group(1))
            if parent is not None and parent < indent < parent + NESTING_INDENT:
                found.append((first_line + offset, SHALLOW_NESTING.format(indent=indent - parent)))
            elif parent is None or indent <= parent or indent >= parent + NESTING_INDENT:
                parent = indent
        elif line.strip() and not line.startswith(" "):
            parent = None  # a paragraph or heading at the margin ends the list
    return found
