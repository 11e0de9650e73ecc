"""The email queue: an email is written as an OutgoingEmail row in the caller's transaction and
sent later by the background worker (lms/jobs), never inside a web request, with retries when
the mail server refuses or cannot be reached, and a record of a message that finally failed.

This module knows nothing of the worker: queue_email() notes the new row's id on the session,
and the worker's after-commit hook (lms/jobs) enqueues it once the transaction commits, so a
rolled-back transaction sends nothing. A periodic sweep (stranded_ids) picks up any row whose
enqueue was lost (a worker or Redis down at that moment), so a lost enqueue is not a lost email.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, insert, or_, select, update

from ..extensions import db
from ..models import OutgoingEmail
from ..models.types import utcnow
from . import audit
from .mail import MailError, mail_configured, send_mail

SESSION_KEY = "lms_outbox_queued"  # ids queued in this transaction, for the after-commit hook
MAX_ATTEMPTS = 5
# Seconds to wait after a failed try before the next: 1 minute, 5, 30, then 2 hours.
RETRY_DELAYS = (60, 300, 1800, 7200)
# A row never tried this long after it was queued lost its enqueue. One tried k times is due
# again RETRY_DELAYS[0] + ... + RETRY_DELAYS[k - 1] after it was queued (plus the few seconds
# each try took); this long past that, its scheduled retry was lost (Redis flushed or restarted
# without its data, or the worker died mid-send) and the sweep hands it over again. A try still
# under way cannot be that late: a send gives up after mail.TIMEOUT seconds without an answer.
NEVER_TRIED_AFTER = timedelta(minutes=5)
OVERDUE_AFTER = timedelta(minutes=10)
NOT_SET_UP = "Email is not set up here (LMS_SMTP_HOST and LMS_BASE_URL), so it was not sent."
ATTACHMENTS_FAILED = "The certificate's files to attach could not be made"

log = logging.getLogger(__name__)


def queue_email(to, subject, body, purpose, user_id=None, certificate_id=None):
    """Add an email to the caller's transaction; it is sent after the caller commits. With a
    certificate, the certificate's files are attached when it is sent."""
    email = OutgoingEmail(
        to_address=to,
        subject=subject[:300],
        body=body,
        purpose=purpose,
        user_id=user_id,
        certificate_id=certificate_id,
    )
    db.session.add(email)
    db.session.flush()
    db.session.info.setdefault(SESSION_KEY, []).append(email.id)
    return email


def post_email(to, subject, body, purpose, user_id=None):
    """Queue one email in a transaction of its own (a page that only sends an email). Commits."""
    email = queue_email(to, subject, body, purpose, user_id)
    db.session.commit()
    return email


def queue_emails(rows):
    """Add many emails (dicts of to_address, subject, body, purpose, user_id) to the caller's
    transaction in one statement; they are sent after the caller commits."""
    if not rows:
        return []
    now = utcnow()
    fixed = {"status": "queued", "attempts": 0, "created_at": now}
    values = [{**row, "subject": row["subject"][:300], **fixed} for row in rows]
    ids = list(db.session.scalars(insert(OutgoingEmail).values(values).returning(OutgoingEmail.id)))
    db.session.info.setdefault(SESSION_KEY, []).extend(ids)
    return ids


def take_queued_ids(session):
    """The ids queued in a transaction that has just committed (for the after-commit hook)."""
    return session.info.pop(SESSION_KEY, [])


def forget_queued_ids(session):
    """A rolled-back transaction queued nothing."""
    session.info.pop(SESSION_KEY, None)


class NotToBeSent(Exception):
    """Raised by `attachments_for` when the email must not go out at all (its certificate was
    revoked after it was queued); the message, for staff, says why. Not retried."""


@dataclass(frozen=True)
class Delivery:
    """What one try at sending came to: "sent", "retry" (in retry_in seconds), "failed",
    "skipped" (already sent or failed, or another worker is trying it), or "dropped" (written at
    sending, with no one to write to: the row is gone)."""

    outcome: str
    retry_in: int | None = None


def deliver(email_id, settings, attachments_for, writers):
    """Try to send one queued email now. Commits. Safe to call twice at once for the same email:
    each try is claimed by moving `attempts` on from the value read, which only one caller can.
    `attachments_for(certificate_id, settings)` makes the files of an email that brings a
    certificate (services.certification.certificate_files.email_attachments), when it is sent;
    required, so that no caller can send such an email without its files. Should it raise, the
    try is recorded as failed and retried like a refused send: the email never stays queued
    untried.
    Should it raise NotToBeSent, the email is not sent, and recorded as failed with the reason.

    `writers` maps a purpose to `write(to_address, settings)`, which writes the body of an email
    of that purpose queued with none (a password-reset link, made at each try): (user id, body),
    or None when there is no one to write to, and the row is deleted unsent. Required, so that no
    caller sends such an email empty."""
    email = db.session.get(OutgoingEmail, email_id, populate_existing=True)
    if email is None or email.status != "queued":
        db.session.rollback()
        return Delivery("skipped")
    tried = email.attempts
    to, subject, body = email.to_address, email.subject, email.body
    certificate_id, user_id = email.certificate_id, email.user_id
    write = None if body else writers.get(email.purpose)
    if write is not None:
        written = write(to, settings)
        if written is None:  # no one to write to: not a failure, and nothing of it is kept
            db.session.execute(delete(OutgoingEmail).where(OutgoingEmail.id == email_id))
            db.session.commit()
            return Delivery("dropped")
        user_id, body = written
    if not mail_configured(settings):
        email.user_id = user_id
        email.attempts, email.status = tried + 1, "failed"
        email.last_error, email.failed_at = NOT_SET_UP, utcnow()
        db.session.commit()
        return Delivery("failed")
    claimed = db.session.execute(
        update(OutgoingEmail)
        .where(
            OutgoingEmail.id == email_id,
            OutgoingEmail.status == "queued",
            OutgoingEmail.attempts == tried,
        )
        .values(attempts=tried + 1, user_id=user_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()  # the claim is committed before the (slow) send: no lock held meanwhile
    if not claimed:
        return Delivery("skipped")
    try:
        attachments = attachments_for(certificate_id, settings) if certificate_id else ()
    except NotToBeSent as reason:
        db.session.rollback()
        return _record_not_to_be_sent(email_id, str(reason))
    except Exception as error:  # whatever broke (a font, the database), the try is recorded
        log.exception("could not make the attachments of email %s", email_id)
        db.session.rollback()  # the failed read may have left the transaction unusable
        return _record_failure(email_id, tried + 1, f"{ATTACHMENTS_FAILED} ({error!r})")
    try:
        send_mail(settings, to, subject, body, attachments)
    except MailError as error:
        return _record_failure(email_id, tried + 1, str(error))
    db.session.execute(
        update(OutgoingEmail)
        .where(OutgoingEmail.id == email_id)
        .values(status="sent", sent_at=utcnow(), body="", last_error=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return Delivery("sent")


def _record_failure(email_id, attempts, error):
    email = db.session.get(OutgoingEmail, email_id, populate_existing=True)
    email.last_error = error[:2000]
    if attempts < MAX_ATTEMPTS:
        db.session.commit()
        return Delivery("retry", RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])
    return _fail(email, f" after {attempts} tries")


def _record_not_to_be_sent(email_id, reason):
    email = db.session.get(OutgoingEmail, email_id, populate_existing=True)
    email.last_error = reason[:2000]
    return _fail(email, f": {reason}")


def _fail(email, how):
    email.status, email.failed_at = "failed", utcnow()
    audit.record(
        "email.failed",
        f"Email “{email.subject}” to {email.to_address} was not sent{how}",
        subject_id=email.user_id,
        email_id=email.id,
        purpose=email.purpose,
        error=email.last_error[:300],
    )
    db.session.commit()
    return Delivery("failed")


def stranded_ids(now=None, limit=500):
    """Queued emails whose send was lost: never tried a few minutes after being queued, or tried
    and not tried again well after their next try was due."""
    now = now or utcnow()
    due_again = [
        and_(
            OutgoingEmail.attempts == tried,
            OutgoingEmail.created_at
            <= now - timedelta(seconds=sum(RETRY_DELAYS[:tried])) - OVERDUE_AFTER,
        )
        for tried in range(1, MAX_ATTEMPTS)
    ]
    query = (
        select(OutgoingEmail.id)
        .where(
            OutgoingEmail.status == "queued",
            or_(
                and_(
                    OutgoingEmail.attempts == 0,
                    OutgoingEmail.created_at <= now - NEVER_TRIED_AFTER,
                ),
                *due_again,
            ),
        )
        .order_by(OutgoingEmail.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def failed_emails(limit=20):
    """The latest emails that could not be sent, newest first, for staff to see."""
    query = (
        select(OutgoingEmail)
        .where(OutgoingEmail.status == "failed")
        .order_by(OutgoingEmail.failed_at.desc(), OutgoingEmail.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
