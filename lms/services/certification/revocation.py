"""Revoking and reinstating a certificate (staff): a reason kept private, the change, its audit
event and the public status list in one transaction, and the certificate's history."""

from sqlalchemy import select

from ...extensions import db
from ...models import Certificate
from ...models.types import utcnow
from .. import audit
from ..credentials import status as credential_status
from .certificate_lookup import NotFound

MAX_REASON_LENGTH = 1000
REASON_MISSING = "Give a reason: it is kept in the audit log, never shown publicly."
REASON_TOO_LONG = f"Shorten the reason to {MAX_REASON_LENGTH} characters or fewer."


class RevocationError(ValueError):
    """A revocation or reinstatement that cannot be made; the message says why, for a person.
    `field` is "reason" when the reason is the problem, None when the certificate's state is."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def _clean_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise RevocationError(REASON_MISSING, "reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise RevocationError(REASON_TOO_LONG, "reason")
    return reason


def _locked_certificate(certificate_id):
    certificate = db.session.scalar(
        select(Certificate)
        .where(Certificate.id == certificate_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if certificate is None:
        raise NotFound(str(certificate_id))
    return certificate


def _change_revocation(certificate_id, actor_id, reason, revoke, now):
    reason = _clean_reason(reason)
    try:
        certificate = _locked_certificate(certificate_id)
        if revoke and certificate.revoked_at is not None:
            raise RevocationError("This certificate is already revoked.")
        if not revoke and certificate.revoked_at is None:
            raise RevocationError("This certificate is not revoked, so it cannot be reinstated.")
        certificate.revoked_at = (now or utcnow()) if revoke else None
        certificate.revoked_reason = reason if revoke else None
        db.session.flush()
        # The public status list says the same as the certificate, from the same commit.
        credential_status.refresh_for_certificate(certificate.id)
        verb = "Revoked" if revoke else "Reinstated"
        audit.record(
            "certificate.revoked" if revoke else "certificate.reinstated",
            f"{verb} certificate {certificate.code} ({certificate.title})",
            actor_id=actor_id, subject_id=certificate.user_id, code=certificate.code,
            reason=reason,
        )  # fmt: skip
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return certificate


def revoke(certificate_id, actor_id, reason, now=None):
    """Withdraw a certificate, with a reason kept private (the audit log and staff pages only).

    Commits, with its audit event. Raises RevocationError (no reason, too long, already revoked)
    or NotFound. Who may do this is decided by the view (staff and admins).
    """
    return _change_revocation(certificate_id, actor_id, reason, True, now)


def reinstate(certificate_id, actor_id, reason):
    """Make a revoked certificate valid again (its dates unchanged). Commits, with its audit
    event. Raises RevocationError (no reason, too long, not revoked) or NotFound."""
    return _change_revocation(certificate_id, actor_id, reason, False, None)


def certificate_history(certificate):
    """The audit events about this certificate (issued, revoked, reinstated), newest first."""
    actions = (
        "certificate.issued", "certificate.renewed", "certificate.revoked",
        "certificate.reinstated",
    )  # fmt: skip
    about = []
    for event in audit.events(subject_id=certificate.user_id, limit=1000):
        details = event.details or {}
        codes_named = (details.get("code"), details.get("renews"))
        if event.action in actions and certificate.code in codes_named:
            about.append(event)
    return about
