"""What a certificate asks of live sessions (course.md's `requires: sessions:` and
`skills_checklists:`, published into Course.required_sessions and Course.required_checklists),
and where a trainee stands on it.

A required session is met by being marked present at one meeting of it that was not cancelled
(partial attendance does not meet it). A required checklist is met when the skills demonstrated
across all the trainee's meetings of that session cover every skill of the session's current
checklist, compared by the skill's text: a skill ticked under an earlier version counts when the
current version still has it, word for word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select

from ..extensions import db
from ..models import (
    Attendance,
    Course,
    Enrolment,
    LiveSession,
    LiveSessionVersion,
    Meeting,
)
from .meetings import next_meetings


@dataclass(frozen=True)
class SessionStanding:
    """One required session (or checklist) of a course, for one trainee."""

    slug: str
    title: str  # of the current version (the slug when the session is not published)
    attended_at: datetime | None  # the first meeting the trainee was present at
    skills_done: int  # distinct current checklist skills demonstrated
    skills_total: int  # skills on the current checklist
    next_at: datetime | None = None  # the next meeting scheduled for one of the trainee's cohorts
    published: bool = True

    @property
    def checklist_complete(self):
        return self.published and self.skills_done >= self.skills_total


def asks_for_sessions(course):
    return bool(course.required_sessions or course.required_checklists)


def _wanted_slugs(course):
    wanted = [*(course.required_sessions or ()), *(course.required_checklists or ())]
    return list(dict.fromkeys(wanted))


def standings(user_id, courses, now=None, with_next=True):
    """{course id: {slug: SessionStanding}} for the sessions the courses require, in at most four
    queries however many courses (two without `with_next`, the next meeting of each)."""
    courses = [course for course in courses if asks_for_sessions(course)]
    if not courses:
        return {}
    course_ids = [course.id for course in courses]
    current = {}
    for session, version in db.session.execute(
        select(LiveSession, LiveSessionVersion)
        .join(
            LiveSessionVersion,
            and_(
                LiveSessionVersion.live_session_id == LiveSession.id,
                LiveSessionVersion.number == LiveSession.current_version_number,
            ),
        )
        .where(LiveSession.course_id.in_(course_ids))
    ):
        current[(session.course_id, session.slug)] = (session, version)
    attended = {}  # (course id, slug) -> [first present start, {skill text}]
    for course_id, slug, status, skills, starts_at, version_skills in db.session.execute(
        select(
            LiveSession.course_id,
            LiveSession.slug,
            Attendance.status,
            Attendance.skills,
            Meeting.starts_at,
            LiveSessionVersion.skills,
        )
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(LiveSession, LiveSession.id == Meeting.live_session_id)
        .join(LiveSessionVersion, LiveSessionVersion.id == Meeting.version_id)
        .where(
            Attendance.user_id == user_id,
            LiveSession.course_id.in_(course_ids),
            Meeting.cancelled_at.is_(None),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ):
        found = attended.setdefault((course_id, slug), [None, set()])
        if status == "present" and found[0] is None:
            found[0] = starts_at
        if status in ("present", "partial"):
            found[1].update(
                version_skills[position]
                for position in skills or ()
                if isinstance(position, int) and 0 <= position < len(version_skills or ())
            )
    upcoming = {}
    if with_next:
        session_ids = [session.id for session, _ in current.values()]
        cohort_ids = list(
            db.session.scalars(select(Enrolment.cohort_id).where(Enrolment.user_id == user_id))
        )
        upcoming = next_meetings(cohort_ids, session_ids, now)
    soonest = {}
    for (_, session_id), found in upcoming.items():
        if session_id not in soonest or found.starts_at < soonest[session_id]:
            soonest[session_id] = found.starts_at
    result = {}
    for course in courses:
        rows = result.setdefault(course.id, {})
        for slug in _wanted_slugs(course):
            session, version = current.get((course.id, slug), (None, None))
            first_present, skills = attended.get((course.id, slug), (None, set()))
            if version is None:
                rows[slug] = SessionStanding(slug, slug, first_present, 0, 0, None, False)
                continue
            checklist = list(dict.fromkeys(version.skills or ()))
            rows[slug] = SessionStanding(
                slug,
                version.title,
                first_present,
                sum(1 for skill in checklist if skill in skills),
                len(checklist),
                soonest.get(session.id),
                session.retired_at is None,
            )
    return result


def standing_met(course, rows):
    """Does the trainee meet the course's live-session requirements, given `rows` (standings)?"""
    for slug in course.required_sessions or ():
        if rows[slug].attended_at is None:
            return False
    return all(rows[slug].checklist_complete for slug in course.required_checklists or ())


def required_sessions_attended(user_id, course_id):
    """The course requires no live sessions, or the trainee was present at each one it requires
    and has demonstrated every skill of each checklist it requires."""
    course = db.session.get(Course, course_id)
    if not asks_for_sessions(course):
        return True
    return standing_met(course, standings(user_id, [course], with_next=False)[course.id])
