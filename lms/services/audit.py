"""Writing and reading the audit log. record() joins the caller's transaction, so an action and
its audit event are committed together or not at all."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import ACTIONS, AuditEvent


def record(action, summary, actor_id=None, subject_id=None, **details):
    """Add an audit event to the current transaction (the caller commits)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action, summary=summary[:300], actor_id=actor_id, subject_id=subject_id,
        details=details,
    )  # fmt: skip
    db.session.add(event)
    return event


def events(action=None, actor_id=None, subject_id=None, since=None, until=None, limit=200,
           offset=0):  # fmt: skip
    """Audit events, newest first, filtered by any of the arguments."""
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if subject_id:
        query = query.where(AuditEvent.subject_id == subject_id)
    if since:
        query = query.where(AuditEvent.occurred_at >= since)
    if until:
        query = query.where(AuditEvent.occurred_at < until)
    return list(db.session.scalars(query.limit(limit).offset(offset)))
