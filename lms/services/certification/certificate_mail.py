"""The email that brings a holder their new certificate, for a cohort whose staff turned on
"email each new certificate" (Cohort.email_certificates).

It is queued in the outbox in the same transaction that issues (or renews) the certificate, so
it goes out exactly once: never for a certificate rolled back, never twice for one issued. The
worker attaches the certificate's files (certificate_files: the PDF, the signed credential) when
it sends, so the outbox holds no copies of them; the email also links to the certificate's page
and to its public verification page.

Sent whatever the holder chose in their email settings ("only essential emails"): it comes once
per certificate, carries the record of what they achieved and the code employers check, and is
not a reminder or a digest.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from ...dates import long_date
from ...extensions import db
from ...models import Cohort, CohortCourse, Enrolment, User
from .. import outbox
from ..credentials import addresses
from ..mail import mail_configured
from ..settings import app_config

PURPOSE = "new-certificate"


def wanted(user_id, course_id):
    """Is the holder enrolled in a cohort of this course whose staff turned the email on?"""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Enrolment.user_id == user_id,
                    Enrolment.cohort_id == Cohort.id,
                    Cohort.email_certificates.is_(True),
                    CohortCourse.cohort_id == Cohort.id,
                    CohortCourse.course_id == course_id,
                )
            )
        )
    )


def queue_if_wanted(certificate, renewed=False, settings=None):
    """Queue the email for a certificate just issued (or renewed) in the caller's transaction,
    when its holder's cohort asks for it and email is set up; the caller commits. The email or
    None. `settings`: the app's settings (the current app's when not given: issuing is called
    from many services, each in a request or a command of the app)."""
    settings = app_config() if settings is None else settings
    holder = db.session.get(User, certificate.user_id)  # the certificate may not be flushed
    if (
        not mail_configured(settings)
        or holder.erased_at is not None
        or not wanted(certificate.user_id, certificate.course_id)
    ):
        return None
    subject, body = _email(certificate, holder, renewed, settings)
    db.session.flush()  # the certificate's id, which the email names for its attachments
    return outbox.queue_email(
        holder.email, subject, body, PURPOSE, holder.id, certificate_id=certificate.id
    )


def _email(certificate, holder, renewed, settings):
    if renewed:
        subject = f"Your certificate is renewed: {certificate.title}"
        news = (
            f"Your certificate “{certificate.title}” is renewed. Its new code is "
            f"{certificate.code}, and it expires on {long_date(certificate.expires_on)}."
        )
    else:
        subject = f"Your certificate: {certificate.title}"
        news = (
            f"Congratulations: you have earned your certificate “{certificate.title}”. It was "
            f"issued on {long_date(certificate.issued_on)} and expires on "
            f"{long_date(certificate.expires_on)}."
        )
    body = (
        f"Hello {holder.name},\n\n"
        f"{news}\n\n"
        "Your certificate is attached as a PDF, ready to print, with its signed digital copy "
        "(the .json file, an Open Badges credential), which you can keep, add to a digital "
        "wallet or send to an employer.\n\n"
        "You can also see it on the site at any time (you will be asked to sign in):\n"
        f"{addresses.certificate_url(settings, certificate.code)}\n\n"
        "Anyone you choose, an employer for example, can check that it is genuine, without an "
        "account, here:\n"
        f"{addresses.verification_url(settings, certificate.code)}\n\n"
        f"Its code is {certificate.code}.\n\n"
        "Well done, and thank you for all the work you put into it.\n"
    )
    return subject, body
