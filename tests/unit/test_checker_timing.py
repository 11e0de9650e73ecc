"""The honest-minutes check: a module may claim its reading time (200 words a minute), the minutes
its activity headings state and a minute a question shown, with a tenth's leeway; more is a
warning at its `minutes:` line with the figures."""

import pytest

from lms.content.timing import Estimate
from tests.unit.coursekit import FIRST, CourseFolder

# 01-first-steps.md: 16 words of lesson, a "(13 minutes)" practice, a quiz of 2 questions: 15.08
# minutes, so it may claim up to 17.


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def minutes_warnings(course):
    return [p for p in course.problems() if "text supports" in p]


def test_a_module_within_its_estimate_and_leeway_draws_no_warning(course):
    course.replace("01-first-steps.md", "minutes: 15", "minutes: 17")
    assert minutes_warnings(course) == []


def test_a_module_claiming_more_is_warned_at_its_minutes_line_with_the_figures(course):
    course.replace("01-first-steps.md", "minutes: 15", "minutes: 18")
    assert minutes_warnings(course) == [
        f"{FIRST}:3: warning: minutes: 18 is more than this module's text supports: reading 0 "
        "minutes (16 words at 200 a minute), its activities state 13 (1 heading with a time), "
        "the quiz 2 (a minute a question shown): 15 in all, 17 at most with a tenth's leeway. "
        "Lower 'minutes', or state each activity's time at the end of its heading, e.g. "
        "'## Practice (15 minutes)'"
    ]


def test_a_time_written_in_a_paragraph_is_not_an_activitys(course):
    course.replace("01-first-steps.md", "## Practice: read", "Practice: read")
    assert len(minutes_warnings(course)) == 1


def test_the_quiz_counts_the_questions_an_attempt_draws(course):
    # 17 fits two questions; with one drawn, the most it may claim is 16
    course.replace("01-first-steps.md", "minutes: 15", "minutes: 17\ndraw: 1")
    [warning] = minutes_warnings(course)
    assert "the quiz 1 (a minute a question shown)" in warning


def test_link_targets_and_fenced_code_are_not_read():
    lines = [
        "Read [this](https://example.org/a/very/long/path/of/many/words) now.",
        "```",
        "code words that nobody reads aloud",
        "```",
        "### Worksheet: plan (20 min)",
    ]
    estimate = Estimate(lines, questions_shown=0)
    assert estimate.words == 3 + 4  # "Read this now", and the heading "Worksheet plan 20 min"
    assert estimate.activity_minutes == 20
