"""Each new certificate emailed to its holder when their cohort asks for it: queued in the
outbox in the issuing transaction, sent by the worker's task (run inline here) through a real
SMTP server (aiosmtpd), once; never for a cohort that did not ask, a course outside the cohort,
or where email is not set up."""

import json
from datetime import date
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from lms.extensions import db
from lms.models import OutgoingEmail, User
from lms.services import cohorts
from lms.services.certification import issue_if_due
from lms.services.renewal import renew
from tests.cekit import RULE, give_renewal_rule
from tests.conftest import run_jobs
from tests.records import certify, publish
from tests.renewalkit import at, ce
from tests.unit.cohortkit import person
from tests.unit.test_outbox import smtp  # noqa: F401

BASE = "https://training.example.org"


def cohort_of(course, email_certificates=True):
    found = cohorts.create_cohort("Autumn", date(2026, 9, 1), None, [course.id])
    if email_certificates:
        cohorts.set_email_certificates(found.id, True, actor_id=None)
    return found


def member(found, email="ada@example.org", name="Ada Holder"):
    user, _ = cohorts.enrol(found.id, email, name)
    return user


def queued():
    return list(db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)))


def test_a_new_certificate_is_emailed_once_with_its_links(app, app_ctx, courses_dir, smtp):  # noqa: F811
    inbox = smtp()
    course = publish(courses_dir)
    user = member(cohort_of(course))

    certificate = certify(user, course)
    assert issue_if_due(user.id, course.id).id == certificate.id  # already issued: no new email
    code = certificate.code

    [email] = queued()
    assert (email.purpose, email.to_address, email.user_id) == (
        "new-certificate",
        "ada@example.org",
        user.id,
    )
    run_jobs(app)
    [message] = inbox.messages
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Your certificate: Sample Certificate"
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.startswith("Hello Ada Holder,\n\nCongratulations: you have earned your certificate")
    assert "Your certificate is attached as a PDF, ready to print, with its signed" in body
    assert f"{BASE}/certificates/{code}\n" in body and f"{BASE}/verify/{code}\n" in body
    assert f"Its code is {code}." in body
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert f"certificate-{code}.pdf" in attachments
    assert attachments[f"certificate-{code}.pdf"].get_content_type() == "application/pdf"
    printed = (
        PdfReader(BytesIO(attachments[f"certificate-{code}.pdf"].get_content()))
        .pages[0]
        .extract_text()
    )
    assert "Ada Holder" in printed and code in printed
    credential = json.loads(attachments[f"certificate-{code}.credential.json"].get_content())
    assert "OpenBadgeCredential" in credential["type"] and "ada@example.org" not in str(credential)
    assert run_jobs(app) == 0 and len(inbox.messages) == 1


def test_sent_even_to_someone_who_chose_only_essential_emails(app, app_ctx, courses_dir, smtp):  # noqa: F811
    inbox = smtp()
    course = publish(courses_dir)
    user = member(cohort_of(course))
    user.quiet_emails = True
    db.session.commit()

    certify(user, course)
    run_jobs(app)

    assert len(inbox.messages) == 1


def test_no_email_when_the_cohort_did_not_ask(app, app_ctx, courses_dir, smtp):  # noqa: F811
    smtp()
    course = publish(courses_dir)
    user = member(cohort_of(course, email_certificates=False))

    certify(user, course)

    assert queued() == []


def test_no_email_for_someone_outside_the_cohort(app, app_ctx, courses_dir, smtp):  # noqa: F811
    smtp()
    course = publish(courses_dir)
    cohort_of(course)
    outsider = person("out@example.org", "Out Sider", ["trainee"])

    certify(outsider, course)

    assert queued() == []


def test_no_email_when_email_is_not_set_up(app, app_ctx, courses_dir):
    course = publish(courses_dir)
    user = member(cohort_of(course))

    certify(user, course)

    assert queued() == []


def test_a_renewal_is_emailed_with_its_new_code(app, app_ctx, courses_dir, smtp, clock):  # noqa: F811
    inbox = smtp()
    course = give_renewal_rule(publish(courses_dir), RULE)
    clock.freeze(at(date(2026, 1, 15)))
    user = member(cohort_of(course))
    old = certify(user, course)
    ce(user, 14, "elective")
    ce(user, 6, "ethics")
    clock.freeze(at(date(2026, 9, 1)))

    new = renew(old.id, actor_id=user.id)
    run_jobs(app)

    assert [message["Subject"] for message in inbox.messages] == [
        "Your certificate: Sample Certificate",
        "Your certificate is renewed: Sample Certificate",
    ]
    body = inbox.messages[1].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert f"Its new code is {new.code}" in body and f"{BASE}/verify/{new.code}" in body
    assert db.session.get(User, user.id).email == "ada@example.org"
