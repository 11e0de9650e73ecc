"""Revoking and reinstating a certificate: a private reason, one transaction with its audit event,
and public verification that says "revoked" and nothing more."""

from dataclasses import fields
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent
from lms.services.certification import certificate_list, revocation
from lms.services.certification.certificate_lookup import NotFound, verify
from lms.services.certification.revocation import (
    REASON_MISSING,
    REASON_TOO_LONG,
    RevocationError,
    reinstate,
    revoke,
)
from tests.records import audit_count, certificate, certify, person, publish

REASON = "Found to have falsified the supervised practice log."


@pytest.fixture
def issued(app_ctx, courses_dir):
    course = publish(courses_dir)
    holder = person("ada.private@example.org", "Ada Holder")
    staff = person("pat@example.org", "Pat Staff", "staff")
    return {"code": certify(holder, course).code, "holder": holder, "staff": staff}


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_revoking_marks_the_certificate_revoked_with_its_reason_and_one_audit_event(issued):
    when = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)
    cert = certificate(issued["code"])

    revoke(cert.id, issued["staff"].id, f"  {REASON}  ", now=when)

    cert = certificate(issued["code"])
    assert cert.revoked_at == when and cert.revoked_reason == REASON
    [event] = events("certificate.revoked")
    assert event.actor_id == issued["staff"].id
    assert event.subject_id == issued["holder"].id
    assert event.details == {"code": issued["code"], "reason": REASON}
    assert issued["code"] in event.summary and "Sample Certificate" in event.summary


def test_public_verification_says_revoked_and_never_carries_the_reason(issued):
    cert = certificate(issued["code"])
    revoke(cert.id, issued["staff"].id, REASON)

    result = verify(issued["code"])

    assert result.status == "revoked"
    assert result.holder == "Ada Holder"
    assert {f.name for f in fields(result)} == {
        "code", "holder", "title", "issued_on", "expires_on", "status", "renewed_on",
        "current_code", "credential",
    }  # fmt: skip
    assert REASON not in repr(result)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required(issued, reason):
    cert = certificate(issued["code"])

    with pytest.raises(RevocationError) as error:
        revoke(cert.id, issued["staff"].id, reason)

    assert str(error.value) == REASON_MISSING
    assert error.value.field == "reason"
    assert certificate(issued["code"]).revoked_at is None
    assert audit_count("certificate.revoked") == 0


def test_a_reason_may_be_1000_characters_and_no_more(issued):
    cert = certificate(issued["code"])

    with pytest.raises(RevocationError) as error:
        revoke(cert.id, issued["staff"].id, "x" * 1001)
    assert str(error.value) == REASON_TOO_LONG == "Shorten the reason to 1000 characters or fewer."
    assert certificate(issued["code"]).revoked_at is None

    revoke(cert.id, issued["staff"].id, "x" * 1000)
    assert certificate(issued["code"]).revoked_reason == "x" * 1000


def test_revoking_a_revoked_certificate_is_refused_and_changes_nothing(issued):
    cert = certificate(issued["code"])
    revoke(cert.id, issued["staff"].id, REASON)

    with pytest.raises(RevocationError) as error:
        revoke(cert.id, issued["staff"].id, "A second reason.")

    assert str(error.value) == "This certificate is already revoked."
    assert error.value.field is None
    assert certificate(issued["code"]).revoked_reason == REASON
    assert audit_count("certificate.revoked") == 1


def test_only_a_revoked_certificate_can_be_reinstated(issued):
    cert = certificate(issued["code"])

    with pytest.raises(RevocationError) as error:
        reinstate(cert.id, issued["staff"].id, "Nothing to undo.")

    assert str(error.value) == "This certificate is not revoked, so it cannot be reinstated."
    assert audit_count("certificate.reinstated") == 0


def test_reinstating_makes_it_valid_again_and_is_audited_once(issued):
    cert = certificate(issued["code"])
    revoke(cert.id, issued["staff"].id, REASON)

    reinstate(cert.id, issued["staff"].id, "The log was checked again and is genuine.")

    cert = certificate(issued["code"])
    assert cert.revoked_at is None and cert.revoked_reason is None
    assert verify(issued["code"]).status == "valid"
    [event] = events("certificate.reinstated")
    assert event.subject_id == issued["holder"].id and event.actor_id == issued["staff"].id
    assert event.details == {
        "code": issued["code"], "reason": "The log was checked again and is genuine."
    }  # fmt: skip


def test_reinstating_needs_a_reason_too(issued):
    cert = certificate(issued["code"])
    revoke(cert.id, issued["staff"].id, REASON)

    with pytest.raises(RevocationError, match="Give a reason"):
        reinstate(cert.id, issued["staff"].id, " ")

    assert certificate(issued["code"]).revoked_at is not None


def test_an_unknown_certificate_is_not_found(issued):
    with pytest.raises(NotFound):
        revoke(987654, issued["staff"].id, REASON)
    with pytest.raises(NotFound):
        reinstate(987654, issued["staff"].id, REASON)


def test_history_lists_this_certificates_events_newest_first(issued, courses_dir):
    cert = certificate(issued["code"])
    revoke(cert.id, issued["staff"].id, REASON)
    reinstate(cert.id, issued["staff"].id, "Checked again.")

    history = revocation.certificate_history(certificate(issued["code"]))

    assert [event.action for event in history] == [
        "certificate.reinstated", "certificate.revoked", "certificate.issued"
    ]  # fmt: skip
    assert [event.details.get("reason") for event in history[:2]] == ["Checked again.", REASON]


def found(text):
    """The codes the staff list of certificates finds for `text` (its first page)."""
    return [row.code for row in certificate_list.certificate_page(text).rows]


def test_staff_find_certificates_by_code_name_or_email(issued):
    code = issued["code"]

    assert found("") == [code]
    assert found(code[-9:].lower()) == [code]
    assert found(code.replace("-", " ").lower()) == [code]
    assert found("ada hol") == [code]
    assert found("PRIVATE@EXAMPLE") == [code]
    assert found("nobody") == []
    assert found("%") == []  # a wildcard is matched as itself
