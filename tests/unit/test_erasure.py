"""Erasing a trainee: it removes the personal data and the learning records, keeps certificates
verifiable without the name, and is audited; only an admin may, and never a staff account."""

import json

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import (
    AuditEvent,
    Certificate,
    Credential,
    Enrolment,
    EthicsSignature,
    ModuleProgress,
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
from lms.services.credentials import issuing
from lms.services.people import accounts, erasure, privacy, supervision
from tests.records import PASSWORD, audit_count, person
from tests.unit.privacykit import NOW, count, one_of_every_record


@pytest.fixture
def world(app_ctx, courses_dir):
    return one_of_every_record(courses_dir)


def credential_of(code):
    return db.session.scalar(select(Credential).join(Certificate).where(Certificate.code == code))


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
