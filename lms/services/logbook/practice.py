"""Practice hours of two kinds, work (paid or volunteer peer-support work) and supervision (time
spent in supervision): the trainee logs sessions, and their current supervisor approves or rejects
each one, once, with a comment, or approves several at once. Only approved hours count toward a
certificate; whether one is due is decided by certification.certificate_due, asked after every
approval.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import bindparam, exists, func, or_, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import PRACTICE_KINDS, STAFF_ROLES, Certificate, Course, PracticeSession, User
from ...models.types import utcnow
from .. import audit, keyset
from ..certification import certification
from ..errors import FieldErrors
from ..people import supervision
from ..plain_rows import plain_rows
from . import once, reviews
from .hours import HOURS_REQUIREMENTS, hours_text, past_day, quarter_hours
from .reviews import DECISIONS, MAX_COMMENT

ACTIVITIES = (
    "One-to-one peer support",
    "Group facilitation",
    "Shadowing an experienced peer supporter",
    "Supervision meeting",
    "Community outreach",
    "Other",
)
MAX_MINUTES = 12 * 60
MAX_NOTES = 2000
OLDEST_SESSION_MONTHS = 24
KIND_NAMES = {"work": "Peer-support work", "supervision": "Supervision"}
# An activity that only one kind can be (a supervision meeting is time in supervision).
_ACTIVITY_KIND = {"Supervision meeting": "supervision"}


class RequirementError(FieldErrors):
    """A signature, session or review that cannot be recorded (also for
    services.certification.requirements)."""


class NotFound(LookupError):
    """No such session or course, or not one this person may use."""


def hours_words(minutes):
    """Minutes as hours with the word: 60 -> "1 hour", 90 -> "1.5 hours"."""
    hours = hours_text(minutes)
    return f"{hours} hour{'' if hours == '1' else 's'}"


def _minutes(hours):
    """Hours as typed ("1.5", "1,25", Decimal) -> whole minutes, or a message for the person."""
    return quarter_hours(
        hours, MAX_MINUTES, "Enter between 0.25 and 12 hours for one session."
    )  # fmt: skip


def _session_date(value, now):
    """A date (or "YYYY-MM-DD" text) -> date, or a message for the person."""
    return past_day(
        value, now, certification.add_months(now.date(), -OLDEST_SESSION_MONTHS),
        not_a_date="Enter the date of the session, for example 2026-11-21.",
        in_the_future="The date is in the future: log a session after it has happened.",
        too_old="Sessions more than 2 years old cannot be logged.",
    )  # fmt: skip


def log_session(user_id, session_date, hours, activity, notes="", now=None, kind="work",
                submission=None):  # fmt: skip
    """Record a practice session of `kind` (work or supervision), waiting for the supervisor's
    review. Commits.

    `submission` is the form's one-time token: the same form arriving again (a double tap, a
    resubmission) records nothing more and returns the session it recorded the first time.
    Raises RequirementError naming every field with a problem (kind, session_date, hours,
    activity, notes).
    """
    now = now or utcnow()
    problems = {}
    if hours is None or str(hours).strip() == "":
        problems["hours"] = "Enter the number of hours, for example 1.5."
        minutes = None
    else:
        minutes, problem = _minutes(hours)
        if problem:
            problems["hours"] = problem
    if session_date is None or session_date == "":
        problems["session_date"] = "Enter the date of the session, for example 2026-11-21."
    else:
        session_date, problem = _session_date(session_date, now)
        if problem:
            problems["session_date"] = problem
    if kind not in PRACTICE_KINDS:
        problems["kind"] = "Choose whether this was peer-support work or supervision."
    if activity not in ACTIVITIES:
        problems["activity"] = "Choose the kind of activity."
    elif kind in PRACTICE_KINDS and _ACTIVITY_KIND.get(activity, kind) != kind:
        problems["activity"] = (
            "A supervision meeting is time spent in supervision: choose Supervision above, or "
            "another activity."
        )
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        problems["notes"] = (
            f"Keep the notes to {MAX_NOTES} characters or fewer (these have {len(notes)})."
        )
    if problems:
        raise RequirementError(problems)
    key = once.submission_key(submission, kind, session_date, minutes, activity, notes)
    earlier = once.logged_earlier(PracticeSession, user_id, key)
    if earlier is not None:
        return earlier
    session = PracticeSession(
        user_id=user_id, kind=kind, session_date=session_date, minutes=minutes,
        activity=activity, notes=notes, status="pending", logged_at=now, submission_key=key,
    )  # fmt: skip
    db.session.add(session)
    session, _ = once.commit_once(session)
    return session


def approved_minutes(user_id):
    """Minutes of practice the trainee's supervisor has approved."""
    return certification.approved_practice_minutes(user_id)


def sessions_for(user_id):
    """The trainee's sessions, newest first."""
    return list(
        db.session.scalars(
            select(PracticeSession)
            .where(PracticeSession.user_id == user_id)
            .order_by(PracticeSession.session_date.desc(), PracticeSession.id.desc())
        )
    )


@dataclass(frozen=True)
class KindTotals:
    approved_minutes: int
    pending_minutes: int


@dataclass(frozen=True)
class HoursTotals:
    """The trainee's approved and waiting minutes, per kind and together."""

    by_kind: dict  # kind -> KindTotals, every kind present

    @property
    def approved_minutes(self):
        return sum(t.approved_minutes for t in self.by_kind.values())

    @property
    def pending_minutes(self):
        return sum(t.pending_minutes for t in self.by_kind.values())

    def approved_by_kind(self):
        return {kind: t.approved_minutes for kind, t in self.by_kind.items()}

    def pending_for(self, kind):
        """Waiting minutes that a requirement counting `kind` (None: every kind) would count."""
        if kind is None:
            return self.pending_minutes
        return self.by_kind[kind].pending_minutes


# Built once, the trainee bound per call: it runs on every course page and dashboard.
_HOURS_TOTALS = (
    select(PracticeSession.kind, PracticeSession.status, func.sum(PracticeSession.minutes))
    .where(PracticeSession.user_id == bindparam("user_id"), PracticeSession.status != "rejected")
    .group_by(PracticeSession.kind, PracticeSession.status)
)


def hours_totals(user_id):
    """Approved and waiting minutes of the trainee's practice per kind, in one query."""
    sums = {kind: {"approved": 0, "pending": 0} for kind in PRACTICE_KINDS}
    rows = plain_rows(_HOURS_TOTALS, {"user_id": user_id})
    for kind, status, minutes in rows:
        sums.setdefault(kind, {"approved": 0, "pending": 0})[status] = int(minutes)
    return HoursTotals(
        {kind: KindTotals(sum_["approved"], sum_["pending"]) for kind, sum_ in sums.items()}
    )


@dataclass(frozen=True)
class HoursRequirement:
    """One course's ask of approved hours, as the trainee's practice page shows it."""

    course: str  # its title
    label: str  # "peer-support work", "supervision", or both kinds together
    kind: str | None  # the kind counted, None for every kind
    hours: int
    approved_minutes: int  # of the trainee, counted as this requirement counts them
    pending_minutes: int


@dataclass(frozen=True)
class PracticeRecord:
    """What the trainee's practice page shows."""

    sessions: list  # [PracticeSession], newest first
    totals: HoursTotals
    supervisor: User | None  # who reviews their sessions now
    required: list  # [HoursRequirement] of published courses asking for approved hours


def practice_record(user_id):
    supervisor_id = supervision.current_supervisor_id(user_id)
    columns = [column for column, _, _ in HOURS_REQUIREMENTS]
    courses = db.session.execute(
        select(Course.title, *(getattr(Course, column) for column in columns))
        .where(Course.retired_at.is_(None), _asks_for_hours())
        .order_by(Course.title)
    ).all()
    totals = hours_totals(user_id)
    approved = totals.approved_by_kind()
    required = [
        HoursRequirement(
            course.title,
            asked.label,
            asked.kind,
            asked.required_hours,
            asked.approved_minutes,
            totals.pending_for(asked.kind),
        )  # fmt: skip
        for course in courses
        for asked in certification.hours_asked(course, approved)
    ]
    return PracticeRecord(
        sessions=sessions_for(user_id),
        totals=totals,
        supervisor=db.session.get(User, supervisor_id) if supervisor_id else None,
        required=required,
    )


def _asks_for_hours():
    """SQL: the course asks for approved hours of some kind."""
    return or_(*(getattr(Course, column) > 0 for column, _, _ in HOURS_REQUIREMENTS))


def with_trainee():
    """Load a session's trainee in the same query."""
    # The trainee's roles are not needed: skip their (selectin) query.
    return joinedload(PracticeSession.user).lazyload(User.roles)


PENDING_ORDER = keyset.Order(
    ((PracticeSession.session_date, False), (PracticeSession.logged_at, False),
     (PracticeSession.id, False))
)  # fmt: skip


def pending_page_for_supervisor(supervisor_id, cursor=None, per=keyset.PER_PAGE):
    """One page of the sessions waiting for this supervisor's review, oldest first, from `cursor`
    (a keyset.Cursor; None: the oldest), each with its trainee loaded: one query."""
    query = (
        select(PracticeSession)
        .options(with_trainee())
        .where(
            PracticeSession.status == "pending",
            PracticeSession.user_id.in_(supervision.supervised_trainee_ids(supervisor_id)),
        )
    )
    page = keyset.page_of(query, PENDING_ORDER, cursor, per)
    return replace(page, rows=[row[0] for row in page.rows])


def pending_count_for_supervisor(supervisor_id):
    return db.session.scalar(
        select(func.count(PracticeSession.id)).where(
            PracticeSession.status == "pending",
            PracticeSession.user_id.in_(supervision.supervised_trainee_ids(supervisor_id)),
        )
    )


def _reviewable_session(reviewer, session_id):
    """The session, when `reviewer` is its trainee's current supervisor.

    Another supervisor gets NotFound, as if it did not exist; staff and admins, who may see every
    trainee, are told why they cannot review it.
    """
    session = db.session.scalar(
        select(PracticeSession).options(with_trainee()).where(PracticeSession.id == session_id)
    )
    if session is None:
        raise NotFound(session_id)
    supervisor_id = supervision.current_supervisor_id(session.user_id)
    if supervisor_id == reviewer.id:
        return session
    if session.user_id == reviewer.id or not reviewer.has_role(*STAFF_ROLES):
        raise NotFound(session_id)
    trainee = session.user.name
    if supervisor_id is None:
        raise RequirementError(
            f"{trainee} has no supervisor yet. Assign one: only the trainee's supervisor can "
            "review their hours."
        )
    supervisor = db.session.get(User, supervisor_id)
    raise RequirementError(
        f"Only {trainee}'s supervisor, {supervisor.name}, can review these hours. Staff and "
        "admins cannot approve hours on a supervisor's behalf."
    )


def check_comment_length(comment):
    """A supervisor's comment longer than MAX_COMMENT is refused beside its field (one review or
    several at once)."""
    if len(comment) > MAX_COMMENT:
        raise RequirementError(
            {"comment": f"Keep the comment to {MAX_COMMENT} characters or fewer."}
        )


def review_session(reviewer, session_id, decision, comment="", now=None):
    """Approve or reject a session, once, as the trainee's current supervisor. Commits.

    A rejection needs a comment, so that the trainee can fix it and log it again. Approving may
    complete a certificate: it is issued in the same transaction. Returns (session,
    [certificates issued]).
    """
    now = now or utcnow()
    session = _reviewable_session(reviewer, session_id)
    comment = (comment or "").strip()
    if decision not in DECISIONS:
        raise RequirementError("Choose Approve or Not approve.")
    if session.status != "pending":
        raise RequirementError(_already_reviewed(session))
    if decision == "reject" and not comment:
        raise RequirementError({"comment": "Say why, so the trainee can fix it and log it again."})
    check_comment_length(comment)
    status = reviews.record_decision(
        PracticeSession, session.id, decision, reviewer.id, comment, now
    )
    if status is None:  # another review came first
        db.session.rollback()
        raise RequirementError(_already_reviewed(db.session.get(PracticeSession, session_id)))
    audit_review(reviewer, session, status, comment)
    db.session.flush()
    issued = issue_due(session.user_id, reviewer, now) if status == "approved" else []
    db.session.commit()
    db.session.refresh(session)
    return session, issued


def audit_review(reviewer, session, status, comment):
    """The audit event of one review: the same for a single and a bulk approval."""
    hours = hours_text(session.minutes)
    on = session.session_date.isoformat()
    what = "practice" if session.kind == "work" else "supervision"
    audit.record(
        f"hours.{status}",
        f"{'Approved' if status == 'approved' else 'Did not approve'} "
        f"{hours_words(session.minutes)} of {what} on {on} ({session.activity})",
        actor_id=reviewer.id,
        subject_id=session.user_id,
        session_id=session.id,
        kind=session.kind,
        hours=hours,
        session_date=on,
        activity=session.activity,
        comment=comment,
    )


def issue_due(user_id, reviewer, now):
    """Certificates that approved hours have just completed for the trainee (flushed first)."""
    issued = []
    for course_id in _courses_awaiting_hours(user_id):
        certificate = certification.newly_issued(
            certification.issue_if_due(user_id, course_id, now=now, actor_id=reviewer.id), now
        )
        if certificate is not None:
            issued.append(certificate)
    return issued


def _courses_awaiting_hours(user_id):
    """Published courses that ask for practice hours and have not certified the trainee yet:
    approved hours may complete one of them."""
    certified = exists().where(Certificate.user_id == user_id, Certificate.course_id == Course.id)
    return db.session.scalars(
        select(Course.id)
        .where(Course.retired_at.is_(None), _asks_for_hours(), ~certified)
        .order_by(Course.id)
    ).all()


def _already_reviewed(session):
    outcome = "approved" if session.status == "approved" else "not approved"
    return f"This session has already been reviewed: it was {outcome}."
