"""Writing and reading the audit log. record() joins the caller's transaction, so an action and
its audit event are committed together or not at all."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.event import listens_for
from sqlalchemy.orm import Session, aliased

from ..extensions import db
from ..models import ACTIONS, AuditEvent, User
from ..models.audit import AuditLogIsAppendOnly
from . import keyset


@listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state):
    """The model refuses changing or deleting an event one object at a time; this refuses the
    bulk ORM statements too (update(AuditEvent), delete(AuditEvent)), which skip those hooks."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AuditLogIsAppendOnly("audit events are never changed or deleted")


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


# What each action is called on a page, in words.
ACTION_LABELS = {
    "certificate.issued": "Certificate issued",
    "certificate.revoked": "Certificate revoked",
    "certificate.reinstated": "Certificate reinstated",
    "certificate.renewed": "Certificate renewed",
    "hours.approved": "Practice hours approved",
    "hours.rejected": "Practice hours rejected",
    "ethics.signed": "Code of ethics signed",
    "role.changed": "Roles changed",
    "account.created": "Account created",
    "password.changed": "Password changed",
    "password.reset": "Password set through a reset link",
    "password.reset_link_made": "Reset link made",
    "cohort.imported": "Cohort imported",
    "course.synced": "Courses published",
    "course.published": "Course published from the workspace",
    "course.publish_requested": "Publishing a course requested",
    "course.publish_request_withdrawn": "Request to publish a course withdrawn",
    "course.publish_request_declined": "Request to publish a course declined",
    "trainee.erased": "Trainee erased",
    "transcript.issued": "Training transcript issued",
    "meeting.scheduled": "Live session scheduled",
    "meeting.changed": "Live session changed",
    "meeting.cancelled": "Live session cancelled",
    "attendance.recorded": "Attendance recorded",
    "attendance.corrected": "Attendance corrected",
    "attendance.removed": "Attendance removed",
    "ce.approved": "Continuing education approved",
    "ce.rejected": "Continuing education not approved",
    "email.failed": "Email not sent",
    "cohort.certificates_downloaded": "Cohort's certificates downloaded",
    "cohort.emails_changed": "Cohort's certificate emails turned on or off",
}
ORDER = keyset.Order(((AuditEvent.occurred_at, True), (AuditEvent.id, True)))
CSV_HEADER = ("When (UTC)", "Who", "What", "Summary", "To whom")


@dataclass(frozen=True)
class EventRow:
    """One line of the audit log as staff read it (names, not accounts: no lazy loads)."""

    id: int
    occurred_at: datetime
    action: str
    summary: str
    actor_name: str | None  # None: a command-line task
    subject_name: str | None

    @property
    def action_label(self):
        return ACTION_LABELS.get(self.action, self.action)


@dataclass(frozen=True)
class EventPage:
    """One page of the audit log, newest first (page: a keyset.Page of EventRow)."""

    page: keyset.Page
    total: int  # counted up to keyset.COUNT_CAP + 1

    @property
    def events(self):
        return self.page.rows


def _events_query(action=None, person_email=None, since=None, until=None):
    actor, subject = aliased(User), aliased(User)
    query = (
        select(
            AuditEvent.id, AuditEvent.occurred_at, AuditEvent.action, AuditEvent.summary,
            actor.name, subject.name,
        )
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_id)
    )  # fmt: skip
    if action:
        query = query.where(AuditEvent.action == action)
    if person_email:
        person = select(User.id).where(User.email == person_email.strip().lower())
        query = query.where(or_(AuditEvent.actor_id.in_(person), AuditEvent.subject_id.in_(person)))
    if since:
        query = query.where(AuditEvent.occurred_at >= since)
    if until:
        query = query.where(AuditEvent.occurred_at < until)
    return query


def event_page(action=None, person_email=None, since=None, until=None, cursor=None,
               per=keyset.PER_PAGE):  # fmt: skip
    """A page of audit events from `cursor` (None: the newest), filtered by action, by a person
    (the email of the actor or the subject: an unknown email matches nothing) and by when
    (`since` inclusive, `until` exclusive, UTC datetimes): two statements."""
    query = _events_query(action, person_email, since, until)
    total = keyset.capped_count(query)
    found = keyset.page_of(query, ORDER, cursor, per)
    rows = [EventRow(*row) for row in found.rows]
    return EventPage(page=replace(found, rows=rows), total=total)


def event_csv_rows(**filters):
    """Every event the filters find, newest first, as CSV cells (CSV_HEADER), streamed."""
    for row in keyset.stream(_events_query(**filters), ORDER):
        event = EventRow(*row)
        yield (
            event.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
            event.actor_name or "a command-line task",
            event.action_label,
            event.summary,
            event.subject_name or "",
        )
