"""`lms demo` with a published live session: a demo cohort with the demo trainee, the session a
week ahead with the demo supervisor facilitating; run again, nothing is duplicated. Without a
live session, nothing of the kind is made and nothing is said."""

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Cohort, Enrolment, Meeting
from tests.unit.test_commands import empty_app  # noqa: F401 - the fixture

SESSION_FILE = """---
title: "Role-play: listening"
minutes: 90
domain: mentoring-education
objectives: [Practice reflective listening]
---

Groups of three take turns as listener, speaker and observer.

## Skills checklist

- [ ] Reflects feelings back before giving information.
"""


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_schedules_the_live_session_once(empty_app, courses_dir):  # noqa: F811
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Live session" not in result.output
    with empty_app.app_context():
        assert count(Meeting) == 0 and count(Cohort) == 0
    sessions = next(courses_dir.iterdir()) / "sessions"
    sessions.mkdir()
    (sessions / "01-role-play-listening.md").write_text(SESSION_FILE, encoding="utf-8")

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Live session “Role-play: listening” is scheduled for Demo cohort on" in result.output
    runner.invoke(args=["demo"])
    with empty_app.app_context():
        [meeting] = db.session.scalars(select(Meeting)).all()
        assert meeting.facilitator.email == "supervisor@demo.example"
        assert meeting.minutes == 90
        [enrolment] = db.session.scalars(select(Enrolment)).all()
        assert enrolment.user.email == "trainee@demo.example"
        assert enrolment.cohort_id == meeting.cohort_id
        assert count(Cohort) == 1
