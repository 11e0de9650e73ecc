"""Staying certified: continuing education (CE) a holder earns or logs, the evidence they upload,
and the emails the app sends, with a record of each notice so that none goes out twice.

Evidence files live in the database (every app instance sees them; nothing on one instance's
disk), in their own table so that listing entries never loads file bytes.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .types import UTCDateTime, utcnow

CE_STATUSES = ("pending", "approved", "rejected")
# logged: the holder logged training taken elsewhere (staff review it); module: the app added it
# when the holder passed a CE module here (approved as it is made).
CE_SOURCES = ("logged", "module")
EMAIL_STATUSES = ("queued", "sent", "failed")


class CEEvidence(db.Model):
    """A file proving a logged CE entry: a PDF or an image, checked by content."""

    __tablename__ = "ce_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(255))  # as uploaded, for the download's name
    content_type: Mapped[str] = mapped_column(String(100))  # found from the bytes
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CEEntry(db.Model):
    """Continuing education in a holder's ledger; only approved entries count."""

    __tablename__ = "ce_entry"
    __table_args__ = (
        Index("ix_ce_entry_user_status", "user_id", "status"),
        Index("ix_ce_entry_status_logged", "status", "logged_at"),
        # One entry per sending of the form, however many times it arrives (logbook.once).
        Index("ix_ce_entry_user_submission_key", "user_id", "submission_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20), default="logged")  # one of CE_SOURCES
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))  # provider or presenter
    completed_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int]  # hours are entered and shown as hours; minutes keep sums exact
    category: Mapped[str] = mapped_column(String(40))
    # For source "module": the module passed and the version it was passed under.
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    module_version_id: Mapped[int | None] = mapped_column(ForeignKey("module_version.id"))
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("ce_evidence.id"))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # one of CE_STATUSES
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)
    submission_key: Mapped[str | None] = mapped_column(String(64))  # None: not logged by a form

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    evidence: Mapped[CEEvidence | None] = relationship()


class SentNotice(db.Model):
    """A notice that has been decided and queued, once: the unique key (e.g.
    "renewal:<certificate id>:30" or "digest:<supervisor id>:2026-W48") is written in the same
    transaction as the email it queues, so a task run twice, or by two workers at once, sends it
    once."""

    __tablename__ = "sent_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutgoingEmail(db.Model):
    """An email on its way: queued in a request or a task, sent by the worker, retried on failure;
    a message that finally fails stays here with its error. The body is emptied once sent (it may
    hold a password-reset link)."""

    __tablename__ = "outgoing_email"
    __table_args__ = (Index("ix_outgoing_email_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(40))  # e.g. "password-reset", "renewal-reminder"
    # An email that brings a holder their new certificate: the worker attaches its files (the
    # PDF and the signed credential), made when it sends, so the table holds no copies of them.
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(20), default="queued")  # one of EMAIL_STATUSES
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
