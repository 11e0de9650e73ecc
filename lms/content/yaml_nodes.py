"""Front matter's YAML read into plain values, each with the file line it came from.

PyYAML's node API (compose) keeps every value's line, for messages that point at it. Imported by
frontmatter.split on first use (see frontmatter's docstring).
"""

from __future__ import annotations

import yaml

from .model import INVALID


def read_mapping(yaml_text, problems):
    """The front matter's `key: value` lines as {key: Located}, or None when they cannot be read
    (each reason added to `problems` as (line, message), lines counted from the file's first)."""
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except RecursionError:
        problems.append((2, "the front matter is nested too deeply to read"))
        return None
    except yaml.YAMLError as error:
        line, message = _syntax_error(error)
        problems.append((line + 2 if line is not None else 1, f"invalid YAML: {message}"))
        return None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        problems.append((2, "front matter must be 'key: value' lines"))
        return None
    return _mapping(node, problems)


# A YAML error inside something opened on an earlier line is that opening's fault.
_UNCLOSED = {
    "while scanning a quoted scalar": "the quote that starts here is never closed",
    "while parsing a flow sequence": (
        "the list that starts with '[' here is not closed with ']' "
        "(put text that starts with '[' in quotes)"
    ),
    "while parsing a flow mapping": (
        "the group that starts with '{' here is not closed with '}' "
        "(put text that starts with '{' in quotes)"
    ),
}


def _syntax_error(error):
    """(0-based line in the YAML text or None, message) for a YAML syntax error, with a hint."""
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    if context in _UNCLOSED and context_mark is not None:
        return context_mark.line, _UNCLOSED[context]
    mark = getattr(error, "problem_mark", None) or context_mark
    problem = getattr(error, "problem", None) or str(error)
    if problem.startswith("mapping values are not allowed") and _curly_quoted(mark):
        # An editor's "smart" quotes look like quotes but are text to YAML, so the usual hint
        # (put it in quotes) reads as wrong to an author who did.
        problem += (
            " (the value is in curly quotes, which YAML reads as ordinary text: "
            "use straight quotes, \"...\" or '...')"
        )
    elif problem.startswith("mapping values are not allowed") and ":" not in _line_before(mark):
        # The line's own key is taken as more of the value above it: an indent that does not
        # match its neighbours', not a colon inside a value.
        problem += (
            " (this line is indented more than the key above it, so it reads as part of that "
            "key's value: give the keys of one group the same indent)"
        )
    elif problem.startswith("mapping values are not allowed"):
        problem += " (put a value that contains ': ' in quotes)"
    elif "'\\t'" in problem and _line_before(mark).strip():
        problem += " (YAML does not allow a tab here: put a space instead)"
    elif "'\\t'" in problem:
        problem += " (indent with spaces, not tabs)"
    elif "cannot start any token" in problem:
        problem += " (put a value that starts with it in quotes)"
    return (mark.line if mark else None), problem


def _line_before(mark):
    """The text of the error's line before the error's column ('' when unknown)."""
    buffer = getattr(mark, "buffer", None)
    if mark is None or not isinstance(buffer, str):
        return ""
    start = buffer.rfind("\n", 0, mark.pointer) + 1
    return buffer[start : mark.pointer]


_CURLY_QUOTES = "\u201c\u201d\u2018\u2019"


def _curly_quoted(mark):
    """Does the line the error is on start its value with a curly quote (“...” or ‘...’)?"""
    buffer = getattr(mark, "buffer", None)
    if mark is None or not isinstance(buffer, str):
        return False
    line = buffer.split("\n")[mark.line] if mark.line < buffer.count("\n") + 1 else ""
    _, separator, value = line.partition(":")
    return bool(separator) and value.strip()[:1] in _CURLY_QUOTES


class Located:
    """A front-matter value together with the file line it came from.

    `text` keeps what the author typed for a plain value (a list of those for a list), so a text
    field reads `title: 1984` or `title: yes` as the words written, not as a number or a boolean.
    """

    __slots__ = ("value", "line", "text")

    def __init__(self, value, line, text=None):
        self.value = value
        self.line = line
        self.text = text


def _mapping(node, problems):
    result = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 2  # +1 for 1-based, +1 for the opening '---'
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append((line, "a key must be a plain name such as 'title', not a list"))
            continue
        key = key_node.value
        if key in result:
            problems.append((line, f"key '{key}' appears twice"))
            continue
        if isinstance(value_node, yaml.MappingNode):
            result[key] = Located(_mapping(value_node, problems), line)
            continue
        try:
            value = _construct(value_node)
        except yaml.YAMLError as error:
            problems.append((line, f"invalid YAML: {getattr(error, 'problem', None) or error}"))
            result[key] = Located(INVALID, line)
            continue
        result[key] = Located(value, line, _source_text(value_node))
    return result


def _construct(node):
    """The Python value of a YAML node. A plain value YAML guessed wrongly (`2024-13-45` is not a
    date) falls back to its text; an unknown `!!tag` raises yaml.YAMLError."""
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError):
        if isinstance(node, yaml.ScalarNode):
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [_construct(item) for item in node.value]
        raise


def _source_text(node):
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [item.value if isinstance(item, yaml.ScalarNode) else None for item in node.value]
    return None
