"""The files a certificate is handed out as: its PDF and its signed Open Badges 3.0 credential
(a .json), from this one list, so that every place that hands certificates out (the cohort zip,
the email that brings a holder their certificate) gets every kind of file."""

from __future__ import annotations

from dataclasses import dataclass

from ...dates import long_date
from ...extensions import db
from ...models import Certificate
from .. import outbox, program_day
from ..credentials import addresses, issuing
from ..settings import app_config
from . import certification
from .certificate_pdf import CertificateSheet, certificate_pdf

REVOKED_BEFORE_SENDING = "its certificate {code} was revoked after it was queued"

CREDENTIAL = "credential.json"  # the signed credential's name ending; the PDF's is "pdf"


def file_name(code, extension):
    """The one name a certificate's file has wherever the holder gets it (the download, the
    email's attachment, the verification page): certificate-PSF-7K3Q-9XWM-4RT2.credential.json.
    A cohort's zip puts the holder's name and the course before the code instead."""
    return f"certificate-{code}.{extension}"


@dataclass(frozen=True)
class CertificateFile:
    """One file of a certificate: its name's ending ("pdf"), its media type and its bytes."""

    extension: str
    media_type: str
    data: bytes


def stamp(certificate, today=None):
    """(stamp, note) printed across a certificate that is no longer valid, so that a printout or
    a saved copy cannot pass for a valid one; ("", "") while it is valid."""
    status = certification.certificate_status(certificate, today)
    if status == "revoked":
        return "Revoked", f"on {long_date(program_day.day_of(certificate.revoked_at))}"
    if status == "superseded":
        return "Renewed", f"on {long_date(program_day.day_of(certificate.superseded_at))}"
    if status == "expired":
        return "Expired", f"on {long_date(certificate.expires_on)}"
    return "", ""


def certificate_sheet(certificate, site_name, verify_url, today=None, paper=None):
    """What the certificate's PDF prints (holder and course loaded from `certificate`), on
    `paper` ("letter" or "a4"; the app's LMS_PAPER_SIZE when not given)."""
    printed_stamp, stamp_note = stamp(certificate, today)
    return CertificateSheet(
        site_name=site_name,
        title=certificate.title,
        holder=certificate.user.name,
        course_title=certificate.course.title,
        course_version=certificate.course_version,
        issued_on=long_date(certificate.issued_on),
        expires_on=long_date(certificate.expires_on),
        code=certificate.code,
        verify_url=verify_url,
        stamp=printed_stamp,
        stamp_note=stamp_note,
        paper=paper or app_config()["LMS_PAPER_SIZE"],
    )


def certificate_files(certificate, site_name, verify_url, today=None, credential=None):
    """[CertificateFile] of the certificate, the PDF first, then its signed credential (the
    document the holder downloads, made and committed now if this is its first use; none for an
    erased holder's certificate that never had one).
    `credential`: the certificate's Credential when the caller has read it already (the cohort
    zip reads them all at once); otherwise it is read, or made, here."""
    sheet = certificate_sheet(certificate, site_name, verify_url, today)
    files = [CertificateFile("pdf", "application/pdf", certificate_pdf(sheet))]
    if credential is None:
        try:
            credential = issuing.ensure_credential(certificate.id)
        except issuing.NotIssuable:
            return files
    files.append(CertificateFile(CREDENTIAL, issuing.MEDIA_TYPE, credential.document.encode()))
    return files


def email_attachments(certificate_id, settings):
    """The certificate's files (PDF, signed credential) as attachments, made now from the
    certificate as it stands. Raises outbox.NotToBeSent for a certificate revoked since the
    email was queued: an email that congratulates its holder must not bring a revoked one."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        return ()
    code = certificate.code
    if certificate.revoked_at is not None:
        db.session.rollback()
        raise outbox.NotToBeSent(REVOKED_BEFORE_SENDING.format(code=code))
    verify_url = addresses.verification_url(settings, code)
    files = certificate_files(certificate, settings["LMS_SITE_NAME"], verify_url)
    attachments = tuple(
        (file_name(code, file.extension), file.media_type, file.data) for file in files
    )
    db.session.rollback()  # end the read: no transaction stays open while the mail is sent
    return attachments
