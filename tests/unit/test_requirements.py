"""Requirements beyond quizzes: signing the code of ethics, supervised practice hours and their
review, the trainee's checklist, and the certificate issued when the last requirement is met."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Course, EthicsSignature, UserRole
from lms.services.certification import certification, requirements
from lms.services.certification.requirements import NotFound, RequirementError
from lms.services.logbook import practice
from lms.services.people import supervision
from tests.requirementkit import (
    NOW,
    TODAY,
    approve,
    audit_events,
    change_ethics,
    log,
    make_people,
    person,
    publish_course_with_requirements,
    published_course,
)
from tests.statements import recorded_statements


@pytest.fixture
def folder(app_ctx, tmp_path):
    return publish_course_with_requirements(tmp_path / "required")


@pytest.fixture
def course(folder):
    return published_course()


@pytest.fixture
def people(course):
    return make_people()


def problems(call):
    with pytest.raises(RequirementError) as raised:
        call()
    return raised.value.problems


# --- the code of ethics --------------------------------------------------------------------------


def test_the_course_publishes_its_code_of_ethics_and_hours(course):
    ethics = requirements.current_ethics(course)

    assert '<h2 id="section-respect">Respect</h2>' in ethics.html
    assert ethics.text_hash == course.ethics_hash
    assert course.supervised_hours == 3 and requirements.has_requirements(course)


def test_signing_needs_the_full_name_as_on_the_account(course, people):
    ada = people["ada"]

    assert problems(lambda: requirements.sign_ethics(ada.id, course.id, "Ada")) == {
        "full_name": "Type your full name exactly as it appears on your account: Ada Trainee"
    }
    assert problems(lambda: requirements.sign_ethics(ada.id, course.id, "   ")) == {
        "full_name": "Type your full name to sign."
    }
    assert problems(
        lambda: requirements.sign_ethics(ada.id, course.id, "Ada Trainee", agreed=False)
    ) == {"agree": "Tick the box to show you have read the code and agree to follow it."}
    assert not requirements.has_current_signature(ada.id, course)

    signature, certificate = requirements.sign_ethics(ada.id, course.id, "  ada   TRAINEE ", NOW)

    assert certificate is None
    assert (signature.typed_name, signature.text_hash) == ("ada TRAINEE", course.ethics_hash)
    assert requirements.has_current_signature(ada.id, course)
    [signed] = audit_events("ethics.signed")
    assert (signed.actor_id, signed.subject_id) == (ada.id, ada.id)
    assert signed.summary == "Signed the code of ethics of Sample Course"


def test_signing_the_same_version_again_changes_nothing(course, people):
    ada = people["ada"]
    first, _ = requirements.sign_ethics(ada.id, course.id, "Ada Trainee", NOW)

    again, _ = requirements.sign_ethics(ada.id, course.id, "Ada Trainee", NOW + timedelta(days=1))

    assert again.id == first.id
    assert db.session.scalar(select(func.count(EthicsSignature.id))) == 1
    assert len(audit_events("ethics.signed")) == 1


def test_a_changed_code_asks_for_a_new_signature(folder, course, people):
    ada = people["ada"]
    requirements.sign_ethics(ada.id, course.id, "Ada Trainee", NOW)
    old_hash = course.ethics_hash

    change_ethics(folder)

    db.session.refresh(course)
    assert course.ethics_hash != old_hash
    assert not requirements.has_current_signature(ada.id, course)
    assert not certification.current_ethics_signed(ada.id, course.id)
    status = requirements.ethics_status(ada.id, course)
    assert status.signature is None and status.changed
    [_, ethics, _] = requirements.checklist(ada.id, course)
    assert (ethics.met, ethics.detail) == (
        False,
        "The code of ethics has changed: a new version needs your signature",
    )

    requirements.sign_ethics(ada.id, course.id, "Ada Trainee", NOW)

    assert requirements.has_current_signature(ada.id, course)
    assert certification.current_ethics_signed(ada.id, course.id)
    assert len(audit_events("ethics.signed")) == 2


def test_a_course_without_a_code_of_ethics_cannot_be_signed(app_ctx, courses_dir):
    from lms.services.authoring.publishing import sync_courses

    sync_courses(courses_dir)
    plain = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
    ada = person("Ada Trainee", "ada@example.org", "trainee")

    assert requirements.current_ethics(plain) is None
    assert not requirements.has_requirements(plain)
    with pytest.raises(NotFound):
        requirements.sign_ethics(ada.id, plain.id, "Ada Trainee")


# --- logging practice ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("", "Enter the number of hours, for example 1.5."),
        ("two", "Enter the number of hours as a number, for example 1.5."),
        ("NaN", "Enter the number of hours as a number, for example 1.5."),
        ("0", "Enter between 0.25 and 12 hours for one session."),
        ("12.25", "Enter between 0.25 and 12 hours for one session."),
        ("-1", "Enter between 0.25 and 12 hours for one session."),
        ("1.1", "Round to the nearest quarter hour, for example 1, 1.25, 1.5 or 1.75."),
    ],
)
def test_hours_must_be_quarter_hours_from_a_quarter_to_twelve(people, hours, message):
    assert problems(lambda: log(people["ada"], hours)) == {"hours": message}


@pytest.mark.parametrize(("hours", "minutes"), [("0.25", 15), ("1,5", 90), ("12", 720), ("2", 120)])
def test_hours_are_stored_as_minutes(people, hours, minutes):
    session = log(people["ada"], hours)

    assert (session.minutes, session.status) == (minutes, "pending")


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (
            TODAY + timedelta(days=2),
            "The date is in the future: log a session after it has happened.",
        ),
        (date(2024, 11, 20), "Sessions more than 2 years old cannot be logged."),
        ("21/11/2026", "Enter the date of the session, for example 2026-11-21."),
        ("", "Enter the date of the session, for example 2026-11-21."),
    ],
)
def test_the_date_is_not_in_the_future_nor_over_two_years_ago(people, on, message):
    assert problems(lambda: log(people["ada"], on=on)) == {"session_date": message}


def test_today_anywhere_on_earth_and_exactly_two_years_ago_are_accepted(people):
    late_evening = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)  # already the 22nd in Auckland
    ahead = practice.log_session(people["ada"].id, "2026-11-22", "1", "Other", "", now=late_evening)
    oldest = log(people["ada"], on=date(2024, 11, 21))

    assert ahead.session_date == date(2026, 11, 22)
    assert oldest.session_date == date(2024, 11, 21)


def test_every_problem_is_named_at_once(people):
    found = problems(
        lambda: practice.log_session(people["ada"].id, None, "", "Juggling", "x" * 2001, now=NOW)
    )

    assert found == {
        "session_date": "Enter the date of the session, for example 2026-11-21.",
        "hours": "Enter the number of hours, for example 1.5.",
        "activity": "Choose the kind of activity.",
        "notes": "Keep the notes to 2000 characters or fewer (these have 2001).",
    }


# --- reviewing practice --------------------------------------------------------------------------


def test_only_the_current_supervisor_may_review(people):
    ada, sam, pat = people["ada"], people["sam"], people["pat"]
    session = log(ada)

    for outsider in (pat, ada, people["bo"]):
        with pytest.raises(NotFound):
            approve(outsider, session)
    supervision.assign_supervisor(ada.id, pat.id, now=NOW)
    with pytest.raises(NotFound):
        approve(sam, session)  # no longer her supervisor

    reviewed, _ = approve(pat, session)

    assert (reviewed.status, reviewed.reviewed_by_id) == ("approved", pat.id)


def test_staff_cannot_approve_on_the_supervisors_behalf(people):
    ada, stella = people["ada"], people["stella"]
    session = log(ada)

    assert problems(lambda: approve(stella, session)) == {
        None: "Only Ada Trainee's supervisor, Sam Supervisor, can review these hours. Staff and "
        "admins cannot approve hours on a supervisor's behalf."
    }
    bo_session = log(people["bo"])
    assert problems(lambda: approve(stella, bo_session)) == {
        None: "Bo Trainee has no supervisor yet. Assign one: only the trainee's supervisor can "
        "review their hours."
    }


def test_staff_who_are_the_supervisor_may_review(people):
    ada, stella = people["ada"], people["stella"]
    stella.roles.append(UserRole(role="supervisor"))
    db.session.commit()
    supervision.assign_supervisor(ada.id, stella.id, now=NOW)

    reviewed, _ = approve(stella, log(ada))

    assert reviewed.status == "approved"


def test_a_rejection_needs_a_comment(people):
    session = log(people["ada"])

    for comment in ("", "   "):
        assert problems(
            lambda c=comment: practice.review_session(people["sam"], session.id, "reject", c)
        ) == {"comment": "Say why, so the trainee can fix it and log it again."}

    reviewed, _ = practice.review_session(
        people["sam"], session.id, "reject", " Log the group session separately. ", now=NOW
    )

    assert (reviewed.status, reviewed.review_comment) == (
        "rejected",
        "Log the group session separately.",
    )


def test_a_session_is_reviewed_once(people):
    sam = people["sam"]
    first, second = log(people["ada"]), log(people["ada"])
    approve(sam, first)
    practice.review_session(sam, second.id, "reject", "Not a practice session.", now=NOW)

    assert problems(lambda: approve(sam, first)) == {
        None: "This session has already been reviewed: it was approved."
    }
    assert problems(lambda: approve(sam, second)) == {
        None: "This session has already been reviewed: it was not approved."
    }
    assert len(audit_events("hours.approved")) == len(audit_events("hours.rejected")) == 1


def test_only_approved_hours_count(people):
    ada, sam = people["ada"], people["sam"]
    approved, rejected, _ = log(ada, "1.5"), log(ada, "2"), log(ada, "0.75")
    approve(sam, approved, "Well done.")
    practice.review_session(sam, rejected.id, "reject", "Wrong date.", now=NOW)

    assert requirements.approved_minutes(ada.id) == 90
    totals = practice.hours_totals(ada.id)
    assert (totals.approved_minutes, totals.pending_minutes) == (90, 45)
    assert requirements.approved_minutes(people["bo"].id) == 0


def test_reviews_are_audited_with_the_hours_and_the_comment(people):
    ada, sam = people["ada"], people["sam"]
    approve(sam, log(ada, "1.5", on=date(2026, 11, 20)), "Good reflection.")
    practice.review_session(sam, log(ada, "1").id, "reject", "Which group?", now=NOW)

    [approved] = audit_events("hours.approved")
    [rejected] = audit_events("hours.rejected")
    assert (approved.actor_id, approved.subject_id) == (sam.id, ada.id)
    assert approved.summary == ("Approved 1.5 hours of practice on 2026-11-20 (Group facilitation)")
    assert approved.details["hours"] == "1.5" and approved.details["comment"] == "Good reflection."
    assert (
        rejected.summary == "Did not approve 1 hour of practice on 2026-11-21 (Group facilitation)"
    )
    assert rejected.details["comment"] == "Which group?"


def test_the_queue_holds_pending_sessions_of_current_trainees_oldest_first(app, people):
    ada, bo, sam = people["ada"], people["bo"], people["sam"]
    supervision.assign_supervisor(bo.id, people["pat"].id, now=NOW)
    newer, older = log(ada, on=date(2026, 11, 20)), log(ada, on=date(2026, 11, 1))
    approve(sam, log(ada, on=date(2026, 10, 1)))
    log(bo)

    queue = practice.pending_page_for_supervisor(sam.id).rows
    assert [s.id for s in queue] == [older.id, newer.id]
    assert practice.pending_count_for_supervisor(sam.id) == 2


@pytest.mark.parametrize("trainees", [1, 12])
def test_the_queue_is_one_query_however_many_trainees(app, people, trainees):
    sam_id = people["sam"].id
    for n in range(trainees):
        trainee = person(f"Trainee {n}", f"t{n}@example.org", "trainee")
        supervision.assign_supervisor(trainee.id, sam_id, now=NOW)
        log(trainee, notes=f"Session {n}")
    db.session.expire_all()
    with recorded_statements() as statements:
        queue = practice.pending_page_for_supervisor(sam_id).rows
        names = [session.user.name for session in queue]

    assert len(names) == trainees
    assert len(statements) == 1
