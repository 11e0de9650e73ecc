"""Signed-in sessions, kept in the database: signing out, a new password or a reset ends them on
every worker and instance at once, and a session ends by itself when idle or too old.

The cookie holds a random token; the table holds only its SHA-256 digest, so a copy of the table
signs nobody in. Checking a session is one indexed query that also loads the account.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_login import UserMixin
from sqlalchemy import bindparam, delete, or_, select, update

from ...extensions import db
from ...models import User, UserRole, UserSession
from ...models.types import utcnow
from ..learning import catalog_version, trainee_stamp
from ..plain_rows import plain_rows

# last_seen_at is written at most this often: a write on every page view would cost a commit per
# request for a timestamp that only needs to be right to within a few minutes.
TOUCH_EVERY = timedelta(minutes=5)


class SignedInAccount(UserMixin):
    """The account a live session names, as the plain values every page and every rule given a
    viewer reads: id, name, email, email choice and roles. Not the User entity: loading that (with
    its roles) took twice as long as the session check's own query, on every request, for the few
    pages that change the account, whose services load it to change it (accounts.py)."""

    def __init__(self, user_id, name, email, quiet_emails, role_names):
        self.id, self.name, self.email = user_id, name, email
        self.quiet_emails, self.role_names = quiet_emails, role_names

    def has_role(self, *names):
        return not self.role_names.isdisjoint(names)

    def __repr__(self):
        return f"<SignedInAccount {self.id}>"


# The account a live session names, one row per role (none: one row with no role), the catalog
# version, which every page reads next (services/learning/catalog.py), and the account's trainee
# stamp, by which the course page's checklist is kept (certification/kept_checklists.py): one
# round trip to the database. Plain columns on the session's connection, built once: this runs
# on every request, and building the statement, or the ORM's handling of a result, cost more
# than running it.
_SIGNED_IN = (
    select(
        User.id,
        User.name,
        User.email,
        User.quiet_emails,
        UserSession.last_seen_at,
        catalog_version.as_of_now(),
        trainee_stamp.as_of_now(),
        UserRole.role,
    )
    .join(UserSession, UserSession.user_id == User.id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(
        UserSession.id == bindparam("digest"),
        User.id == bindparam("user_id"),
        User.erased_at.is_(None),
        UserSession.last_seen_at > bindparam("idle_since"),
        UserSession.created_at > bindparam("born_since"),
    )
)


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user_id, idle, lifetime, now=None):
    """A new session for this account; returns the token for the cookie. Commits.

    Sessions that have expired (anyone's) are deleted on the way, so the table holds little
    more than the sessions in use, and nothing of people who never come back.
    """
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.execute(
        delete(UserSession).where(
            or_(UserSession.last_seen_at <= now - idle, UserSession.created_at <= now - lifetime)
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.add(
        UserSession(id=_digest(token), user_id=user_id, created_at=now, last_seen_at=now)
    )
    db.session.commit()
    return token


def signed_in_user(user_id, token, idle, lifetime, now=None):
    """The account a session cookie names (a SignedInAccount), if that session is still live; None
    if it was ended, has been idle longer than `idle`, is older than `lifetime`, or its account was
    erased.

    Notes the time it was seen (committing) when the last note is older than TOUCH_EVERY.
    """
    if not isinstance(token, str) or not token:
        return None
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    now = now or utcnow()
    digest = _digest(token)
    values = {
        "digest": digest,
        "user_id": user_id,
        "idle_since": now - idle,
        "born_since": now - lifetime,
    }
    rows = plain_rows(_SIGNED_IN, values).all()
    if not rows:
        return None
    user_id, name, email, quiet_emails, last_seen_at, version, stamp, _ = rows[0]
    roles = frozenset(row.role for row in rows if row.role is not None)
    user = SignedInAccount(user_id, name, email, quiet_emails, roles)
    catalog_version.noted(version)
    trainee_stamp.noted(user_id, stamp)
    if now - last_seen_at >= min(TOUCH_EVERY, idle / 4):
        db.session.execute(
            update(UserSession).where(UserSession.id == digest).values(last_seen_at=now)
        )
        db.session.commit()
    return user


def end_session(token):
    """End the session this cookie token names (signing out). Commits."""
    if isinstance(token, str) and token:
        db.session.execute(delete(UserSession).where(UserSession.id == _digest(token)))
        db.session.commit()


def end_sessions(user_id, keep_token=None):
    """End every session of this account except the one `keep_token` names, in the caller's
    transaction (the caller commits, with the password change that calls for it)."""
    statement = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_token:
        statement = statement.where(UserSession.id != _digest(keep_token))
    db.session.execute(statement, execution_options={"synchronize_session": False})
