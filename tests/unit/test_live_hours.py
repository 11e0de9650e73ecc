"""Minutes attended at live sessions count toward the session's domains, together with passed
modules: split in proportion (parts adding up exactly), partial attendance counting its minutes,
corrections changing the totals, cancelled meetings counting nothing."""

import shutil
from datetime import timedelta
from types import SimpleNamespace

import pytest

from lms.extensions import db
from lms.services.authoring.publishing import sync_courses
from lms.services.learning import attendance, training
from tests import livekit
from tests.conftest import FIXTURES
from tests.requirementkit import NOW, person, published_course
from tests.statements import recorded_statements
from tests.unit.test_training_hours import SPLIT, edit, pass_module


@pytest.fixture
def world(app_ctx, tmp_path):
    folder = tmp_path / "sample-course"
    shutil.copytree(FIXTURES / "courses" / "sample-course", folder)
    edit(folder, "01-first-steps.md", "domain: recovery-wellness", SPLIT)
    sync_courses(folder)
    course = published_course()
    ada = person("Ada Trainee", "ada@example.org", "trainee")
    bo = person("Bo Trainee", "bo@example.org", "trainee")
    sam = person("Sam Supervisor", "sam@example.org", "supervisor")
    session = livekit.add_session(
        course, minutes=90, domain_minutes={"advocacy": 45, "ethical-responsibility": 30,
                                            "recovery-wellness": 15},
    )  # fmt: skip
    cohort = livekit.cohort_for(course, "Spring", ada, bo)
    return {"folder": folder, "course": course, "ada": ada, "bo": bo, "sam": sam,
            "session": session, "cohort": cohort}  # fmt: skip


def hours(user):
    course = published_course()
    return training.minutes_by_domain(user.id, [course.id])[course.id]


def take(world, meeting, *marks):
    return attendance.record(meeting.id, list(marks), world["sam"].id, now=NOW)


def mark(user, status, minutes=None, skills=()):
    return attendance.Mark(user.id, status, minutes, tuple(skills))


@pytest.mark.parametrize(
    ("minutes", "planned", "expected"),
    [
        (90, {"a": 45, "b": 30, "c": 15}, {"a": 45, "b": 30, "c": 15}),
        (10, {"a": 1, "b": 1, "c": 1}, {"a": 4, "b": 3, "c": 3}),  # the tie: the earlier first
        (7, {"a": 50, "b": 25, "c": 25}, {"a": 3, "b": 2, "c": 2}),  # 3.5, 1.75, 1.75
        (1, {"a": 1, "b": 1}, {"a": 1}),
        (59, {"a": 0, "b": 20}, {"b": 59}),
        (30, {}, {"main": 30}),
    ],
)
def test_split_minutes_shares_in_proportion_and_adds_up_exactly(minutes, planned, expected):
    parts = training.split_minutes(minutes, planned, "main")
    assert parts == expected
    assert sum(parts.values()) == minutes


def test_present_counts_the_meetings_minutes_split_across_the_sessions_domains(world):
    meeting = livekit.meet(
        world["session"], world["cohort"], world["sam"], NOW - timedelta(hours=3)
    )
    take(world, meeting, mark(world["ada"], "present"), mark(world["bo"], "absent"))

    assert hours(world["ada"]) == {"advocacy": 45, "ethical-responsibility": 30,
                                   "recovery-wellness": 15}  # fmt: skip
    assert hours(world["bo"]) == {}


def test_partial_attendance_counts_the_minutes_attended_split_exactly(world):
    meeting = livekit.meet(
        world["session"], world["cohort"], world["sam"], NOW - timedelta(hours=3)
    )
    take(world, meeting, mark(world["ada"], "partial", "50"), mark(world["bo"], "partial", "1"))

    # 50 of 90 minutes: 25, 16.67, 8.33 -> 25, 17, 8
    assert hours(world["ada"]) == {"advocacy": 25, "ethical-responsibility": 17,
                                   "recovery-wellness": 8}  # fmt: skip
    assert hours(world["bo"]) == {"advocacy": 1}


def test_a_correction_changes_the_totals(world):
    meeting = livekit.meet(
        world["session"], world["cohort"], world["sam"], NOW - timedelta(hours=3)
    )
    take(world, meeting, mark(world["ada"], "present"), mark(world["bo"], "present"))
    take(world, meeting, mark(world["ada"], "partial", "30"), mark(world["bo"], "present"))

    assert sum(hours(world["ada"]).values()) == 30
    take(world, meeting, mark(world["ada"], "absent"), mark(world["bo"], "present"))
    assert hours(world["ada"]) == {}


def test_a_cancelled_meeting_counts_nothing(world):
    meeting = livekit.meet(
        world["session"], world["cohort"], world["sam"], NOW - timedelta(hours=3)
    )
    take(world, meeting, mark(world["ada"], "present"), mark(world["bo"], "present"))
    meeting.cancelled_at = NOW
    db.session.commit()

    assert hours(world["ada"]) == {}


def test_modules_and_sessions_add_together_and_a_module_passed_twice_counts_once(world):
    ada, folder = world["ada"], world["folder"]
    pass_module(ada, "first-steps")  # 10 recovery-wellness, 5 advocacy
    edit(folder, "01-first-steps.md", "minutes: 15", "minutes: 45")
    edit(folder, "01-first-steps.md", SPLIT, "domains: {recovery-wellness: 10, advocacy: 35}")
    sync_courses(folder)
    pass_module(ada, "first-steps")  # the new version: counted once, as first passed
    meeting = livekit.meet(
        world["session"], world["cohort"], world["sam"], NOW - timedelta(hours=3)
    )
    take(world, meeting, mark(ada, "present"), mark(world["bo"], "absent"))

    assert hours(ada) == {"advocacy": 50, "ethical-responsibility": 30, "recovery-wellness": 25}


def test_a_meeting_counts_the_version_it_was_pinned_to(world):
    first = livekit.meet(world["session"], world["cohort"], world["sam"], NOW - timedelta(hours=5))
    livekit.add_version(world["session"], 2, "Role-play: listening", 60, {"advocacy": 60})
    second = livekit.meet(world["session"], world["cohort"], world["sam"], NOW - timedelta(hours=2),
                          minutes=60)  # fmt: skip
    take(world, first, mark(world["ada"], "present"))
    take(world, second, mark(world["ada"], "present"))

    assert hours(world["ada"]) == {"advocacy": 105, "ethical-responsibility": 30,
                                   "recovery-wellness": 15}  # fmt: skip


def test_hours_for_many_trainees_take_two_queries(world):
    meeting = livekit.meet(
        world["session"], world["cohort"], world["sam"], NOW - timedelta(hours=3)
    )
    take(world, meeting, mark(world["ada"], "present"), mark(world["bo"], "partial", "10"))
    with recorded_statements() as statements:
        found = training.minutes_by_domain_for(
            [world["ada"].id, world["bo"].id], [world["course"].id]
        )
    assert len(statements) == 2
    assert sum(found[(world["bo"].id, world["course"].id)].values()) == 10


def test_attendance_read_already_is_used_and_counts_only_the_courses_asked_for(world):
    # A page that reads attendance once for training hours and live sessions hands it over
    # (training.attendance, `attended`): no second read, and rows of other courses are left out.
    meeting = livekit.meet(
        world["session"], world["cohort"], world["sam"], NOW - timedelta(hours=3)
    )
    take(world, meeting, mark(world["ada"], "present"))
    course_id, ada_id = world["course"].id, world["ada"].id
    attended = training.attendance([ada_id], [course_id])
    other_course = SimpleNamespace(
        user_id=ada_id, course_id=course_id + 1000, status="present", minutes=None,
        meeting_minutes=60, domain_minutes=None, domain="advocacy",
    )  # fmt: skip

    with recorded_statements() as statements:
        found = training.minutes_by_domain_for([ada_id], [course_id], [*attended, other_course])

    assert len(statements) == 1  # the passed modules only
    assert set(found) == {(ada_id, course_id)}
    assert sum(found[(ada_id, course_id)].values()) == 90
