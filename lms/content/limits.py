"""How big and how deep a course file may be, so that checking and publishing it stay quick.

Markdown's reader works through nested lists and quotes by recursion and looks for the end of
each HTML tag through the rest of the file, so a file can be made that hangs or crashes
publishing. These limits sit far above what people write (courses/README.md lists them); every
file is measured against them before it is read further, and a file over a limit is reported and
not read on.
"""

from __future__ import annotations

import re

from .links import without_code_spans

MAX_FILE_BYTES = 100_000  # about 15,000 words; the longest bundled module is 18 KB
# Markdown rebuilds a paragraph's text for each link, code span or escape it finds in it.
MAX_BLOCK_CHARS = 30_000  # lines with no blank line between them: about 4,500 words
MAX_LINES = 5_000  # Markdown spends time on each block and list item, and each needs a line
MAX_LINE_CHARS = 20_000  # a long paragraph on one line is normal; 20,000 is about 3,000 words
MAX_NESTING = 10  # lists inside lists, quotes inside quotes, in any mix
MAX_FRONT_MATTER_CHARS = 10_000
MAX_FRONT_MATTER_NESTING = 10  # '[' and '{' inside each other in the front matter
# A '<' that opens an HTML tag never closed on its line makes Markdown's HTML reader search the
# rest of the file for a '>': a few are harmless, thousands take minutes.
MAX_UNCLOSED_TAGS = 10

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# One container a line opens: a quote marker, a list marker, or four columns of indentation.
_CONTAINER = re.compile(r" {0,3}(?:>[ \t]?|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$))|    |\t")
_TAG_START = re.compile(r"</?[A-Za-z]")


def file_problems(data):
    """[(line or None, message)] for a file's raw bytes that are over the size limit."""
    if len(data) > MAX_FILE_BYTES:
        return [
            (
                None,
                f"this file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}: "
                "split it into two modules",
            )
        ]
    return []


def text_problems(text):
    """[(line, message)] for the decoded text of a file: characters, line lengths, nesting."""
    problems = []
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        problems.append((MAX_LINES + 1, f"this file has {len(lines):,} lines; the limit is "
                         f"{MAX_LINES:,}: split it into two modules"))  # fmt: skip
    front_matter_end = _front_matter_end(lines)
    unclosed = 0
    in_fence = too_deep = False
    block_start, block_chars = None, 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            block_start = block_start or number
            block_chars += len(line) + 1
            if block_chars > MAX_BLOCK_CHARS >= block_chars - len(line) - 1:
                problems.append((block_start, "the paragraph starting here is longer than "
                                 f"{MAX_BLOCK_CHARS:,} characters (lines with no blank line "
                                 "between them, so a list or a table counts as one): add blank "
                                 "lines to split it"))  # fmt: skip
        else:
            block_start, block_chars = None, 0
        control = _CONTROL.search(line)
        if control:
            code = f"U+{ord(control.group()):04X}"
            problems.append((number, f"this line holds an invisible control character ({code}): "
                             "delete it (copying from another program can add one)"))  # fmt: skip
        if len(line) > MAX_LINE_CHARS:
            problems.append((number, f"this line is {len(line):,} characters long; the limit is "
                             f"{MAX_LINE_CHARS:,}: break it into paragraphs"))  # fmt: skip
            continue
        if number <= front_matter_end:
            continue  # YAML, measured by front_matter_problems
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        depth = nesting(line)
        if depth > MAX_NESTING and not too_deep:
            too_deep = True  # once a file: the lines below a deep one are usually deeper still
            problems.append((number, f"this line is nested {depth} levels deep (lists or quotes "
                             f"inside each other, or 4 spaces of indent a level); the limit is "
                             f"{MAX_NESTING}: indent less"))  # fmt: skip
        for _ in range(unclosed_tags(line)):
            unclosed += 1
            if unclosed == MAX_UNCLOSED_TAGS + 1:
                problems.append((number, f"more than {MAX_UNCLOSED_TAGS} '<' in this file start "
                                 "an HTML tag that is not closed with '>' on its line, which "
                                 "makes publishing slow: write '&lt;' (or '< ' with a space) "
                                 "for a less-than sign, or close the tag"))  # fmt: skip
    return problems


def front_matter_problems(yaml_text, first_line):
    """[(line, message)] for front matter too long or too deeply nested to read quickly."""
    if len(yaml_text) > MAX_FRONT_MATTER_CHARS:
        return [(first_line, f"the front matter is {len(yaml_text):,} characters long; the limit "
                 f"is {MAX_FRONT_MATTER_CHARS:,}: move long text into the body")]  # fmt: skip
    depth = 0
    for offset, line in enumerate(yaml_text.split("\n")):
        if nesting(line) > MAX_FRONT_MATTER_NESTING:
            return [(first_line + offset, "the front matter is indented or nested too deeply: "
                     f"at most {MAX_FRONT_MATTER_NESTING} levels")]  # fmt: skip
        for character in line:
            if character in "[{":
                depth += 1
                if depth > MAX_FRONT_MATTER_NESTING:
                    return [(first_line + offset, f"more than {MAX_FRONT_MATTER_NESTING} '[' or "
                             "'{' inside each other: put text that starts with '[' or '{' "
                             "in quotes")]  # fmt: skip
            elif character in "]}":
                depth = max(depth - 1, 0)
    return []


def _front_matter_end(lines):
    """The line number of the '---' closing the front matter (0 when there is none)."""
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return index + 1
    return 0


def nesting(line):
    """How many containers (quotes, list items, 4-column indents) a line opens, counted at once."""
    depth = 0
    position = 0
    while True:
        match = _CONTAINER.match(line, position)
        if not match or match.end() == position:
            return depth
        depth += 1
        position = match.end()


def unclosed_tags(line):
    """How many '<' on a line (outside code spans) start a tag with no '>' before the next '<'."""
    count = 0
    for match in _TAG_START.finditer(without_code_spans(line)):
        text = match.string
        close = text.find(">", match.end())
        reopen = text.find("<", match.end())
        if close < 0 or 0 <= reopen < close:
            count += 1
    return count
