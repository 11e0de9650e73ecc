"""YAML front matter: splitting it off a file and checking it against a schema, by line."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import yaml

from . import limits


@dataclass(frozen=True)
class Field:
    kind: str  # "text", "int", "number", "bool", "list", "choice", "mapping"
    required: bool = False
    minimum: int | float | None = None  # "number" takes fractions too (e.g. CE hours)
    maximum: int | float | None = None
    choices: tuple[str, ...] = ()
    children: dict = field(default_factory=dict)
    max_length: int | None = None  # for text: the database column's size
    # for a mapping: the message for a key it does not know, with {key} (e.g. listing the valid
    # names when the keys are names the author chooses from, such as domains)
    unknown: str | None = None


@dataclass
class FrontMatter:
    values: dict
    body: str
    body_line: int  # the file line on which the body starts
    problems: list  # (line, message) pairs


def split(text):
    """Split `---` front matter from the body. Returns FrontMatter; values is None when unusable."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return FrontMatter(
            None, text, 1, [(1, "no front matter: the file must start with a line '---'")]
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        return FrontMatter(
            None, text, 1, [(1, "front matter is not closed: add a line '---' after it")]
        )
    yaml_text = "\n".join(lines[1:index])
    body = "\n".join(lines[index + 1 :])
    fm = FrontMatter(None, body, index + 2, [])
    fm.problems.extend(limits.front_matter_problems(yaml_text, 2))
    if fm.problems:
        return fm
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except RecursionError:
        fm.problems.append((2, "the front matter is nested too deeply to read"))
        return fm
    except yaml.YAMLError as error:
        line, message = _syntax_error(error)
        fm.problems.append((line + 2 if line is not None else 1, f"invalid YAML: {message}"))
        return fm
    if node is None:
        fm.values = {}
        return fm
    if not isinstance(node, yaml.MappingNode):
        fm.problems.append((2, "front matter must be 'key: value' lines"))
        return fm
    fm.values = _mapping(node, fm.problems)
    return fm


INVALID = object()  # a value already reported as unreadable: checked no further


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
    if problem.startswith("mapping values are not allowed"):
        problem += " (put a value that contains ': ' in quotes)"
    elif "'\\t'" in problem:
        problem += " (indent with spaces, not tabs)"
    elif "cannot start any token" in problem:
        problem += " (put a value that starts with it in quotes)"
    return (mark.line if mark else None), problem


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


def validate(values, schema, start_line, prefix="", unknown=None):
    """Check located values against a schema. Returns (plain values, [(line, message)])."""
    problems = []
    plain = {}
    for key, located in values.items():
        spec = schema.get(key)
        if spec is None and unknown is not None:
            problems.append((located.line, unknown.format(key=key)))
            continue
        if spec is None:
            where = f" under '{prefix.rstrip('.')}'" if prefix else ""
            hint = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.append((located.line, f"unknown key '{key}'{where}{suggestion}"))
            continue
        name = prefix + key
        if located.value is INVALID:
            continue  # already reported as invalid YAML
        value, message = _check(name, located, spec)
        if message:
            problems.append((located.line, message))
        elif spec.kind == "mapping":
            value, child_problems = validate(
                located.value, spec.children, located.line, name + ".", spec.unknown
            )
            problems.extend(child_problems)
        plain[key] = value
    for key, spec in schema.items():
        if spec.required and key not in values:
            problems.append((start_line, f"missing required key '{prefix}{key}'"))
    return plain, problems


def _check(name, located, spec):
    value = located.value
    if spec.kind == "text":
        text = _as_text(value, located.text)
        if text is None or not text.strip():
            return None, f"'{name}' must be text, not {_describe(value)}"
        if spec.max_length is not None and len(text.strip()) > spec.max_length:
            return None, (
                f"'{name}' is {len(text.strip()):,} characters long; the limit is "
                f"{spec.max_length}: shorten it"
            )
        return text.strip(), None
    if spec.kind == "int":
        low, high = spec.minimum, spec.maximum
        span = f"from {low} to {high}" if high is not None else f"of {low} or more"
        if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
            return (
                None,
                f"'{name}' must be a whole number {span}: write {value.strip()} without quotes",
            )
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"'{name}' must be a whole number {span}, not {_describe(value)}"
        if value < low or (high is not None and value > high):
            return None, f"'{name}' must be a whole number {span}, not {value}"
        return value, None
    if spec.kind == "number":
        span = f"from {spec.minimum:g} to {spec.maximum:g}"
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            return None, f"'{name}' must be a number {span}, not {_describe(value)}"
        if not spec.minimum <= value <= spec.maximum:
            return None, f"'{name}' must be a number {span}, not {located.text or value}"
        return value, None
    if spec.kind == "list":
        texts = located.text if isinstance(located.text, list) else []
        items = (
            [_as_text(item, text) for item, text in zip(value, texts, strict=True)]
            if isinstance(value, list) and len(texts) == len(value)
            else []
        )
        if not items or not all(item is not None and item.strip() for item in items):
            return None, f"'{name}' must be a list of one or more lines of text ('- ...')"
        return tuple(item.strip() for item in items), None
    if spec.kind == "choice":
        if value not in spec.choices:
            hint = difflib.get_close_matches(str(value), spec.choices, n=1, cutoff=0.6)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            allowed = ", ".join(spec.choices)
            return None, f"'{name}' must be one of {allowed}, not {_describe(value)}{suggestion}"
        return value, None
    if spec.kind == "bool":
        if not isinstance(value, bool):
            return None, f"'{name}' must be true or false, not {_describe(value)}"
        return value, None
    if spec.kind == "mapping":
        if not isinstance(value, dict):
            return None, f"'{name}' must be a group of 'key: value' lines, not {_describe(value)}"
        return value, None
    raise ValueError(f"unknown field kind {spec.kind!r}")


def _as_text(value, source):
    """A value as the text the author typed, or None when it is empty, a list or a group."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, dict | list | set) or not isinstance(source, str):
        return None
    return source  # a number, date or yes/no that YAML read as something other than text


def _describe(value):
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict | list):
        return "a list" if isinstance(value, list) else "a group of keys"
    return f"'{value}'"
