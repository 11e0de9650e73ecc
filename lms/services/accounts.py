"""Accounts and roles."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models import ROLES, User, UserRole


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


def normalise_email(email):
    return email.strip().lower()


def ensure_user(email, name, roles, password):
    """Create the account, or reset its name, roles and password if it exists. Commits."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"unknown role {sorted(unknown)[0]!r}: use one of {', '.join(ROLES)}")
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash="")
        db.session.add(user)
    user.name = name
    user.password_hash = generate_password_hash(password)
    user.roles = [UserRole(role=role) for role in roles]
    db.session.commit()
    return user
