"""Who is on the roster: the trainees a viewer may see, and the cohorts to filter them by.

A supervisor sees the trainees currently assigned to them (supervision.supervised_trainee_ids);
staff and admins see every account holding the trainee role; nobody else sees anyone. Erased
accounts are never listed.
"""

from __future__ import annotations

from sqlalchemy import false, select

from ...extensions import db
from ...models import STAFF_ROLES, Cohort, Enrolment, User, UserRole
from ..people import supervision


def visible_trainee_ids(viewer, cohort_id=None):
    """A select of the ids of the trainees this viewer may see (optionally: in one cohort)."""
    query = (
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "trainee", User.erased_at.is_(None))
    )
    if not viewer.has_role(*STAFF_ROLES):
        if viewer.has_role("supervisor"):
            query = query.where(User.id.in_(supervision.supervised_trainee_ids(viewer.id)))
        else:
            query = query.where(false())
    if cohort_id is not None:
        query = query.where(
            User.id.in_(select(Enrolment.user_id).where(Enrolment.cohort_id == cohort_id))
        )
    return query


def cohort_options(viewer):
    """The cohorts to offer in the roster's filter, by name: every cohort for staff, the cohorts
    of their own trainees for a supervisor. [(id, name)]"""
    query = select(Cohort.id, Cohort.name).order_by(Cohort.name)
    if not viewer.has_role(*STAFF_ROLES):
        query = query.where(
            Cohort.id.in_(
                select(Enrolment.cohort_id).where(
                    Enrolment.user_id.in_(visible_trainee_ids(viewer))
                )
            )
        )
    return [tuple(row) for row in db.session.execute(query)]
