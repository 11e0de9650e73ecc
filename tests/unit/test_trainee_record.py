"""A trainee's record for their supervisor: every attempt with its answers, practice sessions,
ethics signatures, certificates with the private reason, supervisors over time."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, User
from lms.services import audit, roster
from lms.services.authoring.publishing import sync_courses
from lms.services.learning import attempts
from tests import roster_data as rd
from tests.roster_data import NOW, TODAY


@pytest.fixture
def course(app_ctx, courses_dir):
    sync_courses(courses_dir)
    return db.session.scalar(select(Course).where(Course.slug == "sample-course"))


def answer(user_id, module_slug, pick):
    """Take the module's quiz, choosing the choices whose text starts with one of `pick`."""
    _, _, attempt, questions, _ = attempts.start_attempt(user_id, "sample-course", module_slug)
    answers = {q.id: [c.id for c in q.choices if c.text_html.startswith(pick)] for q in questions}
    attempts.submit_attempt(user_id, attempt.id, answers)


def test_the_record_holds_every_attempt_with_the_answers_given(course):
    staff = db.session.get(User, rd.person("Sam Staff", roles=("staff",)))
    ada = rd.person("Ada Trainee")
    db.session.commit()
    answer(ada, "first-steps", ("Recovery is the same", "Tell her"))  # wrong, then wrong
    answer(ada, "first-steps", ("Recovery looks different", "Welcome", "Share"))  # all right

    record = roster.trainee_record(staff, ada, today=TODAY)

    (course_record,) = record.courses
    assert course_record.row.course == "Sample Course"
    first, second = course_record.modules
    assert (first.title, first.state, first.best_score) == ("First Steps", "passed", 100)
    assert (second.title, second.state, second.attempts) == ("Listening", "not_started", [])
    failed, passed = first.attempts
    assert (failed.version_number, failed.score, failed.passed) == (1, 0, False)
    assert (passed.score, passed.passed) == (100, True)
    assert [a.right for a in failed.answers] == [False, False]
    assert "Which statement about recovery is true?" in failed.answers[0].stem_html
    assert failed.answers[0].chosen_html == ("Recovery is the same for each person.",)
    assert len(passed.answers[1].chosen_html) == 2
    assert [a.right for a in passed.answers] == [True, True]


def test_the_record_holds_practice_ethics_certificates_and_supervisors(course):
    course.ethics_hash = "a1b2c3d4" + "e" * 56
    staff_id = rd.person("Sam Staff", roles=("staff",))
    sue = rd.person("Sue Supervisor", roles=("supervisor",))
    sam = rd.person("Sam Supervisor", roles=("supervisor",))
    ada = rd.person("Ada Trainee")
    rd.supervise(sue, ada, at=NOW - timedelta(days=30))
    rd.supervise(sam, ada, at=NOW)
    rd.practice(ada, 2.5, on=TODAY - timedelta(days=2), comment="Well run", activity="Group")
    rd.practice(ada, 1, status="pending", on=TODAY)
    rd.practice(ada, 0.75, status="rejected", on=TODAY - timedelta(days=5), comment="Not it")
    rd.signature(ada, course.id, "0ld5ign8" + "f" * 56, at=NOW - timedelta(days=40))
    rd.signature(ada, course.id, course.ethics_hash, at=NOW)
    rd.certificate(ada, course.id, TODAY + timedelta(days=100), revoked="Conduct complaint upheld")
    audit.record("certificate.revoked", "Certificate revoked", actor_id=staff_id, subject_id=ada)
    db.session.commit()

    record = roster.trainee_record(db.session.get(User, sam), ada, today=TODAY)

    sessions = [(s.session_date, s.hours, s.activity, s.status, s.comment) for s in record.sessions]
    assert sessions == [
        (TODAY, "1", "Peer group", "pending", None),
        (TODAY - timedelta(days=2), "2.5", "Group", "approved", "Well run"),
        (TODAY - timedelta(days=5), "0.75", "Peer group", "rejected", "Not it"),
    ]  # fmt: skip
    assert (record.approved_hours, record.pending_hours) == ("2.5", "1")
    assert [(s.version, s.current, s.course) for s in record.signatures] == [
        ("a1b2c3d4", True, "Sample Course"),
        ("0ld5ign8", False, "Sample Course"),
    ]
    (certificate,) = record.certificates
    assert (certificate.status, certificate.revoked_reason) == (
        "revoked",
        "Conduct complaint upheld",
    )
    assert [event.summary for event in record.certificate_events] == ["Certificate revoked"]
    assert [(p.supervisor, p.ended_at) for p in record.supervisors] == [
        ("Sam Supervisor", None),
        ("Sue Supervisor", NOW),
    ]
    assert record.courses[0].row.status == "revoked"


def test_no_record_for_someone_who_is_not_a_trainee_or_not_there(course):
    staff = db.session.get(User, rd.person("Sam Staff", roles=("staff",)))
    other_staff = rd.person("Pat Staff", roles=("staff",))

    with pytest.raises(LookupError):
        roster.trainee_record(staff, other_staff)
    with pytest.raises(LookupError):
        roster.trainee_record(staff, 9999)
