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
BETWEEN_LEVELS = (
    "this list item is indented {indent} spaces, between the levels of the list above it "
    "({outer} and {inner} spaces), so it does not sit where it looks when published: indent it "
    "{inner} spaces to stay in the nested list, or {outer} to go back to the outer one"
)


def warnings(lines, first_line):
    """(line, message) for each list item nested too shallowly to nest.

    An item is judged against every open level of the list, not only the last item: after
    items at 0 and 4 spaces, one at 2 nests under neither where a reader expects it.
    """
    found = []
    in_fence = False
    levels = []  # the indents of the list items the next lines may belong to, outermost first
    for offset, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            levels = []
            continue
        if in_fence:
            continue
        item = _LIST_ITEM.match(line)
        if item:
            indent = len(item.group(1))
            outer = [level for level in levels if level <= indent]
            if outer and indent == outer[-1]:
                levels = outer  # a sibling: the deeper levels end
            elif not outer or indent >= outer[-1] + NESTING_INDENT:
                levels = [*outer, indent]  # nested (or a new list)
            elif len(outer) < len(levels):
                inner = levels[len(outer)]
                message = BETWEEN_LEVELS.format(indent=indent, outer=outer[-1], inner=inner)
                found.append((first_line + offset, message))
            else:
                message = SHALLOW_NESTING.format(indent=indent - outer[-1])
                found.append((first_line + offset, message))
        elif line.strip() and not line.startswith(" "):
            levels = []  # a paragraph or heading at the margin ends the list
    return found
