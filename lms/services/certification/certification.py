"""Certificates: deciding when one is due and issuing it exactly once. Finding one by its code
is certificate_lookup's; revoking and reinstating, revocation's.

A code looks like PSF-7K3Q-9XWM-4RT2: the course's initials, then the random characters and
check character that lms.services.certification.codes makes and checks for every code we print.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import (
    Certificate,
    Course,
    EthicsSignature,
    Module,
    ModuleProgress,
    PracticeSession,
    User,
)
from ...models.types import utcnow
from .. import audit, program_day
from ..learning.live_requirements import required_sessions_attended
from ..learning.training import training_hours_met
from ..logbook.hours import HOURS_REQUIREMENTS
from ..plain_rows import plain_rows
from . import certificate_mail, codes
from .codes import PREFIX_LENGTH

_MAX_CODE_TRIES = 5


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
    expiry date on, a lapsed one included) or "valid", on `today` (the program's today by
    default: a certificate's dates are days in the program's time zone)."""
    if certificate.revoked_at is not None:
        return "revoked"
    return status_without_revocation(certificate, today)


def status_without_revocation(certificate, today=None):
    """certificate_status as if it were not revoked: "superseded", "expired" or "valid". What
    reinstating a revoked certificate makes it, since its dates do not change."""
    if getattr(certificate, "superseded_at", None) is not None:  # rows may not carry it
        return "superseded"
    if (today or program_day.today()) >= certificate.expires_on:
        return "expired"
    return "valid"


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
    issued_on = program_day.day_of(now)  # the day it was earned where the program is
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


def newly_issued(certificate, now):
    """`certificate` (what issue_if_due returned for a call at `now`) when that call issued it,
    else None: issue_if_due also returns the certificate a trainee already holds (perhaps long
    since issued, perhaps revoked), which a page must not announce as just earned."""
    if certificate is not None and certificate.issued_at == now:
        return certificate
    return None


# Courses a sync changed, noted on the session for the worker's after-commit hook (lms/jobs),
# which hands them to issue_due_certificates once the sync has committed.
RECHECK_KEY = "lms_courses_to_recheck"


def recheck_after_commit(course_slugs):
    """Have issue_due_certificates run for these courses once the caller's transaction commits:
    a sync that retired a module or lowered a requirement may have completed some trainees'
    requirements."""
    db.session.info.setdefault(RECHECK_KEY, set()).update(course_slugs)


def take_rechecks(session):
    """The course slugs noted in a transaction that has just committed (for the hook)."""
    return sorted(session.info.pop(RECHECK_KEY, ()))


def forget_rechecks(session):
    """A rolled-back transaction changed no course."""
    session.info.pop(RECHECK_KEY, None)


def issue_due_certificates(course_slug, now=None):
    """Issue the course's certificates that are due but were never asked for: issue_if_due runs
    when a trainee meets a requirement, and a trainee whose requirements a sync completed (their
    last unpassed module retired, fewer hours required) has done nothing that would ask. Looks
    at each trainee with progress in the course and no certificate for it; commits after each.
    Returns the certificates issued."""
    course_id = db.session.scalar(
        select(Course.id).where(Course.slug == course_slug, Course.retired_at.is_(None))
    )
    if course_id is None:
        return []
    holders = select(Certificate.user_id).where(Certificate.course_id == course_id)
    candidates = db.session.scalars(
        select(ModuleProgress.user_id)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(Module.course_id == course_id, ModuleProgress.user_id.not_in(holders))
        .distinct()
        .order_by(ModuleProgress.user_id)
    ).all()
    now = now or utcnow()
    issued = []
    for user_id in candidates:
        certificate = newly_issued(issue_if_due(user_id, course_id, now=now), now)
        db.session.commit()  # ends the trainee's turn (issue_if_due commits only what it issues)
        if certificate is not None:
            issued.append(certificate)
    return issued
