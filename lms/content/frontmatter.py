"""YAML front matter: splitting it off a file and checking it against a schema, by line.

The YAML itself is read by yaml_nodes.py, imported by the first split: only reading course files
(publishing, the workspace, `lms courses`) needs PyYAML, and a web worker that only serves pages
never loads it (issue 13).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from . import limits
from .model import INVALID


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
    from . import yaml_nodes  # on first use: see the module's docstring

    fm.values = yaml_nodes.read_mapping(yaml_text, fm.problems)
    return fm


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
            # Left out, as if not given: a reader's default then stands in for a value that
            # is already reported, rather than a None it would have to expect at every key.
            problems.append((located.line, message))
            continue
        if spec.kind == "mapping":
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
