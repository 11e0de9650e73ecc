"""YAML front matter: splitting it off a file and checking it against a schema, by line."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import yaml


@dataclass(frozen=True)
class Field:
    kind: str  # "text", "int", "list", "choice", "mapping"
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    children: dict = field(default_factory=dict)


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
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        fm.problems.append((line, f"invalid YAML: {problem}"))
        return fm
    if node is None:
        fm.values = {}
        return fm
    if not isinstance(node, yaml.MappingNode):
        fm.problems.append((2, "front matter must be 'key: value' lines"))
        return fm
    fm.values = _mapping(node, fm.problems)
    return fm


class Located:
    """A front-matter value together with the file line it came from."""

    __slots__ = ("value", "line")

    def __init__(self, value, line):
        self.value = value
        self.line = line


def _mapping(node, problems):
    result = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 2  # +1 for 1-based, +1 for the opening '---'
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
        if key in result:
            problems.append((line, f"key '{key}' appears twice"))
            continue
        if isinstance(value_node, yaml.MappingNode):
            value = _mapping(value_node, problems)
        else:
            value = yaml.SafeLoader(" ").construct_object(value_node, deep=True)
        result[key] = Located(value, line)
    return result


def validate(values, schema, start_line, prefix=""):
    """Check located values against a schema. Returns (plain values, [(line, message)])."""
    problems = []
    plain = {}
    for key, located in values.items():
        spec = schema.get(key)
        if spec is None:
            where = f" under '{prefix.rstrip('.')}'" if prefix else ""
            hint = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.append((located.line, f"unknown key '{key}'{where}{suggestion}"))
            continue
        name = prefix + key
        value, message = _check(name, located, spec)
        if message:
            problems.append((located.line, message))
        elif spec.kind == "mapping":
            value, child_problems = validate(located.value, spec.children, located.line, name + ".")
            problems.extend(child_problems)
        plain[key] = value
    for key, spec in schema.items():
        if spec.required and key not in values:
            problems.append((start_line, f"missing required key '{prefix}{key}'"))
    return plain, problems


def _check(name, located, spec):
    value = located.value
    if spec.kind == "text":
        if not isinstance(value, str) or not value.strip():
            return None, f"'{name}' must be text, not {_describe(value)}"
        return value.strip(), None
    if spec.kind == "int":
        low, high = spec.minimum, spec.maximum
        span = f"from {low} to {high}" if high is not None else f"of {low} or more"
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"'{name}' must be a whole number {span}, not {_describe(value)}"
        if value < low or (high is not None and value > high):
            return None, f"'{name}' must be a whole number {span}, not {value}"
        return value, None
    if spec.kind == "list":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(item, str) and item.strip() for item in value)
        ):
            return None, f"'{name}' must be a list of one or more lines of text ('- ...')"
        return tuple(item.strip() for item in value), None
    if spec.kind == "choice":
        if value not in spec.choices:
            hint = difflib.get_close_matches(str(value), spec.choices, n=1, cutoff=0.6)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            allowed = ", ".join(spec.choices)
            return None, f"'{name}' must be one of {allowed}, not {_describe(value)}{suggestion}"
        return value, None
    if spec.kind == "mapping":
        if not isinstance(value, dict):
            return None, f"'{name}' must be a group of 'key: value' lines, not {_describe(value)}"
        return value, None
    raise ValueError(f"unknown field kind {spec.kind!r}")


def _describe(value):
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict | list):
        return "a list" if isinstance(value, list) else "a group of keys"
    return f"'{value}'"
