"""What a certificate asks beyond quizzes, as the trainee meets it: signing the course's code of
ethics, and the checklist of what is met and what is still missing. Practice hours (work and
supervision) live in services.logbook.practice (the names below are reachable from here too).

Whether a certificate is due is decided in one place, certification.certificate_due; signing asks
it straight away, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from ...content.model import Course as CourseContent
from ...extensions import db
from ...models import Course, EthicsSignature, User
from ...models.types import utcnow
from .. import audit
from ..learning import live_requirements, training
from ..logbook.practice import (
    ACTIVITIES,
    NotFound,
    RequirementError,
    approved_minutes,
    hours_text,
    hours_totals,
    log_session,
    review_session,
    sessions_for,
)
from ..plain_rows import plain_rows
from . import certification

# The practice-hours API is reachable from here too, as issue 4 named it.
__all__ = [
    "ACTIVITIES",
    "ChecklistItem",
    "Ethics",
    "EthicsStatus",
    "NotFound",
    "RequirementError",
    "approved_minutes",
    "checklist",
    "checklists",
    "current_ethics",
    "current_signature",
    "ethics_status",
    "has_current_signature",
    "has_requirements",
    "hours_text",
    "hours_totals",
    "log_session",
    "review_session",
    "sessions_for",
    "sign_ethics",
]


def _normalised_name(name):
    return " ".join((name or "").split()).casefold()


# --- the code of ethics --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ethics:
    html: str
    text_hash: str


def current_ethics(course):
    """The course's published code of ethics, or None when its certificate does not ask for one."""
    if course.ethics_hash is None or course.ethics_html is None:
        return None
    return Ethics(course.ethics_html, course.ethics_hash)


def current_signature(user_id, course):
    """The trainee's signature of the course's current code of ethics, or None."""
    if course.ethics_hash is None:
        return None
    return db.session.scalar(
        select(EthicsSignature)
        .where(
            EthicsSignature.user_id == user_id,
            EthicsSignature.course_id == course.id,
            EthicsSignature.text_hash == course.ethics_hash,
        )
        .order_by(EthicsSignature.signed_at.desc(), EthicsSignature.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class EthicsStatus:
    signature: EthicsSignature | None  # of the current text
    changed: bool  # the trainee signed an earlier version, not this one


def ethics_status(user_id, course):
    """Has the trainee signed the course's current code of ethics, or only an earlier version?"""
    signatures = db.session.scalars(
        select(EthicsSignature)
        .where(EthicsSignature.user_id == user_id, EthicsSignature.course_id == course.id)
        .order_by(EthicsSignature.signed_at.desc(), EthicsSignature.id.desc())
    ).all()
    current = next((s for s in signatures if s.text_hash == course.ethics_hash), None)
    return EthicsStatus(current, current is None and bool(signatures))


def has_current_signature(user_id, course):
    """True when the trainee signed the text the course publishes now (a changed code asks for a
    new signature)."""
    return current_signature(user_id, course) is not None


def sign_ethics(user_id, course_id, typed_name, now=None, agreed=True):
    """Sign the course's current code of ethics by typing one's full name (and, on the page,
    ticking that one has read it and agrees: `agreed`). Commits.

    Returns (signature, the certificate this signature issued or None): signing may be the
    last requirement met; a certificate held already is not returned. Signing a version already
    signed changes nothing and returns that signature.
    """
    course = db.session.get(Course, course_id)
    if course is None or course.retired_at is not None or current_ethics(course) is None:
        raise NotFound(course_id)
    user = db.session.get(User, user_id)
    typed = " ".join((typed_name or "").split())
    problems = {}
    if not agreed:
        problems["agree"] = "Tick the box to show you have read the code and agree to follow it."
    if not typed:
        problems["full_name"] = "Type your full name to sign."
    elif _normalised_name(typed) != _normalised_name(user.name):
        problems["full_name"] = (
            "Type your full name exactly as it appears on your account: " + user.name
        )
    if problems:
        raise RequirementError(problems)
    # Take turns per trainee (PostgreSQL), so that a double click signs once.
    db.session.execute(
        select(User.id).where(User.id == user_id).with_for_update(key_share=True)
    ).first()
    existing = current_signature(user_id, course)
    if existing is not None:
        db.session.commit()
        return existing, None
    now = now or utcnow()
    signature = EthicsSignature(
        user_id=user_id, course_id=course.id, text_hash=course.ethics_hash, typed_name=typed,
        signed_at=now,
    )  # fmt: skip
    db.session.add(signature)
    audit.record(
        "ethics.signed",
        f"Signed the code of ethics of {course.title}",
        actor_id=user_id,
        subject_id=user_id,
        course=course.slug,
        text_hash=course.ethics_hash,
    )
    try:
        db.session.flush()
    except IntegrityError:
        # Signed by another request between the check above and this write (SQLite, where the
        # lock does nothing): the unique index kept one, and this one is that one, signed.
        db.session.rollback()
        existing = current_signature(user_id, course)
        if existing is None:
            raise
        db.session.commit()
        return existing, None
    certificate = certification.issue_if_due(user_id, course.id, now=now, actor_id=user_id)
    db.session.commit()
    return signature, certification.newly_issued(certificate, now)


# --- the trainee's checklist ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    kind: str  # "modules", "ethics", "hours", "training", "session" or "skills"
    what: str
    met: bool
    detail: str
    on: date | datetime | None = None  # a date the detail ends with ("Signed November 21, 2026")
    next_at: datetime | None = None  # a live session's next meeting, for one still to attend


def has_requirements(course):
    """Does the course's certificate ask for more than passed quizzes? `course`: a published
    course (its row or a snapshot of it), or one as read from its files (a workspace draft): they
    name every requirement alike but the code of ethics (a hash when published, else its text)."""
    ethics = course.ethics if isinstance(course, CourseContent) else course.ethics_hash
    return (
        bool(ethics)
        or certification.asks_for_hours(course)
        or bool(course.training_hours)
        or live_requirements.asks_for_sessions(course)
    )


# Built once, the values bound per call: it runs on every course page and dashboard.
_SIGNATURES = (
    select(EthicsSignature.course_id, EthicsSignature.text_hash, EthicsSignature.signed_at)
    .where(
        EthicsSignature.user_id == bindparam("user_id"),
        EthicsSignature.course_id.in_(bindparam("course_ids", expanding=True)),
    )
    .order_by(EthicsSignature.signed_at, EthicsSignature.id)
)


def checklists(
    user_id, courses, trained=None, now=None, passed=None, attended=None, next_meetings=None
):
    """{course id: [ChecklistItem]} for these courses, in at most seven queries however many.
    `trained`: training.progress_for(user_id, ...) for them, and `passed`: {course id: (quizzes
    passed, current modules)} as certification.modules_passed counts them (a page's
    learning.CourseProgress has them), `attended`: training.attendance(user_id, ...) for at
    least these courses, and `next_meetings`: meetings.next_by_session(...) of the trainee's
    meetings ahead, when the caller already has them."""
    courses = list(courses)
    if not courses:
        return {}
    counts = passed
    if counts is None:
        counts = certification.modules_passed(user_id, [c.id for c in courses])
    signatures = {}
    ethics_courses = [c.id for c in courses if c.ethics_hash is not None]
    if ethics_courses:
        values = {"user_id": user_id, "course_ids": ethics_courses}
        for course_id, text_hash, signed_at in plain_rows(_SIGNATURES, values):
            signatures.setdefault(course_id, {})[text_hash] = signed_at
    totals = None
    if any(certification.asks_for_hours(c) for c in courses):
        totals = hours_totals(user_id)
    training_courses = [c for c in courses if c.training_hours]
    session_courses = [c for c in courses if live_requirements.asks_for_sessions(c)]
    # Training hours and live sessions both read the attendance that counts: one query for both.
    if attended is None and trained is None and training_courses and session_courses:
        both = dict.fromkeys(c.id for c in training_courses + session_courses)
        attended = training.attendance([user_id], list(both))
    if trained is None:
        trained = {}
        if training_courses:
            trained = training.progress_for(user_id, training_courses, attended)
    sessions = live_requirements.standings(
        user_id, session_courses, now, attended=attended, next_meetings=next_meetings
    )
    return {
        course.id: _checklist(
            course, counts.get(course.id, (0, 0)), signatures, totals, trained.get(course.id)
        )
        + _session_items(course, sessions.get(course.id, {}))
        for course in courses
    }


def checklist(user_id, course, passed=None, now=None):
    """What the course's certificate needs, and what is still missing, for this trainee.
    `passed`: (quizzes passed, current modules), when the caller already has them. The course
    page keeps what this made (kept_checklists.py)."""
    counts = None if passed is None else {course.id: passed}
    return checklists(user_id, [course], now=now, passed=counts)[course.id]


def _checklist(course, counts, signatures, totals, trained):
    passed, total = counts
    items = [
        ChecklistItem(
            "modules",
            "Pass every module quiz",
            total > 0 and passed == total,
            f"{passed} of {total} quizzes passed",
        )
    ]
    if course.ethics_hash is not None:
        signed = signatures.get(course.id, {})
        if course.ethics_hash in signed:
            # The moment, not its UTC date: the page gives its day in the program's time zone.
            item = ChecklistItem(
                "ethics", "Sign the code of ethics", True, "Signed", signed[course.ethics_hash]
            )
        elif signed:
            item = ChecklistItem(
                "ethics", "Sign the code of ethics", False,
                "The code of ethics has changed: a new version needs your signature",
            )  # fmt: skip
        else:
            item = ChecklistItem("ethics", "Sign the code of ethics", False, "Not signed yet")
        items.append(item)
    approved = totals.approved_by_kind() if totals else {}
    for asked in certification.hours_asked(course, approved):
        required = asked.required_hours
        detail = f"{hours_text(asked.approved_minutes)} of {required} hours approved"
        waiting = totals.pending_for(asked.kind)
        if waiting:
            detail += f" ({hours_text(waiting)} waiting for review)"
        items.append(
            ChecklistItem(
                "hours",
                f"{required} hour{'' if required == 1 else 's'} of {asked.label}, approved by "
                "your supervisor",
                asked.met,
                detail,
            )
        )
    if trained is not None:
        required = [row for row in trained if row.required_hours is not None]
        items.append(
            ChecklistItem(
                "training",
                "Training hours from modules and live sessions",
                all(row.met for row in required),
                "; ".join(f"{row.label} {row.text}" for row in required),
            )
        )
    return items


def _session_items(course, standings):
    """A live session the certificate requires: attended on a date, or not yet (with the next
    meeting for the trainee's cohort); a checklist it requires: how many skills are done."""
    items = []
    for slug in course.required_sessions or ():
        row = standings[slug]
        what = f"Attend the live session “{row.title}”"
        if row.attended_at is not None:
            items.append(ChecklistItem("session", what, True, "Attended on", row.attended_at))
        elif row.next_at is not None:
            items.append(
                ChecklistItem("session", what, False, "Not yet; next session", next_at=row.next_at)
            )
        else:
            items.append(ChecklistItem("session", what, False, "Not yet; no session is scheduled"))
    for slug in course.required_checklists or ():
        row = standings[slug]
        items.append(
            ChecklistItem(
                "skills",
                f"Demonstrate every skill of “{row.title}”",
                row.checklist_complete,
                f"{row.skills_done} of {row.skills_total} skills demonstrated"
                if row.published
                else "This session is not available yet",
            )
        )
    return items
