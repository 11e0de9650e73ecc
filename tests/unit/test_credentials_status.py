"""The revocation status lists: revoking flips exactly the credential's bit in the signed list as
served, in the revocation's own transaction; reinstating clears it; a renewal revokes nothing; a
credential first made after its certificate was revoked starts revoked."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Credential, CredentialStatusList
from lms.services.certification import renewal, revocation
from lms.services.credentials import issuing, keyring, status
from lms.vc import proof, status_list
from tests.credentialkit import BASE_URL, bit_of, check, issuer, served_list  # noqa: F401
from tests.records import certify, person, publish
from tests.renewalkit import at, ce, course_with_rule, holder

REASON = "Found to have falsified the practice log."


@pytest.fixture
def course(app_ctx, issuer, courses_dir):  # noqa: F811
    return publish(courses_dir)


def credential_document(certificate):
    """The certificate's signed credential, made now if this is its first use."""
    return json.loads(issuing.ensure_credential(certificate.id).document)


def stored_credential(certificate):
    return db.session.scalar(select(Credential).where(Credential.certificate_id == certificate.id))


def test_the_served_list_is_a_signed_bitstring_status_list_credential(course, issuer):  # noqa: F811
    certify(person("ada@example.org", "Ada"), course)

    document = served_list(1)

    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["id"] == f"{BASE_URL}/credentials/status/1"
    assert document["issuer"] == keyring.issuer_did(issuer)
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["encodedList"] == status_list.encode([])
    assert proof.verify_proof(document, keyring.public_key_for(issuer)).ok


def test_revoking_flips_exactly_its_bit_and_reinstating_clears_it(course, issuer):  # noqa: F811
    staff = person("pat@example.org", "Pat", "staff")
    first = certify(person("one@example.org", "One"), course)
    second = certify(person("two@example.org", "Two"), course)
    revoked_doc, kept_doc = credential_document(first), credential_document(second)

    revocation.revoke(first.id, staff.id, REASON)

    index = int(revoked_doc["credentialStatus"]["statusListIndex"])
    encoded = served_list(1)["credentialSubject"]["encodedList"]
    assert encoded == status_list.encode([index])  # its bit, and no other
    assert bit_of(revoked_doc) and not bit_of(kept_doc)
    assert [c.words for c in check(revoked_doc, issuer).checks][-1] == "revoked"
    assert check(kept_doc, issuer).ok

    revocation.reinstate(first.id, staff.id, "The log was checked again and is sound.")

    assert not bit_of(revoked_doc)
    assert check(revoked_doc, issuer).ok


def test_the_list_is_stored_in_the_revocations_own_commit(course):
    staff = person("pat@example.org", "Pat", "staff")
    certificate = certify(person("one@example.org", "One"), course)
    index = credential_document(certificate)["credentialStatus"]["statusListIndex"]

    revocation.revoke(certificate.id, staff.id, REASON)
    db.session.rollback()  # nothing uncommitted may be what made the bit appear

    row = db.session.get(CredentialStatusList, 1, populate_existing=True)
    encoded = json.loads(row.document)["credentialSubject"]["encodedList"]
    assert encoded == status_list.encode([int(index)])


def test_a_refused_revocation_leaves_the_list_as_it_was(course):
    staff = person("pat@example.org", "Pat", "staff")
    certificate = certify(person("one@example.org", "One"), course)
    before = status.served_document(1)

    with pytest.raises(revocation.RevocationError, match="Give a reason"):
        revocation.revoke(certificate.id, staff.id, "  ")

    assert status.served_document(1) == before


def test_a_list_with_no_credentials_yet_is_served_empty_and_others_are_not_found(
    app_ctx,
    issuer,  # noqa: F811
):
    assert served_list(1)["credentialSubject"]["encodedList"] == status_list.encode([])
    assert status.served_document(2) is None
    assert status.served_document(0) is None


def test_a_renewal_leaves_the_old_credential_valid_until_its_own_end(
    app_ctx,
    issuer,  # noqa: F811
    courses_dir,
    clock,
):
    course = course_with_rule(courses_dir)
    user, old = holder(clock, course)
    credential_document(old)  # signed before the renewal, as its email's attachment would be
    ce(user, 14, "elective")
    ce(user, 6, "ethics")
    clock.freeze(at(date(2026, 9, 1)))

    new = renewal.renew(old.id, actor_id=user.id)

    old_doc, new_doc = credential_document(old), credential_document(new)
    assert not bit_of(old_doc)
    assert check(old_doc, issuer).ok and check(new_doc, issuer).ok
    # Each ends when its own expiry day begins in New York
    assert new_doc["validUntil"] == "2028-01-15T00:00:00-05:00"
    assert old_doc["validUntil"] == "2027-01-15T00:00:00-05:00"
    assert old_doc["id"] != new_doc["id"]


def test_a_credential_made_for_an_already_revoked_certificate_starts_revoked(course):
    staff = person("pat@example.org", "Pat", "staff")
    certificate = certify(person("one@example.org", "One"), course)
    revocation.revoke(certificate.id, staff.id, REASON)  # before its credential's first use
    assert stored_credential(certificate) is None
    assert served_list(1)["credentialSubject"]["encodedList"] == status_list.encode([])

    made = issuing.ensure_credential(certificate.id)

    index = int(json.loads(made.document)["credentialStatus"]["statusListIndex"])
    assert served_list(1)["credentialSubject"]["encodedList"] == status_list.encode([index])
    assert bit_of(json.loads(made.document))


def test_a_certificate_reinstated_before_its_credential_was_made_gets_one_not_revoked(
    course,
    issuer,  # noqa: F811
):
    staff = person("pat@example.org", "Pat", "staff")
    certificate = certify(person("one@example.org", "One"), course)
    revocation.revoke(certificate.id, staff.id, REASON)
    revocation.reinstate(certificate.id, staff.id, "The log was checked again and is sound.")

    document = credential_document(certificate)

    assert not bit_of(document)
    assert check(document, issuer).ok
