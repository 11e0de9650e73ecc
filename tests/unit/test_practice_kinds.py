"""Practice hours of two kinds, work and supervision: sums per kind, what a certificate asks of
each (and `supervised_hours`, which counts both), and the migration of sessions logged before."""

from itertools import permutations
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from lms.extensions import db
from lms.models import Certificate
from lms.services.certification import certification, requirements
from lms.services.logbook import practice
from tests.requirementkit import (
    NOW,
    approve,
    audit_events,
    log,
    make_people,
    pass_quizzes,
    publish_course_with_requirements,
    published_course,
)
from tests.unit.test_checker_requires import CERTIFICATE, WHERE, CourseFolder
from tests.unit.test_commands import empty_app  # noqa: F401 (a fixture)


@pytest.fixture
def people(app_ctx):
    return make_people()


def board_course(tmp_path, work=2, supervision=1):
    """The sample course asking for `work` hours of work and `supervision` of supervision."""
    publish_course_with_requirements(
        tmp_path / "board", hours_keys={"work_hours": work, "supervision_hours": supervision}
    )
    return published_course()


def certificates():
    return db.session.scalar(select(func.count(Certificate.id)))


# --- sums per kind -------------------------------------------------------------------------------


def test_hours_are_summed_per_kind_approved_and_waiting_apart(people):
    ada, sam = people["ada"], people["sam"]
    approve(sam, log(ada, "2"))
    approve(sam, log(ada, "1.5", activity="Supervision meeting", kind="supervision"))
    log(ada, "0.75", kind="supervision")  # waiting
    log(ada, "3")  # waiting
    practice.review_session(sam, log(ada, "4").id, "reject", "Not peer support.", now=NOW)

    totals = practice.hours_totals(ada.id)

    assert totals.by_kind == {
        "work": practice.KindTotals(approved_minutes=120, pending_minutes=180),
        "supervision": practice.KindTotals(approved_minutes=90, pending_minutes=45),
    }
    assert (totals.approved_minutes, totals.pending_minutes) == (210, 225)
    assert certification.approved_minutes_by_kind([ada.id]) == {
        ada.id: {"work": 120, "supervision": 90}
    }
    assert certification.approved_practice_minutes(ada.id) == 210


def test_a_session_must_have_a_kind_and_a_supervision_meeting_is_supervision(people):
    ada = people["ada"]

    with pytest.raises(practice.RequirementError) as no_kind:
        log(ada, kind="volunteering")
    with pytest.raises(practice.RequirementError) as meeting:
        log(ada, activity="Supervision meeting", kind="work")

    assert no_kind.value.problems == {
        "kind": "Choose whether this was peer-support work or supervision."
    }
    assert meeting.value.problems == {
        "activity": "A supervision meeting is time spent in supervision: choose Supervision "
        "above, or another activity."
    }
    assert practice.sessions_for(ada.id) == []


# --- what a certificate asks ---------------------------------------------------------------------


def test_each_kind_is_required_on_its_own_and_the_checklist_says_so(tmp_path, people):
    course = board_course(tmp_path)
    ada, sam = people["ada"], people["sam"]
    pass_quizzes(ada, course)
    requirements.sign_ethics(ada.id, course.id, ada.name, NOW)
    approve(sam, log(ada, "3"))  # plenty of work, no supervision
    log(ada, "0.5", kind="supervision")

    assert certificates() == 0
    assert not certification.practice_hours_approved(ada.id, course.id)
    hours = [
        (item.what, item.met, item.detail)
        for item in requirements.checklist(ada.id, course)
        if item.kind == "hours"
    ]
    assert hours == [
        (
            "2 hours of peer-support work, approved by your supervisor",
            True,
            "3 of 2 hours approved",
        ),
        (
            "1 hour of supervision, approved by your supervisor",
            False,
            "0 of 1 hours approved (0.5 waiting for review)",
        ),
    ]


@pytest.mark.parametrize("order", list(permutations(("quizzes", "ethics", "work", "supervision"))))
def test_the_certificate_is_issued_once_when_the_last_requirement_is_met(tmp_path, people, order):
    course = board_course(tmp_path)
    ada, sam = people["ada"], people["sam"]
    steps = {
        "quizzes": lambda: pass_quizzes(ada, course),
        "ethics": lambda: requirements.sign_ethics(ada.id, course.id, ada.name, NOW),
        "work": lambda: approve(sam, log(ada, "2")),
        "supervision": lambda: approve(sam, log(ada, "1", kind="supervision")),
    }
    for step in order[:-1]:
        steps[step]()
        db.session.commit()
        assert certificates() == 0, step

    steps[order[-1]]()
    db.session.commit()

    assert certificates() == 1
    assert len(audit_events("certificate.issued")) == 1


def test_supervised_hours_keeps_counting_both_kinds_together(tmp_path, people):
    publish_course_with_requirements(tmp_path / "old", hours=3)
    course = published_course()
    ada, sam = people["ada"], people["sam"]
    pass_quizzes(ada, course)
    requirements.sign_ethics(ada.id, course.id, ada.name, NOW)
    approve(sam, log(ada, "2"))

    _, issued = approve(sam, log(ada, "1", activity="Supervision meeting", kind="supervision"))

    assert [c.course_id for c in issued] == [course.id]


def test_the_practice_page_lists_each_requirement_with_the_hours_it_counts(tmp_path, people):
    board_course(tmp_path, work=500, supervision=25)
    ada, sam = people["ada"], people["sam"]
    approve(sam, log(ada, "2"))
    log(ada, "1", kind="supervision")

    record = practice.practice_record(ada.id)

    assert record.required == [
        practice.HoursRequirement("Sample Course", "peer-support work", "work", 500, 120, 0),
        practice.HoursRequirement("Sample Course", "supervision", "supervision", 25, 0, 60),
    ]


# --- the course file -----------------------------------------------------------------------------


def test_work_and_supervision_hours_are_read_from_course_md(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace(
        "course.md",
        CERTIFICATE,
        CERTIFICATE + "  requires:\n    work_hours: 500\n    supervision_hours: 25\n",
    )

    loaded = course.load()

    assert loaded.problems == []
    (sample,) = loaded.courses
    assert (sample.work_hours, sample.supervision_hours, sample.supervised_hours) == (500, 25, 0)


def test_hours_requirement_values_are_checked(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace(
        "course.md",
        CERTIFICATE,
        CERTIFICATE + "  requires:\n    work_hours: 0\n    supervison_hours: 25\n",
    )

    problems = course.problems()

    assert problems[0].startswith(f"{WHERE}course.md:9: 'certificate.requires.work_hours' ")
    assert problems[1] == (
        f"{WHERE}course.md:10: unknown key 'supervison_hours' under 'certificate.requires' "
        "(did you mean 'supervision_hours'?)"
    )


# --- the migration -------------------------------------------------------------------------------


def test_upgrading_keeps_each_logged_session_and_gives_it_a_kind(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade(revision="0004s")
        for statement in (
            "INSERT INTO user_account (id, email, name, password_hash, created_at)"
            " VALUES (1, 'a@example.org', 'A', 'x', '2026-01-01 00:00:00')",
            "INSERT INTO course (id, slug, title, summary, overview_html, pass_mark,"
            " certificate_title, certificate_valid_for_months, content_hash, version,"
            " published_at, updated_at, supervised_hours) VALUES (1, 'c', 'C', 's', '', 80, 'T',"
            " 12, 'h', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 25)",
            *(
                "INSERT INTO practice_session (id, user_id, session_date, minutes, activity,"
                f" notes, status, logged_at) VALUES ({i}, 1, '2026-01-0{i}', 60, '{activity}',"
                f" '', '{status}', '2026-01-0{i} 12:00:00')"
                for i, activity, status in (
                    (1, "One-to-one peer support", "approved"),
                    (2, "Supervision meeting", "approved"),
                    (3, "Group facilitation", "pending"),
                )
            ),
        ):
            db.session.execute(text(statement))
        db.session.commit()

        upgrade()

        rows = db.session.execute(
            text("SELECT id, kind, status, minutes FROM practice_session ORDER BY id")
        ).all()
        assert [tuple(row) for row in rows] == [
            (1, "work", "approved", 60),
            (2, "supervision", "approved", 60),
            (3, "work", "pending", 60),
        ]
        hours = db.session.execute(
            text("SELECT supervised_hours, work_hours, supervision_hours FROM course")
        ).one()
        assert tuple(hours) == (25, 0, 0)
        # The course's requirement counts what it counted before: both approved sessions.
        assert certification.approved_practice_minutes(1) == 120


def test_hours_asked_is_the_one_rule_for_each_hours_requirement():
    """Only the requirements a course asks, each counted its way (supervised_hours: every kind),
    met at exactly the required minutes; the shortfalls are those not met."""
    course = SimpleNamespace(supervised_hours=2, work_hours=1, supervision_hours=0)
    approved = {"work": 60, "supervision": 59}

    asked = certification.hours_asked(course, approved)

    assert [(a.column, a.kind, a.required_hours, a.approved_minutes, a.met) for a in asked] == [
        ("supervised_hours", None, 2, 119, False),
        ("work_hours", "work", 1, 60, True),
    ]
    assert [a.column for a in certification.hours_shortfalls(course, approved)] == [
        "supervised_hours"
    ]
    assert certification.hours_asked(course, {"work": 61, "supervision": 59})[0].met
