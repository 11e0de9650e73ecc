"""What certification asks beyond quizzes: a signed code of ethics, and practice hours (work and
supervision) approved by a supervisor."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .types import UTCDateTime, utcnow

PRACTICE_STATUSES = ("pending", "approved", "rejected")
# work: paid or volunteer peer-support work; supervision: time spent in supervision. A board asks
# for each separately (IC&RC: 500 hours of work, 25 of supervision).
PRACTICE_KINDS = ("work", "supervision")


class EthicsSignature(db.Model):
    """A trainee's signature of one course's code of ethics, tied to the exact text they signed."""

    __tablename__ = "ethics_signature"
    __table_args__ = (
        # One signature per trainee and text: a double click or a second tab cannot store two,
        # even on SQLite, where the signing service's row lock does nothing. A changed code
        # (another text_hash) is signed anew.
        Index(
            "ix_ethics_signature_user_course_text", "user_id", "course_id", "text_hash",
            unique=True,
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    text_hash: Mapped[str] = mapped_column(String(64))  # Course.ethics_hash at signing
    typed_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeSession(db.Model):
    """Practice a trainee logged, work or supervision; only approved hours count."""

    __tablename__ = "practice_session"
    __table_args__ = (
        Index("ix_practice_session_user_status", "user_id", "status"),
        # One session per sending of the form, however many times it arrives (logbook.once).
        Index("ix_practice_session_user_submission_key", "user_id", "submission_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    session_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int]  # hours are entered and shown as hours; minutes keep sums exact
    kind: Mapped[str] = mapped_column(String(20), default="work")  # one of PRACTICE_KINDS
    activity: Mapped[str] = mapped_column(String(60))
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)
    submission_key: Mapped[str | None] = mapped_column(String(64))  # None: not logged by a form

    user: Mapped[User] = relationship(foreign_keys=[user_id])
