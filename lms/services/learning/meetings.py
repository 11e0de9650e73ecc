"""Live sessions on the calendar: staff schedule a published session for a cohort (a Meeting,
pinned to the session's version current at the time), change or cancel it, and each person sees
the meetings that concern them.

Staff type a date and a time in the program's time zone (config LMS_TIMEZONE, passed in as a
ZoneInfo); the database keeps UTC. A cancelled meeting stays, marked, so that the record of what
was planned is kept; attendance is never taken at one. A day before the cohort starts (or after
it ends) is saved only once staff confirm it: a mistyped year looks just like an orientation
held before the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import and_, bindparam, exists, func, select
from sqlalchemy.orm import joinedload

from ...dates import long_date
from ...extensions import db
from ...models import STAFF_ROLES, Attendance, Cohort, Course, Enrolment, User, UserRole
from ...models.live import LiveSession, LiveSessionVersion, Meeting
from ...models.types import utcnow
from .. import audit
from ..errors import FieldErrors
from .training import ATTENDED

FACILITATOR_ROLES = ("staff", "admin", "supervisor")
MIN_MINUTES, MAX_MINUTES = 15, 600
UPCOMING_SHOWN = 20  # meetings on the trainee's dashboard
MAX_PLACE = 500
# How far from today a meeting may be put: far enough for a program's whole year, near enough
# that a mistyped year (2062 for 2026) is caught.
MOST_DAYS_BEFORE, MOST_DAYS_AHEAD = 366, 2 * 366


# The form field that confirms a day outside the cohort's dates, and what it confirms.
OUTSIDE_DATES = "outside_dates"
BEFORE_START, AFTER_END = "before", "after"
CONFIRM_LABELS = {
    BEFORE_START: "Yes, schedule it before the cohort starts",
    AFTER_END: "Yes, schedule it after the cohort ends",
}


class MeetingError(FieldErrors):
    """A meeting that cannot be scheduled or changed as asked; problems by form field.
    `outside`: BEFORE_START or AFTER_END when the day typed is outside the cohort's dates
    (confirmed or not), so that the form can keep showing the box that confirms it."""

    def __init__(self, problems, outside=None):
        super().__init__(problems)
        self.outside = outside


class NotFound(LookupError):
    """No such meeting, or not one the person asking may see."""


@dataclass(frozen=True)
class Plan:
    """What staff typed on the schedule form, parsed only as far as the form could."""

    on: date | None
    at: time | None
    minutes: str | int | None
    place: str
    facilitator_id: int | None
    # What staff ticked to confirm a day outside the cohort's dates: BEFORE_START or AFTER_END.
    outside_confirmed: str | None = None


# --- time ----------------------------------------------------------------------------------------


def ends_at(meeting):
    return meeting.starts_at + timedelta(minutes=meeting.minutes)


def has_started(meeting, now=None):
    return (now or utcnow()) >= meeting.starts_at


def is_place_link(place):
    """A place is shown as a link only when the whole of it is one https:// address: words after
    an address ("https://meet.example.org/abc, passcode 4411") make it text, or the link would
    carry them."""
    place = (place or "").strip()
    if not place.lower().startswith("https://") or any(char.isspace() for char in place):
        return False
    return bool(urlsplit(place).hostname)


def _local_start(on, at, zone):
    """The UTC moment of a local date and time, or None when the clocks skip that time that day."""
    local = datetime.combine(on, at).replace(tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment


# --- what may be chosen --------------------------------------------------------------------------


def schedulable_sessions():
    """[(LiveSession, its current LiveSessionVersion)] of published courses, not retired, by
    course and position: what staff may schedule."""
    rows = db.session.execute(
        select(LiveSession, LiveSessionVersion)
        .join(Course, Course.id == LiveSession.course_id)
        .join(
            LiveSessionVersion,
            and_(
                LiveSessionVersion.live_session_id == LiveSession.id,
                LiveSessionVersion.number == LiveSession.current_version_number,
            ),
        )
        .options(joinedload(LiveSession.course))
        .where(LiveSession.retired_at.is_(None), Course.retired_at.is_(None))
        .order_by(Course.title, LiveSession.position, LiveSession.id)
    )
    return [(session, version) for session, version in rows]


def eligible_facilitators():
    """Accounts that may facilitate (staff, admin or supervisor; not erased), by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                exists().where(UserRole.user_id == User.id, UserRole.role.in_(FACILITATOR_ROLES)),
                User.erased_at.is_(None),
            )
            .order_by(func.lower(User.name), User.id)
        )
    )


# --- scheduling ----------------------------------------------------------------------------------


def _whole_minutes(value):
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        return None
    return int(text)


def _check_plan(plan, zone, now, problems, planned_minutes=None):
    """(UTC start, minutes, place, facilitator) from `plan`, adding what is wrong to problems.
    Minutes left empty are the session's `planned_minutes`, when given."""
    starts_at = None
    if plan.on is None:
        problems["on"] = "Enter the date of the session, for example 2027-03-01."
    else:
        today = now.astimezone(zone).date()
        if plan.on < today - timedelta(days=MOST_DAYS_BEFORE):
            problems["on"] = "That date is more than a year ago. Check the year."
        elif plan.on > today + timedelta(days=MOST_DAYS_AHEAD):
            problems["on"] = "That date is more than two years ahead. Check the year."
    if plan.at is None:
        problems["at"] = "Enter the time the session starts, for example 18:30."
    elif plan.on is not None and "on" not in problems:
        starts_at = _local_start(plan.on, plan.at, zone)
        if starts_at is None:
            problems["at"] = (
                "The clocks change at that time on that day, so it does not exist. "
                "Choose another time."
            )
    minutes = _whole_minutes(plan.minutes)
    left_empty = str(plan.minutes if plan.minutes is not None else "").strip() == ""
    if left_empty:
        # The session's planned length; unknown only while no session is chosen, and that is
        # the problem to show, not this field, which may stay empty.
        minutes = planned_minutes
    if (minutes is None and not left_empty) or (
        minutes is not None and not MIN_MINUTES <= minutes <= MAX_MINUTES
    ):
        problems["minutes"] = (
            f"Enter the length in minutes, as a whole number from {MIN_MINUTES} to {MAX_MINUTES}."
        )
    place = " ".join((plan.place or "").split())
    if not place:
        problems["place"] = "Enter the room, or the https:// link of the video call."
    elif len(place) > MAX_PLACE:
        problems["place"] = f"Shorten the place to {MAX_PLACE} characters or fewer."
    elif "://" in place.split()[0] and not place.lower().startswith("https://"):
        problems["place"] = "Give the video call's secure address, starting with https://."
    facilitator = db.session.get(User, plan.facilitator_id) if plan.facilitator_id else None
    if facilitator is None or facilitator.erased_at is not None:
        problems["facilitator_id"] = "Choose who facilitates the session."
    elif not facilitator.has_role(*FACILITATOR_ROLES):
        problems["facilitator_id"] = (
            f"{facilitator.name} cannot facilitate: choose a staff member or a supervisor."
        )
    return starts_at, minutes, place, facilitator


def _outside_cohort(plan, cohort, problems):
    """BEFORE_START or AFTER_END when the day typed (a program day) is outside the cohort's
    dates, else None; unless staff confirmed that side, a problem saying so, with both dates."""
    if plan.on is None or "on" in problems or cohort is None:
        return None
    if plan.on < cohort.starts_on:
        side = BEFORE_START
        message = (
            f"{long_date(plan.on)} is before {cohort.name} starts, on "
            f"{long_date(cohort.starts_on)}. Check the date and its year; or, if the session is "
            f"meant to come first (an orientation, say), tick “{CONFIRM_LABELS[side]}”."
        )
    elif cohort.ends_on is not None and plan.on > cohort.ends_on:
        side = AFTER_END
        message = (
            f"{long_date(plan.on)} is after {cohort.name} ends, on "
            f"{long_date(cohort.ends_on)}. Check the date and its year; or, if the session is "
            f"meant to come after, tick “{CONFIRM_LABELS[side]}”."
        )
    else:
        return None
    if plan.outside_confirmed != side:
        problems[OUTSIDE_DATES] = message
    return side


def schedule(live_session_id, cohort_id, plan, zone, by_id, now=None):
    """A new meeting of the live session for the cohort, pinned to the session's current
    version, with its "meeting.scheduled" audit event; its length is the session's planned
    minutes when left empty. A day outside the cohort's dates needs plan.outside_confirmed.
    Commits. MeetingError says what to fix."""
    now = now or utcnow()
    problems = {}
    session = db.session.get(LiveSession, live_session_id) if live_session_id else None
    if session is None or session.retired_at is not None or session.course.retired_at:
        problems["live_session_id"] = "Choose one of the published live sessions."
    cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
    if cohort is None:
        problems["cohort_id"] = "Choose the cohort the session is for."
    elif (
        session is not None
        and "live_session_id" not in problems
        and session.course_id not in {course.id for course in cohort.courses}
    ):
        problems["cohort_id"] = (
            f"{cohort.name} does not take {session.course.title}, the course this session "
            "belongs to. Choose one of its cohorts, or add the course to the cohort first."
        )
    version = None
    if "live_session_id" not in problems:
        version = db.session.scalar(
            select(LiveSessionVersion).where(
                LiveSessionVersion.live_session_id == session.id,
                LiveSessionVersion.number == session.current_version_number,
            )
        )
    planned = version.minutes if version is not None else None
    starts_at, minutes, place, facilitator = _check_plan(plan, zone, now, problems, planned)
    outside = _outside_cohort(plan, cohort if "cohort_id" not in problems else None, problems)
    if problems:
        raise MeetingError(problems, outside)
    meeting = Meeting(
        live_session_id=session.id, version_id=version.id, cohort_id=cohort.id,
        starts_at=starts_at, minutes=minutes, place=place, facilitator_id=facilitator.id,
        scheduled_by_id=by_id, created_at=now,
    )  # fmt: skip
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        "meeting.scheduled",
        f"Scheduled “{version.title}” for {cohort.name}",
        actor_id=by_id,
        meeting=meeting.id,
        session=session.slug,
        cohort=cohort.name,
        starts_at=starts_at.isoformat(),
        minutes=minutes,
        place=place,
        facilitator=facilitator.id,
        **({"outside_cohort_dates": outside} if outside else {}),
    )
    db.session.commit()
    return meeting


def _meeting_or_not_found(meeting_id, lock=False):
    query = select(Meeting).where(Meeting.id == meeting_id)
    if lock:
        query = query.with_for_update()
    meeting = db.session.scalar(query)
    if meeting is None:
        raise NotFound(meeting_id)
    return meeting


def change(meeting_id, plan, zone, by_id, now=None):
    """Move the meeting, change its length, place or facilitator ("meeting.changed", with what
    changed). The session and cohort stay: schedule another meeting for those. Moved to another
    day outside the cohort's dates, it needs plan.outside_confirmed. Commits."""
    now = now or utcnow()
    meeting = _meeting_or_not_found(meeting_id, lock=True)
    if meeting.cancelled_at is not None:
        raise MeetingError("This session was cancelled, so it cannot be changed.")
    problems = {}
    planned = meeting.version.minutes
    starts_at, minutes, place, facilitator = _check_plan(plan, zone, now, problems, planned)
    if starts_at is not None and starts_at > now and has_attendance(meeting.id):
        # Attendance is taken only once a meeting has started; moved ahead, the record would say
        # the trainees attended a session that has not happened (on their transcripts too).
        problems["on"] = (
            "Trainees are recorded as having attended this session, so it cannot be moved to a "
            "time that has not started yet. Correct the date and time to when it took place, or "
            "schedule a new session."
        )
    outside = None
    if plan.on != meeting.starts_at.astimezone(zone).date():  # a day kept was confirmed before
        outside = _outside_cohort(plan, meeting.cohort, problems)
    if problems:
        raise MeetingError(problems, outside)
    before = _facts(meeting)
    meeting.starts_at, meeting.minutes, meeting.place = starts_at, minutes, place
    meeting.facilitator_id = facilitator.id
    after = _facts(meeting)
    changed = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if changed:
        audit.record(
            "meeting.changed",
            f"Changed “{meeting.version.title}” for {meeting.cohort.name}: {', '.join(changed)}",
            actor_id=by_id,
            meeting=meeting.id,
            changed=changed,
            **({"outside_cohort_dates": outside} if outside else {}),
        )
    db.session.commit()
    return meeting


def has_attendance(meeting_id):
    """Whether someone is recorded as having attended the meeting (present, or for part of it):
    attendance that counts toward hours and requirements. A meeting where everyone is marked
    absent may not have taken place at all, and may still be moved or cancelled."""
    attended = and_(Attendance.meeting_id == meeting_id, Attendance.status.in_(ATTENDED))
    return db.session.scalar(select(exists().where(attended)))


def _facts(meeting):
    return {
        "starts_at": meeting.starts_at.astimezone(UTC).isoformat(),
        "minutes": meeting.minutes,
        "place": meeting.place,
        "facilitator": meeting.facilitator_id,
    }


CANCEL_AFTER_ATTENDANCE = (
    "Trainees are recorded as having attended this session, so it took place and cannot be "
    "cancelled: cancelling it would take its hours from the trainees who attended. To correct "
    "who was there, change the attendance."
)


def cancel(meeting_id, by_id, now=None):
    """Mark the meeting cancelled ("meeting.cancelled"); it stays on the list, marked. Cancelling
    one already cancelled changes nothing. A meeting someone attended is refused (MeetingError):
    a cancelled meeting's attendance no longer counts. Commits."""
    now = now or utcnow()
    meeting = _meeting_or_not_found(meeting_id, lock=True)
    if meeting.cancelled_at is None and has_attendance(meeting.id):
        db.session.rollback()
        raise MeetingError(CANCEL_AFTER_ATTENDANCE)
    if meeting.cancelled_at is None:
        meeting.cancelled_at = now
        audit.record(
            "meeting.cancelled",
            f"Cancelled “{meeting.version.title}” for {meeting.cohort.name}",
            actor_id=by_id,
            meeting=meeting.id,
            starts_at=meeting.starts_at.astimezone(UTC).isoformat(),
        )
    db.session.commit()
    return meeting


# --- reading -------------------------------------------------------------------------------------


def _listing():
    return select(Meeting).options(
        joinedload(Meeting.version),
        joinedload(Meeting.cohort),
        joinedload(Meeting.facilitator).lazyload(User.roles),
    )


def meeting(meeting_id):
    """The meeting with its version, cohort and facilitator; NotFound if there is none."""
    found = db.session.scalar(_listing().where(Meeting.id == meeting_id))
    if found is None:
        raise NotFound(meeting_id)
    return found


def may_facilitate(meeting, viewer):
    """Staff and admins may run any meeting; anyone else only one they facilitate."""
    return viewer.has_role(*STAFF_ROLES) or meeting.facilitator_id == viewer.id


def meeting_for_facilitator(meeting_id, viewer):
    """The meeting, when the viewer may see its guide and take its attendance; else NotFound
    (someone else's meeting is not even said to exist)."""
    found = meeting(meeting_id)
    if not may_facilitate(found, viewer):
        raise NotFound(meeting_id)
    return found


def is_enrolled(user_id, cohort_id):
    return bool(
        db.session.scalar(
            select(exists().where(Enrolment.user_id == user_id, Enrolment.cohort_id == cohort_id))
        )
    )


def meeting_for_calendar(meeting_id, viewer):
    """The meeting for a calendar file: for the cohort's trainees, its facilitator and staff."""
    found = meeting(meeting_id)
    if not (may_facilitate(found, viewer) or is_enrolled(viewer.id, found.cohort_id)):
        raise NotFound(meeting_id)
    return found


@dataclass(frozen=True)
class CohortMeetings:
    cohort: Cohort
    upcoming: list  # [Meeting], soonest first (cancelled ones included, marked)
    past: list  # [Meeting], most recent first


def meetings_by_cohort(viewer=None, now=None):
    """[CohortMeetings] by cohort name: every meeting, or with `viewer` who is not staff, only
    those the viewer facilitates. A meeting is past once it has ended."""
    now = now or utcnow()
    query = _listing().order_by(Meeting.starts_at, Meeting.id)
    if viewer is not None and not viewer.has_role(*STAFF_ROLES):
        query = query.where(Meeting.facilitator_id == viewer.id)
    groups = {}
    for found in db.session.scalars(query):
        group = groups.setdefault(found.cohort_id, CohortMeetings(found.cohort, [], []))
        (group.past if ends_at(found) <= now else group.upcoming).append(found)
    for group in groups.values():
        group.past.reverse()
    return sorted(groups.values(), key=lambda group: (group.cohort.name.lower(), group.cohort.id))


# Built once, the values bound per call: every dashboard asks it, and building it (its joined
# loads above all) cost more than running it.
_UPCOMING_FOR_TRAINEE = (
    _listing()
    .join(Enrolment, Enrolment.cohort_id == Meeting.cohort_id)
    .where(
        Enrolment.user_id == bindparam("user_id"),
        Meeting.cancelled_at.is_(None),
        Meeting.starts_at > bindparam("longest_ago"),
    )
    .order_by(Meeting.starts_at, Meeting.id)
)


def ahead_for_trainee(user_id, now):
    """Every meeting, not cancelled and not ended, of the cohorts the trainee is enrolled in,
    soonest first, in one query. The dashboard lists the first UPCOMING_SHOWN and takes each
    live session's next meeting from them (next_by_session)."""
    values = {"user_id": user_id, "longest_ago": now - timedelta(minutes=MAX_MINUTES)}
    rows = db.session.scalars(_UPCOMING_FOR_TRAINEE, values)
    return [found for found in rows if ends_at(found) > now]


def next_by_session(ahead, now):
    """{live session id: start of its next meeting not yet started}, among `ahead` (meetings
    not cancelled, of the trainee's cohorts: ahead_for_trainee's, all of them), as
    live_requirements would otherwise ask the database for it."""
    soonest = {}
    for found in ahead:
        session_id = found.live_session_id
        if found.starts_at > now and (
            session_id not in soonest or found.starts_at < soonest[session_id]
        ):
            soonest[session_id] = found.starts_at
    return soonest


def plan_of(meeting, zone):
    """The meeting as the schedule form shows it: its local date and time, length, place and
    facilitator."""
    local = meeting.starts_at.astimezone(zone)
    return Plan(local.date(), local.time(), meeting.minutes, meeting.place, meeting.facilitator_id)
