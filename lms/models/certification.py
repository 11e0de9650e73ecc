"""Certificates: issued once when a course's requirements are met, verifiable by their code."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .courses import Course
from .types import UTCDateTime, utcnow


class Certificate(db.Model):
    __tablename__ = "certificate"
    # One current certificate per trainee and course: the index is what makes issuing (and
    # renewing) happen exactly once when two requests complete the course at the same moment. A
    # renewal supersedes the certificate it renews (superseded_at), and the new one is current.
    __table_args__ = (
        Index(
            "uq_certificate_current",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
        # Staff list certificates newest first, and renewals by expiry (keyset pages).
        Index("ix_certificate_issued_at_id", "issued_at", "id"),
        Index("ix_certificate_expires_on_id", "expires_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    course_version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    # The certificate this one renews (each is renewed at most once), and when a renewal
    # superseded this one.
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"), unique=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    renews: Mapped["Certificate | None"] = relationship(remote_side=[id])
