"""Live sessions: practice taught in a room or on a video call, and who attended.

A course's session files (courses/<course>/sessions/NN-slug.md) publish as LiveSession rows with
LiveSessionVersion content that never changes once written, as modules do. Staff schedule a
session for a cohort (a Meeting, pinned to the version current when it was scheduled); the
facilitator records each trainee's Attendance at it. Minutes attended count toward the version's
domains; skills demonstrated are positions in the version's skills checklist.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .cohorts import Cohort
from .courses import Course
from .types import UTCDateTime, utcnow

ATTENDANCE_STATUSES = ("present", "partial", "absent")


class LiveSession(db.Model):
    __tablename__ = "live_session"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    current_version_number: Mapped[int]
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship()


class LiveSessionVersion(db.Model):
    __tablename__ = "live_session_version"
    __table_args__ = (
        UniqueConstraint("live_session_id", "number"),
        UniqueConstraint("live_session_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id"))
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]  # the planned length
    domain: Mapped[str] = mapped_column(String(40))  # the one with the most minutes
    domain_minutes: Mapped[dict] = mapped_column(JSON, default=dict)  # {domain: minutes}
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    requires: Mapped[list] = mapped_column(JSON, default=list)  # module slugs to pass first
    guide_html: Mapped[str] = mapped_column(Text)  # the facilitator guide: staff, facilitators
    skills: Mapped[list] = mapped_column(JSON, default=list)  # the skills checklist, as text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    live_session: Mapped[LiveSession] = relationship()


class Meeting(db.Model):
    """One scheduled occurrence of a live session, for one cohort."""

    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_cohort_starts", "cohort_id", "starts_at"),
        Index("ix_meeting_facilitator_starts", "facilitator_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("live_session_version.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int]  # the scheduled length
    place: Mapped[str] = mapped_column(String(500))  # a room, or a video-call link
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    live_session: Mapped[LiveSession] = relationship()
    version: Mapped[LiveSessionVersion] = relationship()
    cohort: Mapped[Cohort] = relationship()
    facilitator: Mapped[User] = relationship(foreign_keys=[facilitator_id])


class Attendance(db.Model):
    """One trainee at one meeting. Corrections change the row and are kept in the audit log."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))  # one of ATTENDANCE_STATUSES
    minutes: Mapped[int]  # attended: the meeting's length, part of it, or 0
    skills: Mapped[list] = mapped_column(JSON, default=list)  # positions in version.skills
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Transcript(db.Model):
    """A training transcript as issued: its code lets a board check it at /verify. The snapshot
    is what the transcript said, kept so that a question about it can be answered later."""

    __tablename__ = "transcript"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
