"""A certificate's credential is made on first use, which may come at the same moment as another
first use (two downloads, the email's attachments) or as a revocation: one credential results,
and it shows the revocation whichever came first.

Each thread has its own app context, so its own database session and connection, as two requests
(or a request and the background worker) would.
"""

import json
import threading

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Credential
from lms.services.certification import certificate_lookup, revocation
from lms.services.credentials import issuing, status
from tests.credentialkit import bit_of, issuer  # noqa: F401  (issuer: a fixture)
from tests.records import certify, person, publish

from .test_certificate_concurrency import _run_together

REASON = "Found to have falsified the practice log."


def _certificate(app, courses_dir):
    with app.app_context():
        course = publish(courses_dir)
        staff = person("pat@example.org", "Pat", "staff")
        certificate = certify(person("ada@example.org", "Ada"), course)
        status.served_document(1)  # the list exists already, as it does once anyone fetched it
        db.session.commit()
        return certificate.id, staff.id


def test_two_first_uses_at_once_make_one_credential(app, issuer, courses_dir):  # noqa: F811
    certificate_id, _ = _certificate(app, courses_dir)

    def first_use(index):
        credential = issuing.ensure_credential(certificate_id)
        return credential.id, credential.document

    first, second = _run_together(app, first_use)

    assert first == second
    with app.app_context():
        assert db.session.scalar(select(func.count(Credential.id))) == 1


def test_a_revocation_while_the_credential_is_being_signed_shows_in_its_status(
    app,
    issuer,  # noqa: F811
    courses_dir,
    monkeypatch,
):
    certificate_id, staff_id = _certificate(app, courses_dir)
    signing, revoked = threading.Event(), threading.Event()
    sign = issuing.credential_for

    def slow_sign(*args, **kwargs):
        # The certificate was read as valid; the revocation comes now. Where it must wait for
        # the credential (PostgreSQL: the certificate is locked), the wait ends after 2 s.
        signing.set()
        revoked.wait(timeout=2)
        return sign(*args, **kwargs)

    monkeypatch.setattr(issuing, "credential_for", slow_sign)

    def work(index):
        if index == 0:
            return issuing.ensure_credential(certificate_id).document
        assert signing.wait(timeout=20)
        revocation.revoke(certificate_id, staff_id, REASON)
        revoked.set()
        return None

    document, _ = _run_together(app, work)

    with app.app_context():
        assert (
            certificate_lookup.certificate_by_code(
                json.loads(document)["id"].rsplit("/", 1)[1].removesuffix(".json")
            ).revoked_at
            is not None
        )
        assert bit_of(json.loads(document))  # the served list says revoked
