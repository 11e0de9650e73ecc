"""Live sessions for tests, written straight to the tables: LiveSession and LiveSessionVersion rows
(as publishing a course's sessions/ folder makes them, bumping the catalog version as a publish
does, so that no worker keeps an older copy), a cohort taking the course, meetings and
attendance. session_version, held_meeting and attend only flush (for tests that commit once, or
bulk data); add_session and meet commit."""

import hashlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Attendance, Cohort, LiveSession, LiveSessionVersion, Meeting
from lms.services.learning import catalog_version, meetings
from lms.services.people import cohorts

ZONE = ZoneInfo("America/New_York")
GUIDE = "<p>FACILITATOR-GUIDE-SECRET: pair people up and time each role-play.</p>"
SKILLS = [
    "Reflects feelings back before giving information",
    "Asks open questions",
    "Names a boundary kindly",
]


def session_version(course_id, slug="role-play-listening", title="Role-play: listening",
                    minutes=90, domain_minutes=None, skills=None, objectives=None, guide=GUIDE,
                    position=None):  # fmt: skip
    """A published live session of the course with one version (flushed); returns the version.
    `position` defaults to after the course's other sessions."""
    if position is None:
        position = 1 + db.session.scalar(
            select(func.count(LiveSession.id)).where(LiveSession.course_id == course_id)
        )
    session = LiveSession(
        course_id=course_id, slug=slug, position=position, current_version_number=1
    )
    db.session.add(session)
    db.session.flush()
    return _version(session, 1, title, minutes, domain_minutes or {"mentoring-education": minutes},
                    skills, objectives, guide)  # fmt: skip


def add_session(course, slug="role-play-listening", title="Role-play: listening", minutes=90,
                domain_minutes=None, skills=None, objectives=None, guide=GUIDE):  # fmt: skip
    """A published live session of `course` with one version, committed; returns the
    LiveSession."""
    version = session_version(course.id, slug, title, minutes, domain_minutes, skills, objectives,
                              guide)  # fmt: skip
    db.session.commit()
    return version.live_session


def add_version(session, number, title, minutes, domain_minutes, skills=None, objectives=None,
                guide=GUIDE):  # fmt: skip
    """Another version of the session, made current (committed)."""
    version = _version(session, number, title, minutes, domain_minutes, skills, objectives, guide)
    db.session.commit()
    return version


def _version(session, number, title, minutes, domain_minutes, skills, objectives, guide):
    skills = list(SKILLS if skills is None else skills)
    version = LiveSessionVersion(
        live_session_id=session.id, number=number,
        content_hash=hashlib.sha256(f"{session.id}-{number}-{title}".encode()).hexdigest(),
        title=title, minutes=minutes,
        domain=max(domain_minutes, key=domain_minutes.get), domain_minutes=domain_minutes,
        objectives=list(objectives or ["Practise reflective listening", "Notice, then name"]),
        requires=[], guide_html=guide, skills=skills,
    )  # fmt: skip
    db.session.add(version)
    session.current_version_number = number
    catalog_version.bump()
    db.session.flush()
    return version


def cohort_for(course, name="Spring", *trainees):
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == name))
    if cohort is None:
        cohort = cohorts.create_cohort(name, date(2026, 1, 1), None, [course.id])
    for trainee in trainees:
        cohorts.enrol(cohort.id, trainee.email)
    return cohort


def meet(session, cohort, facilitator, starts_at, minutes=90, place="Room 4", by=None):
    """A meeting made directly (not through the scheduling rules), pinned to the current
    version, committed: for tests about attendance and hours."""
    version = db.session.scalar(
        select(LiveSessionVersion).where(
            LiveSessionVersion.live_session_id == session.id,
            LiveSessionVersion.number == session.current_version_number,
        )
    )
    meeting = held_meeting(version, cohort.id, facilitator.id, starts_at, minutes, place,
                           by.id if by else None)  # fmt: skip
    db.session.commit()
    return meeting


def held_meeting(version, cohort_id, facilitator_id, starts_at, minutes=None, place="Room 4",
                 scheduled_by_id=None):  # fmt: skip
    """A meeting of this version (flushed); as long as the version plans by default."""
    meeting = Meeting(
        live_session_id=version.live_session_id, version_id=version.id, cohort_id=cohort_id,
        starts_at=starts_at, minutes=minutes or version.minutes, place=place,
        facilitator_id=facilitator_id, scheduled_by_id=scheduled_by_id,
    )  # fmt: skip
    db.session.add(meeting)
    db.session.flush()
    return meeting


def attend(meeting, user_id, status="present", minutes=None, skills=()):
    """Attendance recorded directly (flushed): present defaults to the meeting's length."""
    if minutes is None:
        minutes = meeting.minutes if status == "present" else 0
    row = Attendance(meeting_id=meeting.id, user_id=user_id, status=status, minutes=minutes,
                     skills=list(skills))  # fmt: skip
    db.session.add(row)
    db.session.flush()
    return row


def hours_ago(hours, now=None):
    return (now or datetime.now(UTC)) - timedelta(hours=hours)


def plan(on, at, minutes=90, place="Room 4", facilitator=None):
    return meetings.Plan(on, at, minutes, place, facilitator.id if facilitator else None)


def current_versions(course_id=None):
    """The current versions of the published sessions (of one course), in the course's order."""
    query = (
        select(LiveSessionVersion)
        .join(LiveSession)
        .where(LiveSessionVersion.number == LiveSession.current_version_number)
        .order_by(LiveSession.position)
    )
    if course_id is not None:
        query = query.where(LiveSession.course_id == course_id)
    return db.session.scalars(query).all()
