"""The audit log: certification-relevant actions, append-only.

Append-only twice over: the ORM refuses to change or delete an event (a clear error in Python),
and the database refuses too (triggers), so that raw SQL, another program or a bug cannot rewrite
history either. The triggers are made with the table (create_all) and by migration 0004s.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .triggers import made_with
from .types import UTCDateTime, utcnow

ACTIONS = (
    "certificate.issued",
    "certificate.revoked",
    "certificate.reinstated",
    "certificate.renewed",
    "hours.approved",
    "hours.rejected",
    "ethics.signed",
    "role.changed",
    "account.created",
    "password.changed",
    "password.reset",
    "password.reset_link_made",
    "cohort.imported",
    "course.synced",
    "course.published",
    "course.publish_requested",
    "course.publish_request_withdrawn",
    "course.publish_request_declined",
    "trainee.erased",
    "transcript.issued",
    "meeting.scheduled",
    "meeting.changed",
    "meeting.cancelled",
    "attendance.recorded",
    "attendance.corrected",
    "attendance.removed",
    "ce.approved",
    "ce.rejected",
    "email.failed",
    "cohort.certificates_downloaded",
    "cohort.emails_changed",
)


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    # The log pages newest first by (occurred_at, id), all of it or one action's events.
    __table_args__ = (
        Index("ix_audit_event_occurred_at", "occurred_at"),
        Index("ix_audit_event_occurred_at_id", "occurred_at", "id"),
        Index("ix_audit_event_action_occurred_at_id", "action", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: a command
    action: Mapped[str] = mapped_column(String(40), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    summary: Mapped[str] = mapped_column(String(300))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_changes(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit events are never changed or deleted")


APPEND_ONLY_MESSAGE = "audit events are never changed or deleted"

# SQLite: one trigger per statement type; RAISE(ABORT) undoes the statement and fails it.
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
]
# PostgreSQL: one function, fired for every changed row and for TRUNCATE.
POSTGRESQL_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]

made_with(
    AuditEvent.__table__,
    SQLITE_TRIGGERS,
    POSTGRESQL_TRIGGERS,
    postgresql_functions=["audit_event_append_only()"],
)
