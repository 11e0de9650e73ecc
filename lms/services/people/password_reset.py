"""Password-reset links: signed, good for one hour, and single-use (the token carries a
fingerprint of the password hash, so setting a new password makes the link stop working).

A link asked for by email is written by the worker, not in the request (request_reset_email):
the request does the same work whether or not an account uses the address, so neither its answer
nor the time it takes tells anyone who has an account here."""

from __future__ import annotations

import hashlib
import secrets

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from ...extensions import db
from ...models import User
from ...models.types import utcnow
from .. import audit, outbox
from . import sessions
from .accounts import (
    AccountError,
    NoSuchAccount,
    clear_throttle,
    hash_password,
    looks_like_email,
    normalise_email,
    password_problem,
    user_by_email,
)

RESET_SALT = "password-reset"
RESET_MAX_AGE = 3600  # seconds: a reset link works for one hour
# The outbox purpose of a reset email, its subject, and the page its link opens (+ the token).
PURPOSE = "password-reset"
SUBJECT = "Choose a new password"
RESET_PATH = "/reset-password/"


class ResetLinkInvalid(AccountError):
    """A password-reset link that was already used, has expired, or was never made here."""


def _fingerprint(user):
    # Changes whenever the password does, so a link stops working once it has been used.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _serializer(secret_key, now=None):
    if now is None:
        return URLSafeTimedSerializer(secret_key, salt=RESET_SALT)

    class SignedAt(TimestampSigner):
        def get_timestamp(self):
            return int(now.timestamp())

    return URLSafeTimedSerializer(secret_key, salt=RESET_SALT, signer=SignedAt)


def make_reset_token(user, secret_key, now=None):
    """A signed token for a password-reset link: single-use, good for RESET_MAX_AGE seconds."""
    return _serializer(secret_key, now).dumps({"user": user.id, "password": _fingerprint(user)})


def reset_token_for_email(email, secret_key, granted_by=None):
    """The account with this email and a reset token for it; NoSuchAccount if there is none.

    With `granted_by` (staff handing a link over), only an admin may get one for an admin. The
    audit log records who made a link for whom (a link signs its holder in to the account).
    Commits.
    """
    user = user_by_email(email)
    if granted_by is not None and user.has_role("admin") and not granted_by.has_role("admin"):
        raise AccountError(
            {"email": "Only an admin can make a reset link for an admin account. Ask an admin."}
        )
    token = make_reset_token(user, secret_key)
    audit.record(
        "password.reset_link_made",
        "Reset link made to hand to the account's owner",
        actor_id=granted_by.id if granted_by is not None else None,
        subject_id=user.id,
    )
    db.session.commit()
    return user, token


def request_reset_email(email):
    """Queue a reset email for whoever uses `email`, in a transaction of its own. Commits.

    The same work whether or not an account uses the address: one row in the outbox with no body
    yet, which the worker writes when it sends (reset_email), or drops when no account uses the
    address. AccountError if `email` is not shaped like an email address."""
    address = normalise_email(email or "")
    if not looks_like_email(address):
        raise AccountError({"email": "Enter an email address in the form name@example.org."})
    outbox.post_email(address, SUBJECT, "", PURPOSE)


def reset_email(address, settings):
    """(user id, body) of the reset email to `address`, with a new link made now: the worker
    calls this at each try, so a retried email never brings a link that has expired meanwhile.
    None when no account uses the address (the email is then dropped, never sent)."""
    try:
        user = user_by_email(address)
    except NoSuchAccount:
        return None
    link = settings["LMS_BASE_URL"] + RESET_PATH + make_reset_token(user, settings["SECRET_KEY"])
    body = (
        f"Hello {user.name},\n\n"
        f"Someone asked to choose a new password for your account at {settings['LMS_SITE_NAME']}.\n"
        "If it was you, open this link and choose a new password:\n\n"
        f"{link}\n\n"
        "The link works for one hour, and only once.\n\n"
        "If you did not ask for this, you can ignore this email: your password stays the same.\n"
    )
    return user.id, body


def user_from_reset_token(token, secret_key, max_age=RESET_MAX_AGE, now=None, lock=False):
    """The account a reset token names; ResetLinkInvalid if used, expired or not ours.

    `lock` holds the account's row until the commit, so two uses at once cannot both pass.
    """
    used = "This link has already been used, or it is not complete. Ask for a new link."
    try:
        payload, signed_at = _serializer(secret_key).loads(token, return_timestamp=True)
        user_id, fingerprint = int(payload["user"]), str(payload["password"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise ResetLinkInvalid(used) from None
    if ((now or utcnow()) - signed_at).total_seconds() > max_age:
        raise ResetLinkInvalid(
            "This link has expired: links to choose a new password work for one hour. "
            "Ask for a new link."
        )
    query = select(User).where(User.id == user_id).execution_options(populate_existing=True)
    user = db.session.scalar(query.with_for_update() if lock else query)
    if user is None or not secrets.compare_digest(_fingerprint(user), fingerprint):
        raise ResetLinkInvalid(used)
    return user


def reset_password(token, new_password, secret_key, max_age=RESET_MAX_AGE, now=None):
    """Set a new password through a reset link; the link then stops working. Commits.

    Also clears the sign-in throttle for the account's email (the person has proved who they
    are) and ends every session of the account (whoever else was signed in is signed out).
    """
    try:
        user = user_from_reset_token(token, secret_key, max_age, now, lock=True)
        problem = password_problem(new_password or "", user.email)
        if problem:
            raise AccountError({"password": problem})
        user.password_hash = hash_password(new_password)
        clear_throttle(user.email)
        sessions.end_sessions(user.id)
        audit.record("password.reset", "Password set through a reset link", user.id, user.id)
        db.session.commit()
    except AccountError:
        db.session.rollback()
        raise
    return user
