"""People who use the app, and the roles they hold."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

ROLES = ("trainee", "supervisor", "author", "staff", "admin")
# The roles that run the program: they may see every trainee's records.
STAFF_ROLES = ("staff", "admin")


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    # Lists of people sort by name whatever its case (keyset pages walk this index).
    __table_args__ = (Index("ix_user_account_lower_name_id", text("lower(name)"), "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when an admin erases the trainee: personal data is gone, the row stays for history.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The person switched off emails that are not essential (reminders, digests); password
    # resets and notices that a certificate has expired are always sent.
    quiet_emails: Mapped[bool] = mapped_column(default=False)
    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role_names(self):
        return {role.role for role in self.roles}

    def has_role(self, *names):
        return bool(self.role_names.intersection(names))


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="roles")


class SignInThrottle(db.Model):
    """Failed sign-ins counted per email address typed, whether or not an account has it, so that
    slowing down and locking never reveal which addresses exist."""

    __tablename__ = "sign_in_throttle"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(db.Model):
    """One signed-in browser session. The cookie carries a random token and this row its SHA-256
    digest (a copy of the table signs nobody in); deleting the row ends the session on every
    worker and instance at once."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
