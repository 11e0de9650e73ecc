"""A trainee's data: the export holds every kind of record about them; erasing removes the personal
data and the learning records, keeps certificates verifiable without the name, and is audited."""

import json
from datetime import UTC, date, datetime

import pytest
from flask import current_app
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import (
    AuditEvent,
    Certificate,
    Cohort,
    Credential,
    Enrolment,
    EthicsSignature,
    Module,
    ModuleProgress,
    ModuleVersion,
    OutgoingEmail,
    PracticeSession,
    QuizAttempt,
    SentNotice,
    SignInThrottle,
    SupervisorAssignment,
    User,
    UserRole,
)
from lms.services.certification import certificate_lookup
from lms.services.certification.certificate_lookup import verify
from lms.services.certification.revocation import revoke
from lms.services.credentials import addresses, issuing
from lms.services.people import accounts, erasure, privacy, supervision
from tests.records import PASSWORD, audit_count, certify, person, publish

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
NOTE = "Co-facilitated the Tuesday group."


def count(model, **where):
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


@pytest.fixture
def world(app_ctx, courses_dir):
    """A trainee with one record of every kind, their supervisor, an admin, and another trainee."""
    course = publish(courses_dir)
    ada = person("ada.private@example.org", "Ada Lovelace")
    sam = person("sam@example.org", "Sam Supervisor", "supervisor")
    admin = person("alex@example.org", "Alex Admin", "admin")
    other = person("bo@example.org", "Bo Other")
    code = certify(ada, course).code
    certify(other, course)
    version = db.session.scalar(
        select(ModuleVersion).join(Module).where(Module.course_id == course.id).limit(1)
    )
    question = version.questions[0]
    right = next(c for c in question.choices if c.is_correct)
    db.session.add_all([
        QuizAttempt(
            user_id=ada.id, module_id=version.module_id, module_version_id=version.id,
            started_at=NOW, submitted_at=NOW, answers={str(question.id): [right.id]},
            score=100, passed=True,
        ),
        EthicsSignature(user_id=ada.id, course_id=course.id, text_hash="a" * 64,
                        typed_name="Ada Lovelace", signed_at=NOW),
        PracticeSession(user_id=ada.id, session_date=date(2026, 11, 20), minutes=90,
                        activity="group", notes=NOTE, status="approved",
                        reviewed_by_id=sam.id, reviewed_at=NOW, review_comment="Well done."),
    ])  # fmt: skip
    cohort = Cohort(name="Autumn 2026", starts_on=date(2026, 9, 1))
    db.session.add(cohort)
    db.session.flush()
    db.session.add(Enrolment(cohort_id=cohort.id, user_id=ada.id))
    db.session.commit()
    supervision.assign_supervisor(ada.id, sam.id)
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate("ada.private@example.org", "not the password")
    revoke(db.session.scalar(select(Certificate.id).where(Certificate.code == code)), admin.id,
           "Withdrawn while a complaint is looked into.")  # fmt: skip
    return {"ada": ada.id, "sam": sam.id, "admin": admin.id, "other": other.id, "code": code}


# --- export --------------------------------------------------------------------------------------


def test_the_export_holds_every_kind_of_record_and_is_json(world):
    data = privacy.export_for(world["ada"], now=NOW)

    assert json.loads(json.dumps(data)) == data
    assert data["exported_at"] == "2026-11-21T09:00:00+00:00"
    account = data["account"]
    assert (account["name"], account["email"], account["roles"]) == (
        "Ada Lovelace", "ada.private@example.org", ["trainee"]
    )  # fmt: skip
    assert account["created_at"].endswith("+00:00") and account["erased_at"] is None
    assert [(p["course"], p["module"]) for p in data["progress"]] == [
        ("sample-course", "first-steps"), ("sample-course", "listening")
    ]  # fmt: skip
    [attempt] = data["quiz_attempts"]
    assert attempt["module_version"] == 1 and attempt["score"] == 100 and attempt["passed"]
    assert attempt["answers"][0]["question"] == 1
    assert attempt["answers"][0]["chosen"] == ["Recovery looks different for each person."]
    assert attempt["answers"][0]["correct"] is True
    [signature] = data["ethics_signatures"]
    assert signature["typed_name"] == "Ada Lovelace" and signature["course"] == "sample-course"
    [session] = data["practice_sessions"]
    assert (session["date"], session["hours"], session["notes"]) == ("2026-11-20", 1.5, NOTE)
    assert (session["reviewed_by"], session["review_comment"]) == ("Sam Supervisor", "Well done.")
    [certificate] = data["certificates"]
    assert certificate["code"] == world["code"] and certificate["status"] == "revoked"
    assert [c["cohort"] for c in data["cohorts"]] == ["Autumn 2026"]
    assert [s["supervisor"] for s in data["supervisors"]] == ["Sam Supervisor"]
    assert data["sign_in_failures"]["failures"] == 1
    assert {e["action"] for e in data["audit_events"]} == {
        "certificate.issued", "certificate.revoked"
    }  # fmt: skip


def credential_of(code):
    return db.session.scalar(select(Credential).join(Certificate).where(Certificate.code == code))


def test_the_export_lists_where_each_credential_is_not_the_document(world):
    assert privacy.export_for(world["ada"], now=NOW)["credentials"] == []  # none made yet
    certificate_id = certificate_lookup.certificate_by_code(world["code"]).id
    row = issuing.ensure_credential(certificate_id)  # its first use: a download, the email

    data = privacy.export_for(world["ada"], now=NOW)

    config = current_app.config
    assert data["credentials"] == [
        {
            "certificate_code": world["code"],
            "issued_at": row.issued_at.isoformat(),
            "id": addresses.credential_url(config, world["code"]),
            "status_list": addresses.status_list_url(config, row.status_list),
            "status_index": str(row.status_index),
        }
    ]
    text = json.dumps(data["credentials"])
    assert "proof" not in text and "identityHash" not in text and "sha256$" not in text


def test_the_export_holds_nothing_about_anyone_else(world):
    text = json.dumps(privacy.export_for(world["other"]))

    assert "Ada Lovelace" not in text and "ada.private@example.org" not in text
    assert NOTE not in text and world["code"] not in text


# --- erasure -------------------------------------------------------------------------------------


def test_erasing_removes_personal_data_and_the_learning_records(world):
    ada = world["ada"]

    erasure.erase_trainee(world["admin"], ada, now=NOW)

    user = db.session.get(User, ada, populate_existing=True)
    assert user.name == "Erased account" and user.email == f"erased-{ada}@invalid"
    assert user.erased_at == NOW and user.role_names == set()
    for model in (ModuleProgress, QuizAttempt, EthicsSignature, PracticeSession, Enrolment):
        assert count(model, user_id=ada) == 0, model.__name__
    assert count(SupervisorAssignment, trainee_id=ada) == 0
    assert count(UserRole, user_id=ada) == 0
    assert count(SignInThrottle, email="ada.private@example.org") == 0
    assert count(ModuleProgress, user_id=world["other"]) == 2  # nobody else's records go


def test_erasing_removes_emails_to_them_that_still_hold_their_address_and_message(world):
    ada = world["ada"]
    for to, user_id in (("ada.private@example.org", ada), ("someone@example.org", world["other"])):
        db.session.add(OutgoingEmail(
            to_address=to, subject="Your certificate expires in 30 days", body="Hello, ...",
            purpose="renewal-reminder", user_id=user_id, status="failed",
        ))  # fmt: skip
    db.session.add(SentNotice(key=f"reminder:{ada}:30", user_id=ada))
    db.session.commit()

    erasure.erase_trainee(world["admin"], ada, now=NOW)

    assert count(OutgoingEmail, user_id=ada) == 0 and count(SentNotice, user_id=ada) == 0
    assert db.session.scalar(select(func.count()).select_from(OutgoingEmail)) == 1


def test_certificates_stay_and_verify_without_the_name(world):
    erasure.erase_trainee(world["admin"], world["ada"])

    assert count(Certificate, user_id=world["ada"]) == 1
    result = verify(world["code"])
    assert result.holder is None
    assert result.status == "revoked"  # the status is unchanged
    assert "Ada" not in repr(result)


def test_erasing_keeps_the_signed_credential_and_its_status_place(world):
    before = issuing.ensure_credential(certificate_lookup.certificate_by_code(world["code"]).id)
    kept = (before.id, before.status_list, before.status_index, before.document)

    erasure.erase_trainee(world["admin"], world["ada"])

    after = credential_of(world["code"])
    assert (after.id, after.status_list, after.status_index, after.document) == kept
    assert "ada.private" not in after.document and "Ada" not in after.document
    [listed] = privacy.export_for(world["ada"])["credentials"]
    assert listed["status_index"] == str(kept[2])


def test_an_erased_account_cannot_sign_in_and_its_session_ends(world):
    erasure.erase_trainee(world["admin"], world["ada"])

    for email in ("ada.private@example.org", f"erased-{world['ada']}@invalid"):
        with pytest.raises(accounts.SignInRefused) as refused:
            accounts.authenticate(email, PASSWORD)
        assert str(refused.value) == accounts.MISMATCH
    assert accounts.user_by_id(world["ada"]) is None


def test_erasing_is_audited_once_without_personal_data(world):
    erasure.erase_trainee(world["admin"], world["ada"])

    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "trainee.erased"))
    assert (event.actor_id, event.subject_id) == (world["admin"], world["ada"])
    assert event.summary == f"Erased the personal data of account #{world['ada']}"
    assert event.details["removed"]["quiz_attempts"] == 1
    text = json.dumps([event.summary, event.details])
    assert "Ada" not in text and "ada.private" not in text
    assert audit_count("trainee.erased") == 1


def test_only_an_admin_may_erase(world):
    with pytest.raises(erasure.ErasureRefused) as refused:
        erasure.erase_trainee(world["sam"], world["ada"])

    assert str(refused.value) == "Only an admin can erase an account."
    assert db.session.get(User, world["ada"]).erased_at is None
    assert audit_count("trainee.erased") == 0


def test_staff_accounts_and_ones_own_are_not_erased(world):
    staff = person("pat@example.org", "Pat Staff", "staff")

    with pytest.raises(erasure.ErasureRefused, match="holds the staff or admin role"):
        erasure.erase_trainee(world["admin"], staff.id)
    with pytest.raises(erasure.ErasureRefused, match="You cannot erase your own account."):
        erasure.erase_trainee(world["admin"], world["admin"])
    assert audit_count("trainee.erased") == 0


def test_an_account_is_erased_only_once(world):
    erasure.erase_trainee(world["admin"], world["ada"])

    with pytest.raises(erasure.ErasureRefused, match="already been erased"):
        erasure.erase_trainee(world["admin"], world["ada"])
    assert audit_count("trainee.erased") == 1
    _, refusal = erasure.account_to_erase(world["admin"], world["ada"])
    assert refusal == "This account has already been erased."


def test_erasing_a_supervisor_trainee_ends_their_supervision_of_others(world):
    # Sam is both a supervisor and (now) a trainee; his trainee keeps her supervision history.
    sam = db.session.get(User, world["sam"])
    sam.roles.append(UserRole(role="trainee"))
    db.session.commit()

    erasure.erase_trainee(world["admin"], world["sam"])

    [assignment] = supervision.assignment_history(world["ada"])
    assert assignment.supervisor_id == world["sam"] and assignment.ended_at is not None


def test_an_unknown_account_is_not_found(world):
    with pytest.raises(privacy.NotFound):
        erasure.erase_trainee(world["admin"], 987654)
    with pytest.raises(privacy.NotFound):
        erasure.account_to_erase(world["admin"], 987654)
