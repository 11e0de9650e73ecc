"""What trainees do with the content: quiz attempts, each tied to the module version it answered."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .courses import ModuleVersion
from .types import UTCDateTime, utcnow


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_version.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[dict | None] = mapped_column(JSON)
    score: Mapped[int | None]
    passed: Mapped[bool | None]

    module_version: Mapped[ModuleVersion] = relationship()
