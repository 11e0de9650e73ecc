"""Live sessions for tests: LiveSession and LiveSessionVersion rows made directly (as publishing
a course's sessions/ folder will), a cohort taking the course, and meetings scheduled for it."""

import hashlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Cohort, LiveSession, LiveSessionVersion, Meeting
from lms.services import cohorts, meetings

ZONE = ZoneInfo("America/New_York")
GUIDE = "<p>FACILITATOR-GUIDE-SECRET: pair people up and time each role-play.</p>"
SKILLS = [
    "Reflects feelings back before giving information",
    "Asks open questions",
    "Names a boundary kindly",
]


def add_session(course, slug="role-play-listening", title="Role-play: listening", minutes=90,
                domain_minutes=None, skills=None, objectives=None, guide=GUIDE):  # fmt: skip
    """A published live session of `course` with one version; returns the LiveSession."""
    domain_minutes = domain_minutes or {"mentoring-education": minutes}
    position = db.session.scalar(
        select(func.count(LiveSession.id)).where(LiveSession.course_id == course.id)
    )
    session = LiveSession(
        course_id=course.id, slug=slug, position=position + 1, current_version_number=1
    )
    db.session.add(session)
    db.session.flush()
    add_version(session, 1, title, minutes, domain_minutes, skills, objectives, guide)
    db.session.commit()
    return session


def add_version(session, number, title, minutes, domain_minutes, skills=None, objectives=None,
                guide=GUIDE):  # fmt: skip
    """Another version of the session, made current."""
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
    db.session.commit()
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
    version: for tests about attendance and hours."""
    version = db.session.scalar(
        select(LiveSessionVersion).where(
            LiveSessionVersion.live_session_id == session.id,
            LiveSessionVersion.number == session.current_version_number,
        )
    )
    meeting = Meeting(
        live_session_id=session.id, version_id=version.id, cohort_id=cohort.id,
        starts_at=starts_at, minutes=minutes, place=place, facilitator_id=facilitator.id,
        scheduled_by_id=by.id if by else None,
    )  # fmt: skip
    db.session.add(meeting)
    db.session.commit()
    return meeting


def hours_ago(hours, now=None):
    return (now or datetime.now(UTC)) - timedelta(hours=hours)


def plan(on, at, minutes=90, place="Room 4", facilitator=None):
    return meetings.Plan(on, at, minutes, place, facilitator.id if facilitator else None)
