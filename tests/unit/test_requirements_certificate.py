"""The certificate of a course with requirements beyond quizzes: issued exactly when the last one is
met, whichever it is, with one audit event; and the checklist that shows what is missing."""

from datetime import timedelta
from itertools import permutations

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Certificate, Module, ModuleProgress, User
from lms.services.certification import certification, requirements, revocation
from lms.services.learning import attempts
from lms.services.logbook import practice
from tests.requirementkit import (
    NOW,
    approve,
    audit_events,
    change_ethics,
    log,
    make_people,
    pass_quizzes,
    publish_course_with_requirements,
    published_course,
)
from tests.statements import recorded_statements
from tests.unit.test_certificate_concurrency import _run_together


@pytest.fixture
def course(app_ctx, tmp_path):
    publish_course_with_requirements(tmp_path / "required")
    return published_course()


@pytest.fixture
def people(course):
    return make_people()


def certificate_count():
    return db.session.scalar(select(func.count(Certificate.id)))


def sign(user, course):
    return requirements.sign_ethics(user.id, course.id, user.name, NOW)[1]


def complete_hours(user, supervisor):
    """Log and approve the course's 3 hours; returns what the last approval issued."""
    approve(supervisor, log(user, "2"))
    return approve(supervisor, log(user, "1"))[1]


STEPS = ("quizzes", "ethics", "hours")


@pytest.mark.parametrize("order", list(permutations(STEPS)), ids="-then-".join)
def test_the_certificate_is_issued_when_the_last_requirement_is_met(course, people, order):
    ada, sam = people["ada"], people["sam"]
    done = {
        "quizzes": lambda: pass_quizzes(ada, course),
        "ethics": lambda: sign(ada, course),
        "hours": lambda: complete_hours(ada, sam),
    }

    for step in order[:-1]:
        assert not done[step](), step
        assert certificate_count() == 0 and not certification.certificate_due(ada.id, course.id)
    issued = done[order[-1]]()

    assert issued, order[-1]
    [certificate] = db.session.scalars(select(Certificate)).all()
    assert certificate.user_id == ada.id and certification.certificate_due(ada.id, course.id)
    [event] = audit_events("certificate.issued")
    assert event.subject_id == ada.id
    assert event.actor_id == (sam.id if order[-1] == "hours" else ada.id)
    assert event.summary == f"Certificate {certificate.code} issued for Sample Course"
    assert event.details == {"code": certificate.code, "course": "sample-course"}
    # Once each: the steps' own events, and no second certificate on a later call.
    assert len(audit_events("ethics.signed")) == 1
    assert len(audit_events("hours.approved")) == 2
    assert certification.issue_if_due(ada.id, course.id, now=NOW).id == certificate.id
    assert len(audit_events("certificate.issued")) == 1


@pytest.mark.parametrize("order", list(permutations(STEPS)), ids="-then-".join)
def test_with_training_hours_required_too_the_last_step_issues_exactly_one(
    app_ctx, tmp_path, order
):
    publish_course_with_requirements(tmp_path / "training", training=True)
    course = published_course()
    assert course.training_hours == {"total": 1}
    people = make_people()
    ada, sam = people["ada"], people["sam"]
    done = {
        "quizzes": lambda: pass_quizzes(ada, course),
        "ethics": lambda: sign(ada, course),
        "hours": lambda: complete_hours(ada, sam),
    }

    for step in order[:-1]:
        assert not done[step](), step
        assert certificate_count() == 0
    assert done[order[-1]]()
    assert certificate_count() == 1
    assert certification.issue_if_due(ada.id, course.id, now=NOW) is not None
    assert len(audit_events("certificate.issued")) == 1


def test_hours_short_of_the_requirement_do_not_issue(course, people):
    ada, sam = people["ada"], people["sam"]
    pass_quizzes(ada, course)
    sign(ada, course)
    approve(sam, log(ada, "2.75"))
    practice.review_session(sam, log(ada, "1").id, "reject", "Not supervised.", now=NOW)
    log(ada, "4")  # waiting for review: does not count

    assert certificate_count() == 0
    assert not certification.practice_hours_approved(ada.id, course.id)
    assert not audit_events("certificate.issued")

    assert approve(sam, log(ada, "0.25"))[1]


def test_nothing_is_audited_when_no_certificate_is_issued(course, people):
    ada = people["ada"]
    pass_quizzes(ada, course)

    assert certification.issue_if_due(ada.id, course.id, now=NOW) is None
    assert not audit_events("certificate.issued")


def test_a_holder_meeting_a_requirement_again_is_not_told_of_a_new_certificate(app_ctx, tmp_path):
    """Passing a quiz again, or signing a changed code of ethics, after the certificate was
    issued (and even after it was revoked) issues nothing, and must not say it did: the pages
    announce "your certificate is ready" for what these return."""
    folder = publish_course_with_requirements(tmp_path / "again")
    course = published_course()
    people = make_people()
    ada, sam = people["ada"], people["sam"]
    pass_quizzes(ada, course)
    sign(ada, course)
    certificate = complete_hours(ada, sam)[0]
    revocation.revoke(certificate.id, people["stella"].id, "Hours were not supervised.")

    later = NOW + timedelta(days=30)
    _, version, attempt, questions, _ = attempts.start_attempt(
        ada.id, "sample-course", "first-steps", later
    )
    right = {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}
    graded, issued = attempts.submit_attempt(ada.id, attempt.id, right, now=later)
    assert graded.passed and issued is None

    change_ethics(folder)
    signature, issued = requirements.sign_ethics(ada.id, course.id, ada.name, later)
    assert signature.signed_at == later and issued is None
    assert certificate_count() == 1 and len(audit_events("certificate.issued")) == 1


# --- the checklist -------------------------------------------------------------------------------


def details(items):
    return [(item.kind, item.met, item.detail, item.on) for item in items]


def test_the_checklist_says_what_is_still_missing(course, people):
    ada, sam = people["ada"], people["sam"]

    assert details(requirements.checklist(ada.id, course)) == [
        ("modules", False, "0 of 2 quizzes passed", None),
        ("ethics", False, "Not signed yet", None),
        ("hours", False, "0 of 3 hours approved", None),
    ]
    assert [item.what for item in requirements.checklist(ada.id, course)] == [
        "Pass every module quiz",
        "Sign the code of ethics",
        "3 hours of supervised practice, approved by your supervisor",
    ]

    approve(sam, log(ada, "1.5"))
    log(ada, "0.75")
    sign(ada, course)

    assert details(requirements.checklist(ada.id, course)) == [
        ("modules", False, "0 of 2 quizzes passed", None),
        ("ethics", True, "Signed", NOW),
        ("hours", False, "1.5 of 3 hours approved (0.75 waiting for review)", None),
    ]

    pass_quizzes(ada, course)
    complete_hours(ada, sam)

    assert all(item.met for item in requirements.checklist(ada.id, course))


def test_the_checklist_takes_three_queries(course, people):
    ada = people["ada"]
    db.session.refresh(course)
    with recorded_statements() as statements:
        found = requirements.checklists(ada.id, [course])

    assert list(found) == [course.id]
    assert len(statements) == 3


def test_another_trainees_record_does_not_count(course, people):
    ada, bo = people["ada"], people["bo"]
    pass_quizzes(ada, course)
    sign(ada, course)

    assert details(requirements.checklist(bo.id, course))[:2] == [
        ("modules", False, "0 of 2 quizzes passed", None),
        ("ethics", False, "Not signed yet", None),
    ]


def test_the_last_quiz_and_the_last_hours_at_once_issue_one_certificate(app, tmp_path):
    """A trainee passes their last quiz while their supervisor approves their last hours: each
    request asks for the certificate before committing, and exactly one is issued."""
    with app.app_context():
        publish_course_with_requirements(tmp_path / "required")
        course, people = published_course(), make_people()
        ada, sam = people["ada"], people["sam"]
        sign(ada, course)
        approve(sam, log(ada, "2"))
        last_session = log(ada, "1")
        first, last = db.session.scalars(
            select(Module.id).where(Module.course_id == course.id).order_by(Module.position)
        ).all()
        db.session.add(ModuleProgress(user_id=ada.id, module_id=first, passed_at=NOW))
        db.session.commit()
        ids = (ada.id, sam.id, course.id, last_session.id)

    def complete(index):
        ada_id, sam_id, course_id, session_id = ids
        if index == 0:
            db.session.add(ModuleProgress(user_id=ada_id, module_id=last, passed_at=NOW))
            db.session.flush()
            certificate = certification.issue_if_due(ada_id, course_id, now=NOW)
            db.session.commit()
            return certificate and certificate.id
        supervisor = db.session.get(User, sam_id)
        _, issued = practice.review_session(supervisor, session_id, "approve", now=NOW)
        return issued[0].id if issued else None

    results = _run_together(app, complete)

    with app.app_context():
        [certificate] = db.session.scalars(select(Certificate)).all()
        assert certificate.id in results and set(results) <= {certificate.id, None}
        assert len(audit_events("certificate.issued")) == 1
