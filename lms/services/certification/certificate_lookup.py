"""Finding certificates: a trainee's current ones, one by its code (for its holder, staff or the
public check), its signed credential, and the newest certificate of a renewal chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import STAFF_ROLES, Certificate, User
from .. import program_day
from ..credentials import issuing as credentials
from .certification import certificate_status
from .codes import is_well_formed, normalise_code


class NotFound(LookupError):
    """No certificate has this code (or the person asking may not see it)."""


class MistypedCode(NotFound):
    """The code cannot be one we issued: its check character or its shape is wrong, so a
    character was most likely mistyped."""


# Built once (every dashboard asks it), the trainee bound per call.
_CERTIFICATES_FOR_USER = (
    select(Certificate)
    .options(joinedload(Certificate.course))
    .where(Certificate.user_id == bindparam("user_id"), Certificate.superseded_at.is_(None))
    .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
)


def certificates_for_user(user_id):
    """The trainee's current certificates (not those a renewal superseded), newest first, each
    with its course loaded."""
    return list(db.session.scalars(_CERTIFICATES_FOR_USER, {"user_id": user_id}))


def certificate_by_code(code):
    """The certificate with this code, typed in any case or spacing, with holder and course.

    Raises MistypedCode when the code cannot be right, NotFound when no certificate has it.
    """
    code = normalise_code(code)
    if not is_well_formed(code):
        raise MistypedCode(code)
    certificate = db.session.scalar(
        select(Certificate)
        # The holder's roles are not needed here: skip their (selectin) query.
        .options(joinedload(Certificate.user).lazyload(User.roles))
        .options(joinedload(Certificate.course))
        .where(Certificate.code == code)
    )
    if certificate is None:
        raise NotFound(code)
    return certificate


def credential_by_code(code):
    """The signed credential of the certificate with this code, made on first download. Raises
    MistypedCode or NotFound as certificate_by_code does, or credentials.NotIssuable."""
    return credentials.ensure_credential(certificate_by_code(code).id)


def certificate_for_viewer(code, viewer_id, viewer_roles):
    """The certificate for its holder (or staff). Anyone else gets NotFound, as if it did not
    exist, so that a page never confirms whose certificate a code is."""
    certificate = certificate_by_code(code)
    if certificate.user_id != viewer_id and not set(STAFF_ROLES).intersection(viewer_roles):
        raise NotFound(code)
    return certificate


@dataclass(frozen=True)
class Verification:
    """What the public may learn from a certificate code, and nothing more.

    `holder` is None when the holder's account was erased: the page then says "No longer
    available" and the JSON has "holder": null. A revocation's reason is never part of it.
    """

    code: str
    holder: str | None
    title: str
    issued_on: date
    expires_on: date
    status: str  # "valid", "expired", "superseded" or "revoked"
    # For a superseded certificate: when it was renewed, and the newest certificate of the chain.
    renewed_on: date | None = None
    current_code: str | None = None
    # False when its holder was erased before its signed credential was first needed: none exists
    # and none can be made (credential_available).
    credential: bool = True


def verify(code, today=None):
    """The public facts of the certificate with this code. Raises NotFound or MistypedCode."""
    certificate = certificate_by_code(code)
    status = certificate_status(certificate, today)
    renewed_on = current_code = None
    if status == "superseded":
        renewed_on = program_day.day_of(certificate.superseded_at)
        current_code = newest_in_chain(certificate).code
    return Verification(
        code=certificate.code,
        holder=None if certificate.user.erased_at is not None else certificate.user.name,
        title=certificate.title,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        status=status,
        renewed_on=renewed_on,
        current_code=current_code,
        credential=credential_available(certificate),
    )


def credential_available(certificate):
    """Can the certificate's signed credential be downloaded? Yes when it has one, or when one
    can be made on first use: not when its holder was erased before that (NotIssuable)."""
    if credentials.can_be_made_for(certificate.user):
        return True
    return credentials.credential_of(certificate.id) is not None


def successor(certificate_id):
    """The certificate that renewed this one, or None."""
    return db.session.scalar(select(Certificate).where(Certificate.renews_id == certificate_id))


def newest_in_chain(certificate):
    """Follow renewals from `certificate` to the newest one (itself when never renewed)."""
    seen = {certificate.id}
    while certificate.superseded_at is not None:
        following = successor(certificate.id)
        if following is None or following.id in seen:
            break
        seen.add(following.id)
        certificate = following
    return certificate
