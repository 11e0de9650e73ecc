"""Certificates: deciding when one is due, issuing it exactly once, and finding it by its code.

A code looks like PSF-7K3Q-9XWM-4RT2: the course's initials, then the random characters and
check character that lms.services.codes makes and checks for every code we print.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..models import (
    Certificate,
    Course,
    EthicsSignature,
    Module,
    ModuleProgress,
    PracticeSession,
    User,
)
from ..models.types import utcnow
from . import audit, certificate_mail, codes
from .codes import PREFIX_LENGTH, is_well_formed, normalise_code
from .credentials import issuing as credentials
from .credentials import status as credential_status
from .hours import HOURS_REQUIREMENTS
from .live_requirements import required_sessions_attended
from .plain_rows import plain_rows
from .training import training_hours_met

# Roles that may open any trainee's certificate page; everyone else sees only their own.
STAFF_ROLES = frozenset({"staff", "admin"})

_MAX_CODE_TRIES = 5
MAX_REASON_LENGTH = 1000
REASON_MISSING = "Give a reason: it is kept in the audit log, never shown publicly."
REASON_TOO_LONG = f"Shorten the reason to {MAX_REASON_LENGTH} characters or fewer."
# What the public page and JSON say instead of the holder's name once the holder was erased.
HOLDER_ERASED = "No longer available"


class NotFound(LookupError):
    """No certificate has this code (or the person asking may not see it)."""


class MistypedCode(NotFound):
    """The code cannot be one we issued: its check character or its shape is wrong, so a
    character was most likely mistyped."""


class RevocationError(ValueError):
    """A revocation or reinstatement that cannot be made; the message says why, for a person.
    `field` is "reason" when the reason is the problem, None when the certificate's state is."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


# --- codes ---------------------------------------------------------------------------------------


def code_prefix(course_slug):
    """Up to four upper-case initials of the slug's words: peer-support-foundations -> PSF."""
    words = [word for word in re.split(r"[^a-z0-9]+", course_slug.lower()) if word]
    return "".join(word[0] for word in words)[:PREFIX_LENGTH].upper() or "C"


def new_code(course_slug):
    """A fresh random code for a certificate of this course."""
    return codes.new_code(code_prefix(course_slug))


# --- dates and status ----------------------------------------------------------------------------


def add_months(day, months):
    """The same day `months` calendar months later, or the month's last day when it is shorter
    (31 January + 1 month = 28 or 29 February)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_status(certificate, today=None):
    """ "revoked", "superseded" (renewed: a newer certificate replaced it), "expired" (from its
    expiry date on, a lapsed one included) or "valid", on `today` (UTC by default)."""
    if certificate.revoked_at is not None:
        return "revoked"
    if getattr(certificate, "superseded_at", None) is not None:  # rows may not carry it
        return "superseded"
    if (today or _today()) >= certificate.expires_on:
        return "expired"
    return "valid"


def _today():
    return clock.today()


# --- when a certificate is due -------------------------------------------------------------------


# Built once (it runs on every course page and dashboard), the values bound per call.
_MODULES_PASSED = (
    select(Module.course_id, func.count(Module.id), func.count(ModuleProgress.passed_at))
    .join(Course, Course.id == Module.course_id)
    .outerjoin(
        ModuleProgress,
        and_(ModuleProgress.module_id == Module.id, ModuleProgress.user_id == bindparam("user_id")),
    )
    .where(
        Module.course_id.in_(bindparam("course_ids", expanding=True)),
        Module.retired_at.is_(None),
        Course.retired_at.is_(None),
    )
    .group_by(Module.course_id)
)


def modules_passed(user_id, course_ids):
    """{course_id: (quizzes passed, current modules)} for the published courses among
    `course_ids`, in one query; a retired course, or one without current modules, is left out."""
    values = {"user_id": user_id, "course_ids": list(course_ids)}
    rows = plain_rows(_MODULES_PASSED, values)
    return {course_id: (passed, total) for course_id, total, passed in rows}


# The same for one course, asked after every passed quiz: an expanding IN list is rendered again
# on every call, a plain bound value is not.
_MODULES_PASSED_IN_COURSE = (
    select(func.count(Module.id), func.count(ModuleProgress.passed_at))
    .join(Course, Course.id == Module.course_id)
    .outerjoin(
        ModuleProgress,
        and_(ModuleProgress.module_id == Module.id, ModuleProgress.user_id == bindparam("user_id")),
    )
    .where(
        Module.course_id == bindparam("course_id"),
        Module.retired_at.is_(None),
        Course.retired_at.is_(None),
    )
)


def every_module_passed(user_id, course_id):
    """Every current (not retired) module of the published course has its quiz passed."""
    values = {"user_id": user_id, "course_id": course_id}
    total, passed = plain_rows(_MODULES_PASSED_IN_COURSE, values).one()
    return total > 0 and passed == total


def current_ethics_signed(user_id, course_id):
    """The course asks for no code of ethics, or the trainee signed its current text: a
    signature of an earlier version does not count once the code has changed."""
    signed = exists().where(
        EthicsSignature.user_id == user_id,
        EthicsSignature.course_id == Course.id,
        EthicsSignature.text_hash == Course.ethics_hash,
    )
    return bool(
        db.session.scalar(
            select(or_(Course.ethics_hash.is_(None), signed)).where(Course.id == course_id)
        )
    )


def approved_minutes_by_kind(user_ids):
    """{user_id: {kind: approved minutes}} in one query (kinds with none approved are absent)."""
    by_user = {}
    rows = db.session.execute(
        select(PracticeSession.user_id, PracticeSession.kind, func.sum(PracticeSession.minutes))
        .where(PracticeSession.user_id.in_(user_ids), PracticeSession.status == "approved")
        .group_by(PracticeSession.user_id, PracticeSession.kind)
    )
    for user_id, kind, minutes in rows:
        by_user.setdefault(user_id, {})[kind] = int(minutes)
    return by_user


def counted_minutes(kind, minutes_by_kind):
    """The minutes a requirement counts: of one kind, or of every kind when `kind` is None."""
    if kind is None:
        return sum(minutes_by_kind.values())
    return minutes_by_kind.get(kind, 0)


@dataclass(frozen=True)
class HoursAsked:
    """One hours requirement of a certificate, against the trainee's approved minutes."""

    column: str  # the Course column: "supervised_hours", "work_hours" or "supervision_hours"
    kind: str | None  # the kind counted, None for every kind
    label: str  # how the trainee's pages name it: "peer-support work"
    required_hours: int
    approved_minutes: int  # counted as this requirement counts them

    @property
    def met(self):
        return self.approved_minutes >= self.required_hours * 60


def hours_asked(course, minutes_by_kind):
    """[HoursAsked] for each hours requirement the course's certificate asks (`course`: a Course,
    or a row with its hours columns), against `minutes_by_kind` (approved): the one rule for
    approved hours, used by certificate_due, the roster, the trainee's checklist and practice
    page, and the transcript."""
    return [
        HoursAsked(column, kind, label, required, counted_minutes(kind, minutes_by_kind))
        for column, kind, label in HOURS_REQUIREMENTS
        if (required := getattr(course, column))
    ]


def hours_shortfalls(course, minutes_by_kind):
    """[HoursAsked] of the course's hours requirements that `minutes_by_kind` does not meet."""
    return [asked for asked in hours_asked(course, minutes_by_kind) if not asked.met]


def approved_practice_minutes(user_id):
    """Minutes of practice, of every kind, the trainee's supervisor has approved (all courses)."""
    return sum(approved_minutes_by_kind([user_id]).get(user_id, {}).values())


def practice_hours_approved(user_id, course_id):
    """The course asks for no practice hours, or enough of each kind it asks for are approved."""
    course = db.session.get(Course, course_id)
    if not asks_for_hours(course):
        return True
    return not hours_shortfalls(course, approved_minutes_by_kind([user_id]).get(user_id, {}))


def asks_for_hours(course):
    """Does the course's certificate ask for approved practice hours of any kind?"""
    return any(getattr(course, column) for column, _, _ in HOURS_REQUIREMENTS)


# Each requirement answers (user_id, course_id) -> bool, cheapest first: certificate_due stays the
# one function that decides, and stops at the first requirement that is not met.
REQUIREMENTS = (
    every_module_passed,
    current_ethics_signed,
    practice_hours_approved,
    training_hours_met,
    required_sessions_attended,
)


def certificate_due(user_id, course_id):
    """True when the trainee has met every requirement of the course's certificate."""
    return all(requirement(user_id, course_id) for requirement in REQUIREMENTS)


# --- issuing -------------------------------------------------------------------------------------


# Built once: issue_if_due runs after every passed quiz, where building these statements (the
# Certificate entity's above all) cost more than running them; the values are bound per call.
_CURRENT_CERTIFICATE = select(Certificate).where(
    Certificate.user_id == bindparam("user_id"),
    Certificate.course_id == bindparam("course_id"),
    Certificate.superseded_at.is_(None),
)
_TRAINEES_TURN = (
    select(User.id).where(User.id == bindparam("user_id")).with_for_update(key_share=True)
)


def _existing(user_id, course_id):
    """The trainee's current certificate for the course (renewed ones are superseded)."""
    values = {"user_id": user_id, "course_id": course_id}
    return db.session.scalar(_CURRENT_CERTIFICATE, values)


def issue_if_due(user_id, course_id, now=None, actor_id=None):
    """The trainee's certificate for the course: the one they have, a new one if it is due now
    (committed, with its "certificate.issued" audit event), or None when it is not due.

    Call it after recording whatever may complete the requirements (a pass, a signature, approved
    hours; flushed is enough); it commits the transaction when it issues. `actor_id` is whose
    action completed them, for the audit log (the trainee when not given). Safe to call after
    every passed quiz: when a certificate exists this is one small query. Exactly one certificate
    results even when two requests complete the course at once: the unique (user, course)
    constraint refuses the second insert, which then returns the first.
    """
    existing = _existing(user_id, course_id)
    if existing is not None:
        return existing
    # Take turns per trainee (PostgreSQL; SQLite serialises writers anyway). Without this, two
    # requests that each pass one of the last two modules, neither committed yet, would each see
    # the other's module as unpassed and neither would issue. NO KEY UPDATE, because the caller's
    # own progress rows hold a key-share lock on this row through their foreign key.
    plain_rows(_TRAINEES_TURN, {"user_id": user_id}).first()
    existing = _existing(user_id, course_id)
    if existing is not None:
        return existing
    if not certificate_due(user_id, course_id):
        return None
    course = db.session.get(Course, course_id)
    now = now or utcnow()
    issued_on = now.astimezone(UTC).date()
    for _ in range(_MAX_CODE_TRIES):
        certificate = Certificate(
            code=new_code(course.slug),
            user_id=user_id,
            course_id=course_id,
            course_version=course.version,
            title=course.certificate_title,
            issued_at=now,
            issued_on=issued_on,
            expires_on=add_months(issued_on, course.certificate_valid_for_months),
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                audit.record(
                    "certificate.issued",
                    f"Certificate {certificate.code} issued for {course.title}",
                    actor_id=user_id if actor_id is None else actor_id,
                    subject_id=user_id,
                    code=certificate.code,
                    course=course.slug,
                )
        except IntegrityError:
            existing = _existing(user_id, course_id)
            if existing is not None:
                return existing
            continue  # the code was taken: draw another
        # Its signed credential is made when first needed (credentials.ensure_credential: the
        # email's attachments, a download, the worker's periodic signing), not here: signing
        # loads pyld and cryptography and takes tens of milliseconds, in the request that passes
        # the last quiz.
        certificate_mail.queue_if_wanted(certificate)  # in this transaction: sent exactly once
        db.session.commit()
        return certificate
    raise RuntimeError("could not find an unused certificate code")


# --- reading -------------------------------------------------------------------------------------


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
    if certificate.user_id != viewer_id and not STAFF_ROLES.intersection(viewer_roles):
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
    status = certificate_status(certificate, today or _today())
    renewed_on = current_code = None
    if status == "superseded":
        renewed_on = certificate.superseded_at.astimezone(UTC).date()
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


# --- revoking (staff) ----------------------------------------------------------------------------


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
