"""The demo's live session (`lms demo`): when the bundled courses publish a live session, a demo
cohort taking its course with the demo trainee enrolled, and the session scheduled a week ahead
with the demo supervisor facilitating. Running it again adds nothing."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from ...extensions import db
from ...models import Cohort, Enrolment, Meeting
from ...models.types import utcnow
from ..people import cohorts
from . import meetings

DEMO_COHORT = "Demo cohort"
DEMO_PLACE = "Room 1 (or the video link your program uses)"


def ensure_demo_meeting(trainee, facilitator, zone, now=None):
    """The demo meeting (made now, or the one made before), or None when no live session is
    published. Commits."""
    now = now or utcnow()
    sessions = meetings.schedulable_sessions()
    if not sessions:
        return None
    session, _ = sessions[0]
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if cohort is None:
        today = now.astimezone(zone).date()
        cohort = cohorts.create_cohort(DEMO_COHORT, today, None, [session.course_id])
    elif session.course not in cohort.courses:
        cohort.courses.append(session.course)
        db.session.commit()
    enrolled = db.session.scalar(
        select(Enrolment.id).where(
            Enrolment.cohort_id == cohort.id, Enrolment.user_id == trainee.id
        )
    )
    if enrolled is None:
        cohorts.enrol(cohort.id, trainee.email)
    existing = db.session.scalar(
        select(Meeting).where(
            Meeting.cohort_id == cohort.id,
            Meeting.live_session_id == session.id,
            Meeting.cancelled_at.is_(None),
        )
    )
    if existing is not None:
        return existing
    on = now.astimezone(zone).date() + timedelta(days=7)
    plan = meetings.Plan(on, time(18, 0), None, DEMO_PLACE, facilitator.id)
    return meetings.schedule(session.id, cohort.id, plan, zone, None, now=now)
