"""Continuing education (CE) a module grants when passed: front matter `ce: {hours, category}`.

Hours come in quarter hours from 0.25 to 40. The category must be one that some course's renewal
rule names (course.md `certificate: renewal:`), among the course folders checked together: that is
checked once every folder is read (category_problems).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .frontmatter import Field

MIN_HOURS, MAX_HOURS = 0.25, 40
CATEGORY_LENGTH = 40  # the size of the category columns
CATEGORY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The category a renewal rule has besides its minimums when it lists none of its own.
ELECTIVE = "elective"

FIELD = Field(
    "mapping",
    children={
        "hours": Field("number", required=True, minimum=MIN_HOURS, maximum=MAX_HOURS),
        "category": Field("text", required=True, max_length=CATEGORY_LENGTH),
    },
)


@dataclass(frozen=True)
class ModuleCE:
    """The CE a module grants: whole minutes (hours x 60) in one category."""

    minutes: int
    category: str
    line: int = field(default=0, compare=False)  # of `category:` in the module file

    @property
    def hashed(self):
        return [self.minutes, self.category]


def module_ce(settings, located):
    """(ModuleCE or None, [(line, message)]) from a module's checked front matter; `located` is
    the front matter with lines (frontmatter.split)."""
    values = settings.get("ce")
    item = located.get("ce")
    if not values or item is None or not isinstance(item.value, dict):
        return None, []
    lines = {key: child.line for key, child in item.value.items()}
    hours, category = values.get("hours"), values.get("category")
    if hours is None or category is None:
        return None, []  # already reported by the schema
    problems = []
    minutes = hours * 60
    if minutes != int(minutes) or int(minutes) % 15:
        problems.append(
            (
                lines["hours"],
                f"'ce.hours' must be in quarter hours (for example 1, 1.25, 1.5 or 1.75), "
                f"not {hours:g}",
            )
        )
    if not CATEGORY.match(category):
        problems.append(
            (
                lines["category"],
                f"'ce.category' must be a category name in lowercase letters, digits and "
                f"hyphens, such as 'ethics' or 'peer-specific', not '{category}'",
            )
        )
    if problems:
        return None, problems
    return ModuleCE(int(minutes), category, lines["category"]), []


def renewal_categories(renewal):
    """The CE categories of a renewal rule (a dict as course.md's `renewal:` or Course.renewal):
    its `categories`, or else its minimums' names and "elective". () without a rule."""
    if not renewal:
        return ()
    listed = renewal.get("categories")
    if listed:
        return tuple(dict.fromkeys(listed))
    return tuple(dict.fromkeys([*(renewal.get("minimum") or {}), ELECTIVE]))


def union_of_categories(renewals):
    """Every category of these renewal rules, in order of first appearance."""
    found = {}
    for renewal in renewals:
        for category in renewal_categories(renewal):
            found.setdefault(category, None)
    return tuple(found)


def category_problems(courses, known):
    """[(path, line, message)] for each module CE category that is not in `known`.

    `courses`: (course, shown folder) for every course read; `known`: the categories the
    renewal rules name (load_courses gathers them from every course.md it read, whether or not
    the rest of that course read well, and from the published courses a workspace check names).
    """
    problems = []
    for course, shown in courses:
        for module in course.modules:
            ce = getattr(module, "ce", None)
            if ce is None or ce.category in known:
                continue
            if known:
                valid = ", ".join(f"'{name}'" for name in known)
                message = (
                    f"'ce.category' is '{ce.category}', which no course's renewal rule names: "
                    f"use one of {valid}"
                )
            else:
                message = (
                    f"'ce.category' is '{ce.category}', but no course here has a renewal rule "
                    "naming CE categories: add 'renewal:' under 'certificate:' in a course.md "
                    "first"
                )
            problems.append((f"{shown}/{module.file_name}", ce.line, message))
    return problems
