"""course.md's `certificate: renewal:` rule: its schema, the checks that span its keys, and the
rule as published (every key present, defaults filled).

    certificate:
      valid_for_months: 24
      renewal:
        ce_hours: 20                 # CE hours per cycle
        minimum: {ethics: 6}         # hours per category within ce_hours
        categories: [ethics, peer-specific, elective]   # default: minimum's keys + elective
        window_months: 6             # renewal opens this long before expiry
        grace_months: 0              # renewal still possible this long after expiry
"""

from __future__ import annotations

import re

from .frontmatter import Field

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_CE_HOURS = 200
DEFAULT_WINDOW_MONTHS = 6
DEFAULT_GRACE_MONTHS = 0


class _CategoryHours(dict):
    """The children of `minimum:`: any slug is a category name, with whole hours."""

    hours = Field("int", minimum=1, maximum=MAX_CE_HOURS)

    def get(self, key, default=None):
        return self.hours if isinstance(key, str) and SLUG.match(key) else default


RENEWAL_FIELD = Field(
    "mapping",
    children={
        "ce_hours": Field("int", required=True, minimum=1, maximum=MAX_CE_HOURS),
        "minimum": Field(
            "mapping",
            children=_CategoryHours(),
            unknown=(
                "category '{key}' in 'minimum' is not a slug: use lowercase letters, digits and "
                "hyphens, for example 'peer-specific'"
            ),
        ),
        "categories": Field("list"),
        "window_months": Field("int", minimum=1, maximum=24),
        "grace_months": Field("int", minimum=0, maximum=24),
    },
)


def problems(certificate, located):
    """[(line, message)] for what the schema alone cannot see: minimums within ce_hours, the
    categories (slugs, unique, naming every minimum) and the window shorter than the validity.

    `certificate` is the validated `certificate:` group; `located` the file's located values.
    """
    rule = (certificate or {}).get("renewal")
    if not rule:
        return []
    lines = _lines(located, "certificate", "renewal")
    minimum_lines = _lines(located, "certificate", "renewal", "minimum")
    found = []
    ce_hours = rule.get("ce_hours")
    minimum = rule.get("minimum") if isinstance(rule.get("minimum"), dict) else {}
    if ce_hours:
        for category, hours in minimum.items():
            if isinstance(hours, int) and hours > ce_hours:
                found.append((
                    minimum_lines.get(category),
                    f"'certificate.renewal.minimum.{category}' is {hours} hours, more than "
                    f"ce_hours ({ce_hours}): a minimum is part of the total",
                ))  # fmt: skip
        hours_given = [hours for hours in minimum.values() if isinstance(hours, int)]
        total = sum(hours_given)
        if total > ce_hours and all(hours <= ce_hours for hours in hours_given):
            found.append((
                lines.get("minimum"),
                f"the minimums add up to {total} hours, more than ce_hours ({ce_hours}): "
                "lower them or raise ce_hours",
            ))  # fmt: skip
    categories = rule.get("categories")
    if categories and isinstance(minimum, dict):
        line = lines.get("categories")
        seen = []
        for name in categories:
            if not SLUG.match(name):
                found.append((
                    line,
                    f"category '{name}' is not a slug: use lowercase letters, digits and "
                    "hyphens, for example 'peer-specific'",
                ))  # fmt: skip
            elif name in seen:
                found.append((line, f"category '{name}' is listed twice"))
            seen.append(name)
        for name in minimum:
            if name not in categories:
                found.append((
                    minimum_lines.get(name),
                    f"'{name}' has a minimum but is not in 'categories': add it there",
                ))  # fmt: skip
    window = rule.get("window_months")
    valid_for = (certificate or {}).get("valid_for_months")
    if window and valid_for and window >= valid_for:
        found.append((
            lines.get("window_months"),
            f"'certificate.renewal.window_months' ({window}) must be shorter than "
            f"valid_for_months ({valid_for}): renewal opens that long before expiry",
        ))  # fmt: skip
    return found


def published(certificate):
    """The rule as stored in Course.renewal: every key present, defaults filled; {} for none."""
    rule = (certificate or {}).get("renewal")
    if not rule:
        return {}
    return filled(rule)


def filled(rule):
    """A renewal rule (as written, or as stored) with every key present and defaults filled."""
    minimum = dict(rule.get("minimum") or {})
    categories = list(dict.fromkeys(rule.get("categories") or [*minimum, "elective"]))
    return {
        "ce_hours": rule["ce_hours"],
        "minimum": minimum,
        "categories": categories,
        "window_months": rule.get("window_months") or DEFAULT_WINDOW_MONTHS,
        "grace_months": rule.get("grace_months") or DEFAULT_GRACE_MONTHS,
    }


def _lines(located, *keys):
    """{key: line} of the group found under `keys` in located front matter ({} if none)."""
    for key in keys:
        item = located.get(key) if isinstance(located, dict) else None
        if item is None or not isinstance(item.value, dict):
            return {}
        located = item.value
    return {key: item.line for key, item in located.items()}
