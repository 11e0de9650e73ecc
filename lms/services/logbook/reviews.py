"""Deciding on something a person logged (practice hours, continuing education): the rules a
review shares, whoever reviews what. The callers check who may review, give their own messages
and record the audit event; the decision is written here, so that the first review wins."""

from sqlalchemy import update

from ...extensions import db

DECISIONS = ("approve", "reject")
MAX_COMMENT = 2000


def record_decision(model, row_id, decision, reviewer_id, comment, now):
    """Write the decision on a pending row; the WHERE clause makes the first review win when two
    arrive at once. Returns the new status, or None when another review came first."""
    status = "approved" if decision == "approve" else "rejected"
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.status == "pending")
        .values(
            status=status,
            reviewed_by_id=reviewer_id,
            reviewed_at=now,
            review_comment=comment or None,
        )  # fmt: skip
        .execution_options(synchronize_session=False)
    )
    return status if result.rowcount == 1 else None
