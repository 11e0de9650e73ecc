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

from sqlalchemy import bindparam, func, select

from ...extensions import db
from ...models import Course, Enrolment, Meeting
from ...models.types import utcnow
from ..plain_rows import plain_rows
from . import catalog
from .training import attendance


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


# Built once, the values bound per call: it runs on every course page with live requirements,
# and building it cost more than running it. The soonest meeting to come of each session, for
# any of the trainee's cohorts.
_SOONEST = (
    select(Meeting.live_session_id, func.min(Meeting.starts_at))
    .where(
        Meeting.cohort_id.in_(
            select(Enrolment.cohort_id).where(Enrolment.user_id == bindparam("user_id"))
        ),
        Meeting.live_session_id.in_(bindparam("session_ids", expanding=True)),
        Meeting.cancelled_at.is_(None),
        Meeting.starts_at > bindparam("now"),
    )
    .group_by(Meeting.live_session_id)
)


def _soonest(user_id, session_ids, now):
    """{live session id: start of its next meeting (not cancelled, not yet started) for one of
    the trainee's cohorts}, in one query."""
    if not session_ids:
        return {}
    values = {"user_id": user_id, "session_ids": list(session_ids), "now": now or utcnow()}
    return dict(plain_rows(_SOONEST, values).all())


def _attended(rows):
    """{(user id, course id, slug): [start of the first meeting they were present at, {skill
    text demonstrated}]} from training.attendance()'s rows (meetings not cancelled), in any
    order."""
    attended = {}
    for row in rows:
        found = attended.setdefault((row.user_id, row.course_id, row.slug), [None, set()])
        if row.status == "present" and (found[0] is None or row.starts_at < found[0]):
            found[0] = row.starts_at
        version_skills = row.version_skills or ()
        found[1].update(
            version_skills[position]
            for position in row.skills or ()
            if isinstance(position, int) and 0 <= position < len(version_skills)
        )
    return attended


def _standing(slug, current, attended, next_at=None):
    """One SessionStanding from the session (a catalog.SessionSummary, None when the course has
    no such session) and what the trainee attended."""
    first_present, skills = attended or (None, set())
    if current is None:
        return SessionStanding(slug, slug, first_present, 0, 0, None, False)
    checklist = list(dict.fromkeys(current.skills or ()))
    return SessionStanding(
        slug,
        current.title,
        first_present,
        sum(1 for skill in checklist if skill in skills),
        len(checklist),
        next_at,
        current.retired_at is None,
    )


def standings_for(user_ids, courses_by_id, selected=None, attended=None):
    """{(user id, course id): {slug: SessionStanding}} (without next meetings) for the sessions
    the courses require ({course id: anything with required_sessions and required_checklists}),
    in two queries however many trainees and courses (one with `attended`, the trainees'
    training.attendance() in at least these courses). `selected`, a query of the same ids, may
    stand for them in the query (a roster of thousands selects rather than lists them)."""
    wanted = {cid: course for cid, course in courses_by_id.items() if asks_for_sessions(course)}
    user_ids = list(user_ids)
    if not wanted or not user_ids:
        return {}
    current = catalog.live_sessions(wanted, from_copy=False)
    if attended is None:
        attended = attendance(user_ids if selected is None else selected, list(wanted))
    attended = _attended(attended)
    return {
        (user_id, course_id): {
            slug: _standing(
                slug, current[course_id].get(slug), attended.get((user_id, course_id, slug))
            )
            for slug in _wanted_slugs(course)
        }  # fmt: skip
        for user_id in user_ids
        for course_id, course in wanted.items()
    }


def standings(user_id, courses, now=None, with_next=True, attended=None, next_meetings=None):
    """{course id: {slug: SessionStanding}} for the sessions the courses require, in at most three
    queries however many courses (two without `with_next`, the next meeting of each; one fewer
    with `attended`, the trainee's training.attendance() in at least these courses, and one fewer
    with `next_meetings`, meetings.next_by_session() of the trainee's meetings ahead). The next
    meeting is looked up only for a required session not yet attended, the one checklist item
    that shows it: no query at all when the trainee attended every one."""
    courses = [course for course in courses if asks_for_sessions(course)]
    if not courses:
        return {}
    course_ids = [course.id for course in courses]
    current = catalog.live_sessions(course_ids)
    if attended is None:
        attended = attendance([user_id], course_ids)
    attended = _attended(attended)
    soonest = {}
    if with_next:
        session_ids = [
            current[course.id][slug].id
            for course in courses
            for slug in course.required_sessions or ()
            if slug in current[course.id]
            and attended.get((user_id, course.id, slug), (None,))[0] is None
        ]
        if next_meetings is None:
            soonest = _soonest(user_id, session_ids, now)
        else:
            soonest = {sid: next_meetings[sid] for sid in session_ids if sid in next_meetings}
    result = {}
    for course in courses:
        rows = result.setdefault(course.id, {})
        for slug in _wanted_slugs(course):
            found = current[course.id].get(slug)
            next_at = soonest.get(found.id) if found else None
            rows[slug] = _standing(slug, found, attended.get((user_id, course.id, slug)), next_at)
    return result


def standing_met(course, rows):
    """Does the trainee meet the course's live-session requirements, given `rows` (standings)?"""
    for slug in course.required_sessions or ():
        if rows[slug].attended_at is None:
            return False
    return all(rows[slug].checklist_complete for slug in course.required_checklists or ())


def missing_text(course, rows):
    """What is still short, in words short enough for a roster cell: ["live session
    role-play-listening not attended", "skills of role-play-listening: 4 of 6"]."""
    missing = [
        f"live session {slug} not attended"
        for slug in course.required_sessions or ()
        if rows[slug].attended_at is None
    ]
    missing += [
        f"skills of {slug}: {rows[slug].skills_done} of {rows[slug].skills_total}"
        for slug in course.required_checklists or ()
        if not rows[slug].checklist_complete
    ]
    return missing


def required_sessions_attended(user_id, course_id):
    """The course requires no live sessions, or the trainee was present at each one it requires
    and has demonstrated every skill of each checklist it requires."""
    course = db.session.get(Course, course_id)
    if not asks_for_sessions(course):
        return True
    return standing_met(course, standings(user_id, [course], with_next=False)[course.id])
