"""The course workspace: courses written in the browser, kept in the database so that every app
instance sees the same drafts. A draft course is a set of files laid out exactly like a course
folder on disk (course.md, NN-slug.md modules, sessions/, media/), each file at its current
revision; every save adds a revision and none is ever changed.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class DraftCourse(db.Model):
    """A course in the workspace; its slug is the folder name it exports as and publishes to."""

    __tablename__ = "draft_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the last publish: {path: revision number} of the files it published, so the next publish
    # can show what changed since, text and all
    published: Mapped[dict] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    files: Mapped[list["DraftFile"]] = relationship(
        back_populates="course", order_by="DraftFile.path", cascade="all, delete-orphan"
    )


class DraftFile(db.Model):
    """One file of a draft course at its current revision. A deleted file keeps its row and its
    history (deleted_at set), so it can be restored; its path is free for a new file only once
    that file takes over the row."""

    __tablename__ = "draft_file"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("draft_course.id", ondelete="CASCADE"), index=True
    )
    # as in the course folder: "course.md", "03-boundaries.md", "sessions/01-x.md", "media/a.png"
    path: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)  # the bytes, exactly as exported
    revision: Mapped[int] = mapped_column(default=1)  # the number of its current revision
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[DraftCourse] = relationship(back_populates="files")


class DraftRevision(db.Model):
    """A file as one save left it: who, when, its path then and its bytes (None: deleted)."""

    __tablename__ = "draft_revision"
    __table_args__ = (UniqueConstraint("file_id", "number"),)  # also the index reads use

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("draft_file.id", ondelete="CASCADE"))
    number: Mapped[int]
    path: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # what the save was, in words: "saved", "imported from a zip", "restored revision 3",
    # "renamed from 02-old.md", "deleted"
    note: Mapped[str] = mapped_column(String(200), default="saved")


PUBLISH_REQUEST_STATUSES = ("open", "published", "withdrawn", "declined")


class PublishRequest(db.Model):
    """An author asks staff to publish a draft course: the two-person rule. It records the
    revision of each file as the author asked, so the person who publishes sees what changed
    since, and how it ended: published, withdrawn by its author, or declined with a reason."""

    __tablename__ = "publish_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("draft_course.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")  # what the author says changed, and why
    revisions: Mapped[dict] = mapped_column(JSON, default=dict)  # {path: revision} when asked
    status: Mapped[str] = mapped_column(String(20), default="open")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[DraftCourse] = relationship()
