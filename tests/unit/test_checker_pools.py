"""The checker on question pools and waits: `draw` within the quiz's questions, and
`wait_after_failures` only with a `retry_after_minutes` to say how long the wait is."""

import pytest

from tests.unit.coursekit import FIRST, SECOND, CourseFolder


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def errors(course):
    return [p for p in course.problems() if ": warning: " not in p]


def test_a_draw_within_the_pool_and_a_wait_after_failures_are_read(course):
    course.replace("01-first-steps.md", "minutes: 15", "minutes: 15\ndraw: 1")
    course.replace(
        "02-listening.md",
        "retry_after_minutes: 10",
        "retry_after_minutes: 10\nwait_after_failures: 2",
    )

    first, second = course.load().courses[0].modules

    assert errors(course) == []
    assert (first.draw, first.wait_after_failures) == (1, None)
    assert (second.draw, second.wait_after_failures, second.retry_after_minutes) == (None, 2, 10)


def test_a_draw_larger_than_the_quiz_is_an_error_at_its_line(course):
    course.replace("01-first-steps.md", "minutes: 15", "minutes: 15\ndraw: 3")

    assert errors(course) == [
        f"{FIRST}:4: draw: 3 asks for more questions than the quiz has (2): "
        "lower it, or add questions"
    ]


def test_a_draw_as_large_as_the_quiz_is_allowed(course):
    course.replace("01-first-steps.md", "minutes: 15", "minutes: 15\ndraw: 2")

    assert errors(course) == []


def test_wait_after_failures_without_retry_after_minutes_is_an_error_at_its_line(course):
    course.replace("02-listening.md", "retry_after_minutes: 10", "wait_after_failures: 2")

    assert errors(course) == [
        f"{SECOND}:9: wait_after_failures needs retry_after_minutes: how long the wait is"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("draw: 0", f"{FIRST}:4: 'draw' must be a whole number from 1"),
        (
            "wait_after_failures: 0",
            f"{FIRST}:4: 'wait_after_failures' must be a whole number from 1",
        ),
    ],
)
def test_zero_is_out_of_range(course, line, expected):
    course.replace(
        "01-first-steps.md", "minutes: 15", f"minutes: 15\n{line}\nretry_after_minutes: 5"
    )

    (problem,) = errors(course)
    assert problem.startswith(expected)
