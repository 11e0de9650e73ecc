"""Who supervises whom, and who may see a trainee's records.

The rule, in one place: staff and admins see every trainee; a supervisor sees the trainees
currently assigned to them; a trainee sees themself; nobody else sees anything.
"""

from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import STAFF_ROLES, SupervisorAssignment, User
from ...models.types import utcnow


class SupervisionError(ValueError):
    """An assignment that cannot be made; the message says why."""


def current_supervisor_id(trainee_id):
    return db.session.scalar(
        select(SupervisorAssignment.supervisor_id).where(
            SupervisorAssignment.trainee_id == trainee_id, SupervisorAssignment.ended_at.is_(None)
        )
    )


def supervised_trainee_ids(supervisor_id):
    """A select of the ids of the trainees currently assigned to this supervisor."""
    return select(SupervisorAssignment.trainee_id).where(
        SupervisorAssignment.supervisor_id == supervisor_id, SupervisorAssignment.ended_at.is_(None)
    )


def can_view_trainee(viewer, trainee_id):
    """May this signed-in account see this trainee's records?"""
    if viewer.has_role(*STAFF_ROLES):
        return True
    if viewer.id == trainee_id:
        return True
    return viewer.has_role("supervisor") and current_supervisor_id(trainee_id) == viewer.id


def assign_supervisor(trainee_id, supervisor_id, assigned_by_id=None, now=None, commit=True):
    """Make `supervisor_id` the trainee's supervisor, ending any current assignment (kept as
    history). Assigning the current supervisor again changes nothing."""
    [assignment] = assign_supervisors([(trainee_id, supervisor_id)], assigned_by_id, now)
    if commit:
        db.session.commit()
    return assignment


def assign_supervisors(pairs, assigned_by_id=None, now=None):
    """assign_supervisor for many (trainee id, supervisor id) pairs at once, in the current
    transaction (the caller commits), in a few queries however many: importing a cohort.
    Returns each trainee's current assignment, in order."""
    now = now or utcnow()
    pairs = list(pairs)
    wanted = dict(pairs)
    if len(wanted) != len(pairs):
        raise SupervisionError("a trainee can have only one supervisor at a time")
    supervisors = {
        user.id: user
        for user in db.session.scalars(select(User).where(User.id.in_(set(wanted.values()))))
    }
    for trainee_id, supervisor_id in pairs:
        supervisor = supervisors.get(supervisor_id)
        if supervisor is None or not supervisor.has_role("supervisor"):
            raise SupervisionError(
                "that account is not a supervisor: give it the supervisor role first"
            )
        if supervisor_id == trainee_id:
            raise SupervisionError("a trainee cannot supervise themself")
    current = {
        assignment.trainee_id: assignment
        for assignment in db.session.scalars(
            select(SupervisorAssignment).where(
                SupervisorAssignment.trainee_id.in_(wanted),
                SupervisorAssignment.ended_at.is_(None),
            )
        )
    }
    ended = [a for a in current.values() if a.supervisor_id != wanted[a.trainee_id]]
    for assignment in ended:
        assignment.ended_at = now
    if ended:
        db.session.flush()  # the partial unique index allows one current row per trainee
    for trainee_id, supervisor_id in pairs:
        if trainee_id not in current or current[trainee_id].supervisor_id != supervisor_id:
            current[trainee_id] = SupervisorAssignment(
                trainee_id=trainee_id, supervisor_id=supervisor_id,
                assigned_by_id=assigned_by_id, assigned_at=now,
            )  # fmt: skip
            db.session.add(current[trainee_id])
    return [current[trainee_id] for trainee_id, _ in pairs]


def assignment_history(trainee_id):
    """Every supervisor the trainee has had, newest first."""
    return list(
        db.session.scalars(
            select(SupervisorAssignment)
            .where(SupervisorAssignment.trainee_id == trainee_id)
            .order_by(SupervisorAssignment.assigned_at.desc(), SupervisorAssignment.id.desc())
        )
    )
