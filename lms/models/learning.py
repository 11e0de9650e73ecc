"""What trainees do with the content: progress per module, and quiz attempts.

Progress is kept per Module (stable across content versions); an attempt records the exact
ModuleVersion it answered, so its questions and answers keep their meaning after a change.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .courses import Module, ModuleVersion
from .types import UTCDateTime, utcnow


class ModuleProgress(db.Model):
    """Where one trainee is with one module: started (opened), read (reached the quiz), passed."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    best_score: Mapped[int | None]
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship()

    @property
    def passed(self):
        return self.passed_at is not None


class QuizAttempt(db.Model):
    """One try at a module's quiz. Created when the quiz is opened (fixing the choice order),
    submitted exactly once."""

    __tablename__ = "quiz_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_version.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {question_id: [choice_id, ...]} in the order this attempt shows them
    choice_order: Mapped[dict] = mapped_column(JSON, default=dict)
    # {question_id: [chosen choice_id, ...]}
    answers: Mapped[dict | None] = mapped_column(JSON)
    score: Mapped[int | None]
    passed: Mapped[bool | None]

    module_version: Mapped[ModuleVersion] = relationship()
