"""Approving several practice sessions at once: all or nothing, only one's own trainees, each
approval audited as a single one is, and the certificate issued once when they complete it."""

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import PracticeSession, User
from lms.services.certification import requirements
from lms.services.logbook import practice, practice_bulk
from lms.services.people import supervision
from tests.requirementkit import (
    NOW,
    audit_events,
    log,
    make_people,
    pass_quizzes,
    publish_course_with_requirements,
    published_course,
)
from tests.unit.test_certificate_concurrency import _run_together


@pytest.fixture
def people(app_ctx, tmp_path):
    publish_course_with_requirements(tmp_path / "required")  # 3 supervised hours
    found = make_people()
    supervision.assign_supervisor(found["bo"].id, found["pat"].id, now=NOW)
    return found


def statuses():
    return dict(db.session.execute(select(PracticeSession.id, PracticeSession.status)).all())


def test_several_sessions_are_approved_with_one_comment_each_audited(people):
    ada, sam = people["ada"], people["sam"]
    work, meeting = (
        log(ada, "1.5"),
        log(ada, "1", activity="Supervision meeting", kind="supervision"),
    )
    left = log(ada, "0.5")

    approval = practice_bulk.approve_sessions(sam, [work.id, meeting.id], " Well logged. ", now=NOW)

    assert [s.id for s in approval.sessions] == [work.id, meeting.id]
    assert statuses() == {work.id: "approved", meeting.id: "approved", left.id: "pending"}
    reviewed = db.session.get(PracticeSession, work.id)
    assert (reviewed.reviewed_by_id, reviewed.review_comment) == (sam.id, "Well logged.")
    events = audit_events("hours.approved")
    assert [(e.actor_id, e.subject_id) for e in events] == [(sam.id, ada.id)] * 2
    assert [e.summary for e in events] == [
        f"Approved 1.5 hours of practice on {NOW.date().isoformat()} (Group facilitation)",
        f"Approved 1 hour of supervision on {NOW.date().isoformat()} (Supervision meeting)",
    ]
    assert [e.details["kind"] for e in events] == ["work", "supervision"]
    assert [e.details["comment"] for e in events] == ["Well logged."] * 2


def test_an_id_of_another_supervisors_trainee_is_refused_and_nothing_is_approved(people):
    ada, bo, sam = people["ada"], people["bo"], people["sam"]
    mine, theirs = log(ada), log(bo)

    for forged in ([mine.id, theirs.id], [mine.id, theirs.id + 1000]):
        with pytest.raises(practice.RequirementError) as refused:
            practice_bulk.approve_sessions(sam, forged, now=NOW)

        assert refused.value.problems == {
            None: "1 session chosen is not from a trainee you supervise now. "
            "Nothing was approved: reload the page and try again."
        }
    assert statuses() == {mine.id: "pending", theirs.id: "pending"}
    assert audit_events("hours.approved") == []


def test_staff_cannot_approve_in_bulk_on_a_supervisors_behalf(people):
    session = log(people["ada"])

    with pytest.raises(practice.RequirementError):
        practice_bulk.approve_sessions(people["stella"], [session.id], now=NOW)

    assert statuses() == {session.id: "pending"}


def test_a_session_already_reviewed_refuses_the_whole_approval(people):
    ada, sam = people["ada"], people["sam"]
    first, second = log(ada), log(ada)
    practice.review_session(sam, second.id, "reject", "Which group?", now=NOW)

    with pytest.raises(practice.RequirementError) as refused:
        practice_bulk.approve_sessions(sam, [first.id, second.id], now=NOW)

    assert refused.value.problems == {
        None: f"Ada Trainee's session of {NOW.date().isoformat()} was already reviewed. Nothing "
        "was approved: reload the page to see what still waits."
    }
    assert statuses() == {first.id: "pending", second.id: "rejected"}


def test_nothing_chosen_and_a_long_comment_are_refused(people):
    session = log(people["ada"])

    with pytest.raises(practice.RequirementError) as empty:
        practice_bulk.approve_sessions(people["sam"], [], now=NOW)
    with pytest.raises(practice.RequirementError) as long:
        practice_bulk.approve_sessions(people["sam"], [session.id], "x" * 2001, now=NOW)

    assert empty.value.problems == {
        None: "Tick at least one session to approve, or press Approve all shown."
    }
    assert long.value.problems == {"comment": "Keep the comment to 2000 characters or fewer."}
    assert statuses() == {session.id: "pending"}


def test_approving_the_last_hours_in_bulk_issues_the_certificate_once(people):
    ada, sam = people["ada"], people["sam"]
    course = published_course()
    pass_quizzes(ada, course)
    requirements.sign_ethics(ada.id, course.id, ada.name, NOW)
    sessions = [log(ada, "1"), log(ada, "1"), log(ada, "1", kind="supervision")]

    approval = practice_bulk.approve_sessions(sam, [s.id for s in sessions], now=NOW)

    assert [(name, c.course_id) for name, c in approval.issued] == [("Ada Trainee", course.id)]
    assert len(audit_events("certificate.issued")) == 1


def test_two_bulk_approvals_of_the_same_session_at_once_approve_it_once(app, tmp_path):
    """Two tabs approve overlapping sessions at the same moment: one approval wins whole, the
    other approves nothing and says so; the certificate they complete is issued once."""
    with app.app_context():
        publish_course_with_requirements(tmp_path / "required")  # 3 supervised hours
        course, found = published_course(), make_people()
        ada, sam = found["ada"], found["sam"]
        pass_quizzes(ada, course)
        requirements.sign_ethics(ada.id, course.id, ada.name, NOW)
        # Any two of them make the course's 3 hours.
        first, shared, last = (log(ada, "1.5").id for _ in range(3))
        sam_id = sam.id
    wanted = ([first, shared], [shared, last])

    def approve(index):
        try:
            practice_bulk.approve_sessions(db.session.get(User, sam_id), wanted[index], now=NOW)
        except practice.RequirementError as error:
            db.session.rollback()
            return error.problems[None]
        return "approved"

    results = _run_together(app, approve)

    assert results.count("approved") == 1
    refused = results[1 - results.index("approved")]
    assert refused.endswith("Nothing was approved: reload the page to see what still waits.")
    with app.app_context():
        approved = [i for i, status in statuses().items() if status == "approved"]
        assert sorted(approved) == sorted(wanted[results.index("approved")])
        assert len(audit_events("hours.approved")) == 2
        assert len(audit_events("certificate.issued")) == 1
