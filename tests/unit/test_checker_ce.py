"""The checker on a module's `ce: {hours, category}`: each rule trips with its file:line message;
a category must be one that a course's renewal rule names, among the folders checked together."""

from types import SimpleNamespace

import pytest

from lms.content import ce
from tests.unit.coursekit import FIRST, CourseFolder

# In 01-first-steps.md `ce:` goes on line 4, under `minutes: 15`.
CE_LINE = 4


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def with_ce(course, block):
    course.replace("01-first-steps.md", "minutes: 15\n", "minutes: 15\n" + block)
    return course.problems()


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("ce: 1.5\n", f"{FIRST}:4: 'ce' must be a group of 'key: value' lines, not '1.5'"),
        (
            "ce:\n  category: ethics\n",
            f"{FIRST}:4: missing required key 'ce.hours'",
        ),
        (
            "ce:\n  hours: 1.5\n",
            f"{FIRST}:4: missing required key 'ce.category'",
        ),
        (
            "ce:\n  hours: lots\n  category: ethics\n",
            f"{FIRST}:5: 'ce.hours' must be a number from 0.25 to 40, not 'lots'",
        ),
        (
            "ce:\n  hours: [1, 2]\n  category: ethics\n",
            f"{FIRST}:5: 'ce.hours' must be a number from 0.25 to 40, not a list",
        ),
        (
            "ce:\n  hours: 0\n  category: ethics\n",
            f"{FIRST}:5: 'ce.hours' must be a number from 0.25 to 40, not 0",
        ),
        (
            "ce:\n  hours: 40.5\n  category: ethics\n",
            f"{FIRST}:5: 'ce.hours' must be a number from 0.25 to 40, not 40.5",
        ),
        (
            "ce:\n  hours: .nan\n  category: ethics\n",
            f"{FIRST}:5: 'ce.hours' must be a number from 0.25 to 40, not 'nan'",
        ),
        (
            "ce:\n  hours: 1.3\n  category: ethics\n",
            f"{FIRST}:5: 'ce.hours' must be in quarter hours (for example 1, 1.25, 1.5 or 1.75), "
            "not 1.3",
        ),
        (
            "ce:\n  hours: 1\n  category: Ethics & Law\n",
            f"{FIRST}:6: 'ce.category' must be a category name in lowercase letters, digits and "
            "hyphens, such as 'ethics' or 'peer-specific', not 'Ethics & Law'",
        ),
        (
            "ce:\n  hours: 1\n  category: ethics\n  hour: 2\n",
            f"{FIRST}:7: unknown key 'hour' under 'ce' (did you mean 'hours'?)",
        ),
    ],
)
def test_each_ce_rule_is_reported_at_its_line(course, block, expected):
    assert expected in with_ce(course, block)


def test_a_category_no_renewal_rule_names_is_reported_with_what_to_do(course):
    problems = with_ce(course, "ce:\n  hours: 1.5\n  category: ethics\n")
    assert problems == [
        f"{FIRST}:6: 'ce.category' is 'ethics', but no course here has a renewal rule naming CE "
        "categories: add 'renewal:' under 'certificate:' in a course.md first"
    ]


def module(file_name, minutes, category, line):
    return SimpleNamespace(file_name=file_name, ce=ce.ModuleCE(minutes, category, line))


def test_a_category_outside_the_known_ones_is_reported_with_the_known_ones():
    rule_only = SimpleNamespace(
        renewal={"ce_hours": 20, "minimum": {"ethics": 6}}, modules=[module("01-a.md", 60, "x", 3)]
    )
    ce_course = SimpleNamespace(
        renewal={},
        modules=[
            module("01-law.md", 90, "ethics", 6),
            module("02-more.md", 90, "elective", 6),
            module("03-odd.md", 60, "ethic", 7),
            SimpleNamespace(file_name="04-plain.md", ce=None),
        ],
    )
    known = ce.union_of_categories([rule_only.renewal, ce_course.renewal])
    problems = ce.category_problems(
        [(rule_only, "courses/rules"), (ce_course, "courses/ce")], known
    )
    assert problems == [
        (
            "courses/rules/01-a.md",
            3,
            "'ce.category' is 'x', which no course's renewal rule names: use one of 'ethics', "
            "'elective'",
        ),
        (
            "courses/ce/03-odd.md",
            7,
            "'ce.category' is 'ethic', which no course's renewal rule names: use one of "
            "'ethics', 'elective'",
        ),
    ]


def test_a_rule_that_lists_its_categories_gives_those_in_order():
    assert ce.renewal_categories(
        {"minimum": {"ethics": 3}, "categories": ["peer-specific", "ethics", "elective"]}
    ) == ("peer-specific", "ethics", "elective")
    assert ce.renewal_categories({}) == ()
    assert ce.union_of_categories(
        [{"categories": ["ethics", "elective"]}, {}, {"minimum": {"peer-specific": 24}}]
    ) == ("ethics", "elective", "peer-specific")


# A renewal rule names the categories CE may be logged in: ethics (its minimum) and elective.
RENEWAL = "  valid_for_months: 12\n  renewal: {ce_hours: 10, minimum: {ethics: 2}}\n"


def test_a_module_with_ce_reads_its_minutes_and_category_and_hashes_them(course):
    plain_hash = course.load().courses[0].modules[0].content_hash
    course.replace("course.md", "  valid_for_months: 12\n", RENEWAL)
    with_ce(course, "ce:\n  hours: 1.75\n  category: ethics\n")
    first = course.load().courses[0].modules[0]
    assert first.ce == ce.ModuleCE(105, "ethics")
    assert first.content_hash != plain_hash
    course.replace("01-first-steps.md", "category: ethics", "category: elective")
    assert course.load().courses[0].modules[0].content_hash != first.content_hash
    # a module without ce keeps the hash it had before CE existed
    assert course.load().courses[0].modules[1].ce is None


def test_a_rule_counts_even_when_a_module_of_its_course_has_a_problem(tmp_path):
    # A typo in one module of the course that holds the renewal rule is reported in that file,
    # once: the CE modules of the other course still find their category in the rule.
    rules = CourseFolder(tmp_path)
    rules.replace("course.md", "  valid_for_months: 12\n", RENEWAL)
    rules.replace("01-first-steps.md", "minutes: 15\n", "minutez: 15\n")
    ce_course = CourseFolder(tmp_path, "ce-course")
    ce_course.replace(
        "01-first-steps.md", "minutes: 15\n", "minutes: 15\nce: {hours: 1, category: ethics}\n"
    )

    problems = rules.problems()

    assert problems and all(p.startswith(f"{FIRST}:") for p in problems), problems
    assert "missing required key 'minutes'" in " ".join(problems)
    assert not [p for p in problems if "ce.category" in p]
    assert [c.slug for c in rules.load().courses] == ["ce-course"]


def test_a_rule_with_a_problem_names_no_category(tmp_path):
    rules = CourseFolder(tmp_path)
    rules.replace("course.md", "  valid_for_months: 12\n", RENEWAL.replace("10", "1"))
    ce_course = CourseFolder(tmp_path, "ce-course")
    ce_course.replace(
        "01-first-steps.md", "minutes: 15\n", "minutes: 15\nce: {hours: 1, category: ethics}\n"
    )

    problems = rules.problems()

    assert any("course.md" in p and "minimum" in p for p in problems), problems
    assert any("ce-course/01-first-steps.md" in p and "no course here has" in p for p in problems)
