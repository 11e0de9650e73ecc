"""Any YAML value at any key of any course file is reported at a line: the checker never stops
with an error of its own, whatever the type (null, a float, infinity, a date, a tag, a nested
list or mapping). One key once did: a `requires:` that was not a list, in a module."""

import re

import pytest

from tests.unit.coursekit import ROLE_PLAY, ROLE_PLAY_FILE, CourseFolder

VALUES = (
    "~", "''", "'x'", "0", "-1", "1.5", "1e400", ".nan", ".inf", "-.inf", "true", "2026-01-01",
    "2026-01-01T10:00:00", "99999999999999999999", "!!binary aGVsbG8=", "[]", "{}", "[1, 2]",
    "[~]", "[[1]]", "[{}]", "{a: 1}", "{a: [1]}", "{advocacy: 5}",
)  # fmt: skip
MODULE = "01-first-steps.md"
MODULE_KEYS = (
    "title", "minutes", "domain", "domains", "objectives", "pass_mark", "max_attempts",
    "retry_after_minutes", "wait_after_failures", "draw", "review", "requires", "ce",
)  # fmt: skip
SESSION_KEYS = ("title", "minutes", "domain", "domains", "objectives", "requires")
COURSE_KEYS = ("title", "summary", "pass_mark", "review", "certificate", "domains")
CERTIFICATE_KEYS = ("title", "valid_for_months", "requires", "renewal")
REQUIRES_KEYS = (
    "code_of_ethics", "supervised_hours", "work_hours", "supervision_hours", "training_hours",
    "sessions", "skills_checklists",
)  # fmt: skip
RENEWAL_KEYS = ("ce_hours", "minimum", "categories", "window_months", "grace_months")
LOCATED = re.compile(r"^courses/sample-course/\S+\.md:\d+: ")


def with_value(text, parents, key, value):
    """The file's text with `key` (under the mapping keys `parents`, made if missing) set to
    `value`: any line it had, and the lines indented under it, are dropped."""
    lines = text.split("\n")
    end = lines.index("---", 1)
    head, rest = lines[1:end], lines[end:]
    start, stop, depth = 0, len(head), 0
    for parent in parents:
        indent = "  " * depth
        found = next(
            (i for i in range(start, stop) if head[i].startswith(f"{indent}{parent}:")), None
        )
        if found is None:
            head[stop:stop] = [f"{indent}{parent}:"]
            found, stop = stop, stop + 1
        start, depth = found + 1, depth + 1
        stop = next((i for i in range(start, stop) if not head[i].startswith("  " * depth)), stop)
    indent = "  " * depth
    kept, skipping = [], False
    for i, line in enumerate(head):
        if start <= i < stop and line.startswith(f"{indent}{key}:"):
            skipping = True
            continue
        if skipping and line.startswith(indent + "  "):
            continue
        skipping = False
        kept.append(line)
    at = stop - (len(head) - len(kept))
    kept[at:at] = [f"{indent}{key}: {value}"]
    return "\n".join(["---", *kept, *rest])


def problems_for_each_value(course, file, parents, key):
    original = course.read(file)
    for value in VALUES:
        course.write(file, with_value(original, parents, key, value))
        problems = course.problems()  # the checker answers: no exception of its own
        unlocated = [p for p in problems if not LOCATED.match(p)]
        assert not unlocated, (key, value, unlocated)
    course.write(file, original)


@pytest.fixture
def course(tmp_path):
    folder = CourseFolder(tmp_path)
    folder.write(ROLE_PLAY_FILE, ROLE_PLAY)
    assert folder.problems() == []
    return folder


@pytest.mark.parametrize("key", MODULE_KEYS)
def test_any_value_of_a_module_key_is_reported_at_a_line(course, key):
    problems_for_each_value(course, MODULE, (), key)


@pytest.mark.parametrize("key", SESSION_KEYS)
def test_any_value_of_a_session_key_is_reported_at_a_line(course, key):
    problems_for_each_value(course, ROLE_PLAY_FILE, (), key)


@pytest.mark.parametrize(
    ("parents", "key"),
    [((), key) for key in COURSE_KEYS]
    + [(("certificate",), key) for key in CERTIFICATE_KEYS]
    + [(("certificate", "requires"), key) for key in REQUIRES_KEYS]
    + [(("certificate", "renewal"), key) for key in RENEWAL_KEYS],
)
def test_any_value_of_a_course_key_is_reported_at_a_line(course, parents, key):
    problems_for_each_value(course, "course.md", parents, key)


def test_a_value_is_put_where_the_test_means_it():
    text = "---\ntitle: T\ncertificate:\n  title: C\n  valid_for_months: 12\n---\nBody"
    assert with_value(text, ("certificate", "renewal"), "ce_hours", "~") == (
        "---\ntitle: T\ncertificate:\n  title: C\n  valid_for_months: 12\n  renewal:\n"
        "    ce_hours: ~\n---\nBody"
    )
    assert with_value(text, ("certificate",), "title", "[]") == (
        "---\ntitle: T\ncertificate:\n  valid_for_months: 12\n  title: []\n---\nBody"
    )
    assert with_value(text, (), "certificate", "5") == "---\ntitle: T\ncertificate: 5\n---\nBody"
