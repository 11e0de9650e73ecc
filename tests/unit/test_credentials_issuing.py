"""Issuing each certificate as a signed Open Badges 3.0 credential: its shape against OB 3.0's
required fields, no personal data beyond a salted email hash, verification with the keyring's
keys (and after a rotation), and made when first needed, not with its certificate."""

import hashlib
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.jobs import jobs_of
from lms.models import Certificate, Credential
from lms.models.types import utcnow
from lms.services import program_day
from lms.services.credentials import issuing, keyring
from lms.vc.loader import OB_CONTEXT, VC_CONTEXT
from tests.credentialkit import BASE_URL, check, issuer  # noqa: F401  (issuer: a fixture)
from tests.records import certify, person, publish


@pytest.fixture
def course(app_ctx, issuer, courses_dir):  # noqa: F811
    return publish(courses_dir)


def issued(course, email="Ada.Private@example.org", name="Ada Private"):
    """A certificate and its credential, made as its first use (a download, the email) makes it."""
    certificate = certify(person(email, name), course)
    credential = issuing.ensure_credential(certificate.id)
    return certificate, credential, json.loads(credential.document)


def stored_credentials():
    return db.session.scalar(select(func.count(Credential.id)))


def test_the_credential_has_the_fields_open_badges_3_requires(course, issuer):  # noqa: F811
    certificate, credential, document = issued(course)

    assert document["@context"] == [VC_CONTEXT, OB_CONTEXT]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"{BASE_URL}/credentials/{certificate.code}.json"
    assert document["issuer"] == {
        "id": "did:web:training.example.org",
        "type": ["Profile"],
        "name": "Peer Support Academy",
        "url": BASE_URL,
    }
    assert document["validFrom"] == certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    # The moment its expiry day begins in the program's time zone (New York), not UTC midnight
    assert document["validUntil"] == f"{certificate.expires_on.isoformat()}T00:00:00-05:00"
    subject = document["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["id"] == f"{BASE_URL}/courses/sample-course/"
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Sample Certificate"
    assert achievement["description"]
    assert "every module of *Sample Course*" in achievement["criteria"]["narrative"]
    assert [a["targetName"] for a in achievement["alignment"]] == [
        "Advocacy", "Mentoring and education", "Recovery and wellness support",
        "Ethical responsibility",
    ]  # fmt: skip
    assert achievement["alignment"][0]["targetUrl"] == (
        f"{BASE_URL}/courses/sample-course/#domain-advocacy"
    )
    proof = document["proof"]
    assert (proof["type"], proof["cryptosuite"]) == ("DataIntegrityProof", "eddsa-rdfc-2022")
    assert proof["verificationMethod"] == credential.verification_method
    assert credential.verification_method.startswith("did:web:training.example.org#key-")


def test_the_holder_is_identified_by_a_salted_email_hash_never_the_email_or_name(course):
    certificate, credential, document = issued(course)

    [identity] = document["credentialSubject"]["identifier"]
    assert identity["type"] == "IdentityObject"
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    # the account keeps the email as normalised at sign-up (lower case)
    expected = hashlib.sha256(("ada.private@example.org" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    text = credential.document.lower()
    assert "ada.private" not in text and "@example.org" not in text, text
    assert "ada private" not in text and "name" not in document["credentialSubject"]


def test_each_credential_has_its_own_salt(course):
    _, _, first = issued(course, "one@example.org", "One")
    _, _, second = issued(course, "two@example.org", "Two")
    salts = {d["credentialSubject"]["identifier"][0]["salt"] for d in (first, second)}
    assert len(salts) == 2


def test_an_issued_credential_passes_every_check_with_the_keyrings_keys(course, issuer):  # noqa: F811
    _, _, document = issued(course)

    report = check(document, issuer)

    assert report.ok, report.checks
    assert [c.words for c in report.checks][1] == "Signed by Peer Support Academy, not altered"


def test_the_status_entry_points_at_a_random_place_in_the_served_list(course, issuer):  # noqa: F811
    _, credential, document = issued(course)

    entry = document["credentialStatus"]
    url = f"{BASE_URL}/credentials/status/{credential.status_list}"
    assert entry == {
        "id": f"{url}#{credential.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(credential.status_index),
        "statusListCredential": url,
    }


def test_criteria_name_every_requirement_of_the_course():
    course = SimpleNamespace(
        title="Peer Support *Core*",
        domains=["advocacy", "recovery-wellness"],
        training_hours={"total": 46, "advocacy": 10},
        required_sessions=["role-play"],
        required_checklists=["role-play", "crisis-drill"],
        ethics_hash="abc",
        supervised_hours=0,
        work_hours=500,
        supervision_hours=25,
    )

    narrative = issuing.criteria_narrative(course, {"role-play": "Role play: first contact"})

    assert narrative.splitlines() == [
        "To earn this certificate, the holder:",
        "",
        r"- Passed the quiz of every module of *Peer Support \*Core\**.",
        "- Completed 46 hours of training in all.",
        "- Completed 10 hours of training in Advocacy.",
        "- Attended the live session *Role play: first contact*, with its skills checklist "
        "complete.",
        "- Attended the live session *crisis-drill*, with its skills checklist complete.",
        "- Signed the course's code of ethics.",
        "- Had 500 hours of peer-support work approved by a supervisor.",
        "- Had 25 hours of supervision approved by a supervisor.",
    ]


def test_a_credential_signed_by_a_retired_key_still_verifies_after_rotation(course, issuer):  # noqa: F811
    _, old_credential, old = issued(course, "one@example.org", "One")

    new_key = keyring.add_key(issuer["LMS_ISSUER_KEYS"])
    _, new_credential, new = issued(course, "two@example.org", "Two")

    assert new_credential.verification_method.endswith("#" + new_key.id)
    assert old_credential.verification_method != new_credential.verification_method
    profile = issuing.issuer_profile_document(issuer)
    listed = {method["id"] for method in profile["verificationMethod"]}
    assert {old_credential.verification_method, new_credential.verification_method} <= listed
    assert check(old, issuer).ok and check(new, issuer).ok


def test_a_certificate_is_issued_without_a_credential_until_one_is_first_needed(course):
    certificate = certify(person("ada@example.org", "Ada"), course)
    assert stored_credentials() == 0  # not signed in the request that issued the certificate

    made = issuing.ensure_credential(certificate.id)
    again = issuing.ensure_credential(certificate.id)

    assert made.id == again.id and made.document == again.document
    assert stored_credentials() == 1
    assert json.loads(made.document)["id"].endswith(f"/credentials/{certificate.code}.json")
    assert json.loads(made.document)["validFrom"] == (
        certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")  # when it was issued, not signed
    )


def test_without_a_key_that_can_sign_the_certificate_is_issued_and_its_credential_waits(
    course,
    issuer,  # noqa: F811
):
    # A ring with only a retired public key cannot sign: the trainee still gets the
    # certificate; its credential is refused whole (nothing stored) until a key can sign.
    keyring.add_key(issuer["LMS_ISSUER_KEYS"])
    entries = json.loads(Path(issuer["LMS_ISSUER_KEYS"]).read_text())["keys"]
    for entry in entries:
        entry.pop("secretKeyMultibase", None)
    issuer["LMS_ISSUER_KEYS"] = json.dumps({"keys": entries})
    certificate = certify(person("ada@example.org", "Ada"), course)

    with pytest.raises(keyring.SigningKeyMissing):
        issuing.ensure_credential(certificate.id)

    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert stored_credentials() == 0


def test_a_full_status_list_sends_new_credentials_to_the_next(course, monkeypatch):
    monkeypatch.setattr(issuing, "LIST_SIZE", 2)  # two places a list, to fill one quickly

    places = [issued(course, f"t{n}@example.org", f"T{n}")[1] for n in range(3)]

    assert [(c.status_list) for c in places] == [1, 1, 2]
    assert {c.status_index for c in places[:2]} == {0, 1}


def test_an_erased_holders_certificate_without_a_credential_gets_none(course):
    certificate = certify(person("ada@example.org", "Ada"), course)
    certificate.user.erased_at = utcnow()
    db.session.commit()

    with pytest.raises(issuing.NotIssuable):
        issuing.ensure_credential(certificate.id)
    assert stored_credentials() == 0


def test_the_workers_periodic_task_signs_the_credentials_nobody_has_asked_for_yet(course, app):
    waiting = [certify(person(f"t{n}@example.org", f"T{n}"), course) for n in range(3)]
    erased = certify(person("gone@example.org", "Gone"), course)
    erased.user.erased_at = utcnow()
    already = issued(course, "early@example.org", "Early")[0]  # downloaded before the run
    db.session.commit()

    signed = jobs_of(app).sign_credentials.call_local()

    assert signed == 3
    made = {c.certificate_id: c for c in db.session.scalars(select(Credential))}
    assert set(made) == {c.id for c in waiting} | {already.id}  # the erased holder's: none
    for certificate in waiting:  # each as a download would have made it
        assert json.loads(made[certificate.id].document)["id"].endswith(
            f"/credentials/{certificate.code}.json"
        )
    assert jobs_of(app).sign_credentials.call_local() == 0  # nothing left: a second run signs none
    assert issuing.sign_pending(limit=1) == 0


def test_the_periodic_signing_takes_a_bounded_batch_a_run(course):
    for n in range(3):
        certify(person(f"t{n}@example.org", f"T{n}"), course)

    assert issuing.sign_pending(limit=2) == 2
    assert stored_credentials() == 2
    assert issuing.sign_pending(limit=2) == 1
    assert stored_credentials() == 3


@pytest.mark.parametrize(
    ("zone", "expires_on", "written"),
    [
        ("America/New_York", date(2027, 11, 21), "2027-11-21T00:00:00-05:00"),
        ("America/New_York", date(2027, 7, 4), "2027-07-04T00:00:00-04:00"),  # daylight time
        ("America/Los_Angeles", date(2027, 11, 21), "2027-11-21T00:00:00-08:00"),
        ("Asia/Tokyo", date(2027, 11, 21), "2027-11-21T00:00:00+09:00"),
        ("UTC", date(2027, 11, 21), "2027-11-21T00:00:00Z"),
        # Santiago's clocks skip from midnight to 1 AM: the day begins at 1 AM
        ("America/Santiago", date(2024, 9, 8), "2024-09-08T01:00:00-03:00"),
    ],
)
def test_valid_until_is_when_the_expiry_day_begins_in_the_programs_time_zone(
    app_ctx, zone, expires_on, written
):
    app_ctx.config["LMS_TIMEZONE"] = zone
    assert issuing.valid_until(expires_on) == written
    begins = datetime.fromisoformat(written.replace("Z", "+00:00"))
    assert program_day.day_of(begins) == expires_on
    assert program_day.day_of(begins - timedelta(seconds=1)) == expires_on - timedelta(days=1)
