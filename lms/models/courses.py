"""Published courses: modules, their content versions, quiz questions and media.

A module's content lives in ModuleVersion rows that never change once written; a module points at
its current version by number. Records elsewhere point at the version they were made against.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Course(db.Model):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    overview_html: Mapped[str] = mapped_column(Text)
    pass_mark: Mapped[int]
    certificate_title: Mapped[str] = mapped_column(String(200))
    certificate_valid_for_months: Mapped[int]
    # Requirements beyond quizzes (certificate: requires: in course.md).
    ethics_html: Mapped[str | None] = mapped_column(Text)
    ethics_hash: Mapped[str | None] = mapped_column(String(64))  # the version a signature signs
    # Approved practice hours: of either kind together (the key courses used before kinds
    # existed), of work, of supervision. 0 when not asked for; each is checked on its own.
    supervised_hours: Mapped[int] = mapped_column(default=0)
    work_hours: Mapped[int] = mapped_column(default=0)
    supervision_hours: Mapped[int] = mapped_column(default=0)
    # The domains training hours are counted in, in order, and {"total" or domain: hours} of
    # training the certificate requires (course.md's `domains:` and `training_hours:`).
    domains: Mapped[list] = mapped_column(JSON, default=list)
    training_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    # Live sessions the certificate requires the trainee to have attended (slugs), and those of
    # them whose skills checklist must be complete (course.md's `sessions:`, `skills_checklists:`).
    required_sessions: Mapped[list] = mapped_column(JSON, default=list)
    required_checklists: Mapped[list] = mapped_column(JSON, default=list)
    # The certificate's renewal rule (course.md certificate: renewal:), {} when it has none:
    # {"ce_hours", "minimum": {category: hours}, "window_months", "grace_months", ...}.
    renewal: Mapped[dict] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", order_by="Module.position"
    )


class Module(db.Model):
    __tablename__ = "module"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    current_version_number: Mapped[int]
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship(back_populates="modules")


class ModuleVersion(db.Model):
    __tablename__ = "module_version"
    __table_args__ = (
        UniqueConstraint("module_id", "number"),
        UniqueConstraint("module_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]  # training time: reading plus the module's activities
    domain: Mapped[str] = mapped_column(String(40))  # the one with the most minutes
    domain_minutes: Mapped[dict] = mapped_column(JSON, default=dict)  # {domain: minutes}
    objectives: Mapped[list] = mapped_column(JSON)
    pass_mark: Mapped[int]
    max_attempts: Mapped[int | None]
    retry_after_minutes: Mapped[int | None]
    # the wait applies from this many failed attempts on (None: from the first)
    wait_after_failures: Mapped[int | None]
    # questions an attempt draws from the pool (None: all of them, as before pools)
    draw: Mapped[int | None]
    review: Mapped[str] = mapped_column(String(20), default="always")  # or "after_pass"
    requires: Mapped[list] = mapped_column(JSON, default=list)  # module slugs to pass first
    # Continuing education the module grants when passed (front matter `ce:`), or None.
    ce_minutes: Mapped[int | None]
    ce_category: Mapped[str | None] = mapped_column(String(40))
    lesson_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship()
    questions: Mapped[list["Question"]] = relationship(
        back_populates="module_version", order_by="Question.position"
    )


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("module_version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_version.id"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))  # "single" or "multiple"
    stem_html: Mapped[str] = mapped_column(Text)
    scenario_html: Mapped[str] = mapped_column(Text)
    explanation_html: Mapped[str] = mapped_column(Text)

    module_version: Mapped[ModuleVersion] = relationship(back_populates="questions")
    choices: Mapped[list["Choice"]] = relationship(
        back_populates="question", order_by="Choice.position"
    )


class Choice(db.Model):
    __tablename__ = "choice"
    __table_args__ = (UniqueConstraint("question_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    position: Mapped[int]
    text_html: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool]

    question: Mapped[Question] = relationship(back_populates="choices")


class MediaFile(db.Model):
    """An image published with a course, stored by the hash of its bytes and never changed."""

    __tablename__ = "media_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CatalogVersion(db.Model):
    """One row (id 1) counting changes to the published catalog. Every publish bumps it in the
    publish's own transaction; a worker that caches the catalog reads this one row per request
    and drops its copy when the number moved, so every worker and instance stays current."""

    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
