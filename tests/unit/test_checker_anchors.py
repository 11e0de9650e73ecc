"""The checker on '#anchor' links: each must name a heading of the file it points at (its own,
another module's, course.md's), as the published page gives headings their ids."""

import pytest

from tests.unit.coursekit import (
    COURSE,
    FIRST,
    LESSON_LINE,
    ROLE_PLAY,
    ROLE_PLAY_FILE,
    CourseFolder,
)

RULE = (
    "(a heading's anchor is its words in lowercase, punctuation left out and each space a "
    "hyphen: '## Safety plan' is #safety-plan)"
)
FIRST_ANCHORS = "#practice-read-listening-13-minutes"


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def test_links_to_headings_that_exist_are_fine(course):
    course.lesson(
        "Read [the practice](#practice-read-listening-13-minutes), then "
        "[Listening](02-listening.md#practice-write-three-open-questions-18-minutes)."
    )
    assert course.problems() == []


@pytest.mark.parametrize(
    ("link", "where", "hint"),
    [
        ("#practise", "this file", f"its headings' anchors are {FIRST_ANCHORS}"),
        (
            "02-listening.md#open-qestions",
            "02-listening.md",
            "its headings' anchors are #open-questions, "
            "#practice-write-three-open-questions-18-minutes",
        ),
        ("course.md#start", "course.md", "it has no headings"),
        # a quiz question's heading is not a heading of the page: the quiz has its own page
        ("#which-is-an-open-question", "this file", f"its headings' anchors are {FIRST_ANCHORS}"),
    ],
    ids=["own", "other-module", "course-md", "quiz-question"],
)
def test_a_link_to_a_heading_that_is_not_there_is_warned(course, link, where, hint):
    course.lesson(f"Read [this]({link}).")
    if link.startswith("#which"):
        course.quiz("### Which is an open question?\n\n- [x] What\n- [ ] Did\n\n> Why.")
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE}: warning: link '{link}' goes to no heading in {where}, so it "
        f"leads nowhere when published: {hint} {RULE}"
    ]


def test_a_file_with_many_headings_suggests_the_nearest(course):
    headings = "\n\n".join(f"## Step {n}" for n in range(1, 10))
    course.lesson(f"Start at [step one](#step1).\n\n{headings}")
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE}: warning: link '#step1' goes to no heading in this file, so it "
        f"leads nowhere when published: did you mean #step-1? {RULE}"
    ]


def test_a_live_session_links_to_its_own_headings_and_to_modules(course):
    course.write(
        ROLE_PLAY_FILE,
        ROLE_PLAY.replace(
            "- 10 minutes: welcome.",
            "- 10 minutes: welcome. See [the plan](#plan) and [the checklist](#skills-checklist)"
            " and [Listening](../02-listening.md#open-questions).",
        ),
    )
    # The skills checklist is taken out of the guide, so its heading is not on the page.
    assert course.problems() == [
        f"{COURSE}/{ROLE_PLAY_FILE}:12: warning: link '#skills-checklist' goes to no heading in "
        f"this file, so it leads nowhere when published: its headings' anchors are #plan {RULE}"
    ]
