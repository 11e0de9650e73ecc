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
    wanted = set(roles)
    user.roles = [r for r in user.roles if r.role in wanted]
    user.roles.extend(UserRole(role=role) for role in sorted(wanted - user.role_names))
    db.session.commit()
    return user


def user_by_id(user_id):
    """The account with this id, or None (a session may name an account that is gone)."""
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
