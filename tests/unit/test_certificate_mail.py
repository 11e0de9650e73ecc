"""Each new certificate emailed to its holder when their cohort asks for it: queued in the
outbox in the issuing transaction, sent by the worker's task (run inline here) through a real
SMTP server (aiosmtpd), once; never for a cohort that did not ask, a course outside the cohort,
or where email is not set up."""

import json
from datetime import date
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from lms import jobs
from lms.extensions import db
from lms.models import AuditEvent, OutgoingEmail
from lms.services import outbox
from lms.services.certification.certification import issue_if_due
from lms.services.certification.renewal import renew
from lms.services.certification.revocation import revoke
from lms.services.people import cohorts
from tests.cekit import RULE, give_renewal_rule
from tests.conftest import run_jobs
from tests.records import certify, publish
from tests.renewalkit import at, ce
from tests.unit.cohortkit import person
from tests.unit.test_outbox import FAR_FUTURE, smtp  # noqa: F401

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
    assert sorted(attachments) == [f"certificate-{code}.credential.json", f"certificate-{code}.pdf"]
    pdf = attachments[f"certificate-{code}.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    printed = PdfReader(BytesIO(pdf.get_content())).pages[0].extract_text()
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
    renewal = inbox.messages[1]
    assert renewal["To"] == "ada@example.org"
    attachments = {part.get_filename(): part for part in renewal.iter_attachments()}
    assert sorted(attachments) == [
        f"certificate-{new.code}.credential.json",
        f"certificate-{new.code}.pdf",
    ]  # the new certificate's files, not the old one's
    pdf = attachments[f"certificate-{new.code}.pdf"].get_content()
    printed = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert new.code in printed and old.code not in printed and "RENEWED" not in printed
    credential = json.loads(attachments[f"certificate-{new.code}.credential.json"].get_content())
    assert credential["id"].endswith(f"/credentials/{new.code}.json")


def test_a_certificate_revoked_before_its_email_goes_out_is_not_sent(
    app,
    app_ctx,
    courses_dir,
    smtp,  # noqa: F811
):
    inbox = smtp()
    course = publish(courses_dir)
    user = member(cohort_of(course))
    certificate = certify(user, course)
    [email] = queued()
    staff = person("pat@example.org", "Pat Staff", ["staff"])
    revoke(certificate.id, staff.id, "Issued in error")  # after queueing, before the worker

    run_jobs(app)

    assert inbox.messages == [] and inbox.tries == 0
    db.session.expire_all()
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.last_error == f"its certificate {certificate.code} was revoked after it was queued"
    assert jobs.jobs_of(app).huey.scheduled_count() == 0  # not tried again
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "email.failed"))
    assert event.summary == (
        "Email “Your certificate: Sample Certificate” to ada@example.org was not sent: its "
        f"certificate {certificate.code} was revoked after it was queued"
    )
    assert [failed.id for failed in outbox.failed_emails()] == [email.id]


def broken_attachments(certificate_id, settings):
    db.session.execute(select(OutgoingEmail.id)).all()  # a read begun, as the real one does
    raise RuntimeError("font file missing")


def test_attachments_that_cannot_be_made_are_a_failed_try_retried(app, app_ctx, courses_dir, smtp):  # noqa: F811
    inbox = smtp()
    course = publish(courses_dir)
    certify(member(cohort_of(course)), course)
    [email] = queued()
    db.session.commit()

    tries = [outbox.deliver(email.id, app.config, broken_attachments, {})]
    db.session.expire_all()
    assert (tries[0].outcome, tries[0].retry_in) == ("retry", outbox.RETRY_DELAYS[0])
    assert (email.status, email.attempts) == ("queued", 1)
    assert email.last_error == (f"{outbox.ATTACHMENTS_FAILED} (RuntimeError('font file missing'))")
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        tries.append(outbox.deliver(email.id, app.config, broken_attachments, {}))

    db.session.expire_all()
    assert [delivery.outcome for delivery in tries] == ["retry"] * 4 + ["failed"]
    assert (email.status, email.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert email.failed_at is not None and inbox.messages == []
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "email.failed"))
    assert "font file missing" in event.details["error"]
    assert [failed.id for failed in outbox.failed_emails()] == [email.id]


def test_the_worker_retries_an_email_whose_attachments_failed_once(
    app,
    app_ctx,
    courses_dir,
    smtp,  # noqa: F811
    monkeypatch,
):
    inbox = smtp()
    course = publish(courses_dir)
    code = certify(member(cohort_of(course)), course).code
    [email] = queued()
    db.session.commit()
    real = jobs.ATTACHMENTS
    monkeypatch.setattr(jobs, "ATTACHMENTS", broken_attachments)

    run_jobs(app)  # the task records the failed try instead of raising and losing it
    db.session.expire_all()
    assert (email.status, email.attempts) == ("queued", 1)
    assert jobs.jobs_of(app).huey.scheduled_count() == 1
    monkeypatch.setattr(jobs, "ATTACHMENTS", real)
    jobs.jobs_of(app).run_scheduled(FAR_FUTURE)

    db.session.expire_all()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, None)
    [message] = inbox.messages
    assert f"certificate-{code}.pdf" in [part.get_filename() for part in message.iter_attachments()]
