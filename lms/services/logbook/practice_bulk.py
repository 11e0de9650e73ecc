"""Approving several practice sessions at once (500 hours of work is hundreds of entries): all or
nothing, as the current supervisor of every trainee concerned, each approval audited as a single
one is. Rejecting stays one at a time, with a comment (services.logbook.practice.review_session).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from ...extensions import db
from ...models import PracticeSession
from ...models.types import utcnow
from ..people import supervision
from . import practice

# One bulk approval at most: a supervisor's page shows every waiting session, and 500 hours is
# about that many entries.
MAX_BULK = 1000


@dataclass(frozen=True)
class BulkApproval:
    sessions: list  # [PracticeSession] approved, in the order asked
    issued: list  # [(trainee name, Certificate)] the approvals completed


def approve_sessions(reviewer, session_ids, comment="", now=None):
    """Approve several waiting sessions at once, with one optional comment, as the current
    supervisor of every trainee concerned. All or nothing, in one transaction: if any session
    cannot be approved (not found, another supervisor's trainee, already reviewed), nothing is
    approved and RequirementError says why. Each approval is audited as a single one is, and
    certificates the hours complete are issued. Commits; returns a BulkApproval.
    """
    now = now or utcnow()
    ids = list(dict.fromkeys(session_ids))
    comment = (comment or "").strip()
    if not ids:
        raise practice.RequirementError(
            "Tick at least one session to approve, or press Approve all shown."
        )
    if len(ids) > MAX_BULK:
        raise practice.RequirementError(f"Approve at most {MAX_BULK} sessions at once.")
    practice.check_comment_length(comment)
    sessions = {
        session.id: session
        for session in db.session.scalars(
            select(PracticeSession)
            .options(practice.with_trainee())
            .where(
                PracticeSession.id.in_(ids),
                PracticeSession.user_id.in_(supervision.supervised_trainee_ids(reviewer.id)),
            )
            # Lock the rows in one order (PostgreSQL), so that two overlapping approvals at
            # once take turns instead of deadlocking; the second then sees them reviewed.
            .order_by(PracticeSession.id)
            .with_for_update(of=PracticeSession)
        )
    }
    # Another supervisor's trainee and no session at all get the same answer: an id tells
    # nothing about sessions one may not see.
    foreign = [i for i in ids if i not in sessions]
    if foreign:
        raise practice.RequirementError(
            f"{_sessions_words(len(foreign))} chosen "
            f"{'is' if len(foreign) == 1 else 'are'} not from a trainee you supervise now. "
            "Nothing was approved: reload the "
            "page and try again."
        )
    reviewed = [sessions[i] for i in ids if sessions[i].status != "pending"]
    if reviewed:
        raise practice.RequirementError(_already_reviewed_bulk(reviewed))
    # The WHERE clause makes the first review win when two arrive at once: if any session was
    # reviewed meanwhile, fewer rows change, and the whole approval is rolled back.
    result = db.session.execute(
        update(PracticeSession)
        .where(PracticeSession.id.in_(ids), PracticeSession.status == "pending")
        .values(
            status="approved",
            reviewed_by_id=reviewer.id,
            reviewed_at=now,
            review_comment=comment or None,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(ids):
        db.session.rollback()
        reviewed = db.session.scalars(
            select(PracticeSession).where(
                PracticeSession.id.in_(ids), PracticeSession.status != "pending"
            )
        ).all()
        raise practice.RequirementError(_already_reviewed_bulk(reviewed))
    approved = [sessions[i] for i in ids]
    for session in approved:
        practice.audit_review(reviewer, session, "approved", comment)
    db.session.flush()
    issued = []
    for trainee_id in dict.fromkeys(session.user_id for session in approved):
        name = _trainee_name(approved, trainee_id)
        issued += [(name, c) for c in practice.issue_due(trainee_id, reviewer, now)]
    db.session.commit()
    for session in approved:
        db.session.refresh(session)
    return BulkApproval(approved, issued)


def _trainee_name(sessions, user_id):
    return next(s.user.name for s in sessions if s.user_id == user_id)


def _sessions_words(count):
    return f"{count} session{'' if count == 1 else 's'}"


def _already_reviewed_bulk(reviewed):
    first = reviewed[0]
    others = f" and {_sessions_words(len(reviewed) - 1)} more" if len(reviewed) > 1 else ""
    return (
        f"{first.user.name}'s session of {first.session_date.isoformat()}{others} "
        f"{'was' if len(reviewed) == 1 else 'were'} already reviewed. Nothing was approved: "
        "reload the page to see what still waits."
    )
