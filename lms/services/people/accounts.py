"""Accounts and roles: creating them, passwords, and signing in (with its throttle); reset links
are in password_reset.py.

Sign-in never reveals whether an email has an account: failures are counted per email typed, and
every failed sign-in costs one password-hash check of the same method and cost, whatever the
account's state (no account, a placeholder password, erased, or a real password).
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from functools import cache
from importlib import resources

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ...dates import clock_time
from ...extensions import db
from ...models import ROLES, SignInThrottle, User, UserRole
from ...models.types import utcnow
from .. import audit, program_day, settings
from ..errors import FieldErrors
from . import sessions

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1000  # long enough for any passphrase; bounds the hashing work per request
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200

# Every password a person chose is hashed with this method and cost; an account whose hash is
# anything else (the cheap placeholder of an imported account, an erased account) has no password
# anyone knows, and a sign-in to it is checked against a dummy hash of this method instead.
PASSWORD_METHOD = "scrypt:32768:8:1"
# The tests' apps set PASSWORD_METHOD in their settings to a cheap scrypt cost (hashing at the full
# cost was close to half the test run's time); no environment variable sets it, so a deployed app
# always uses the full cost above.

WAIT_AFTER_FAILURES = 5  # from this many failures on, each try waits WAIT after the last one
WAIT = timedelta(seconds=30)
LOCK_AFTER_FAILURES = 10
LOCK = timedelta(minutes=15)


EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
# Letters and digits that cannot be mistaken for each other when read aloud or copied by hand.
GENERATED_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

MISMATCH = "That email and password do not match. Check them and try again."
WAIT_MESSAGE = "Too many tries. Wait 30 seconds, then try again."
LOCK_MESSAGE = (
    "Sign-in for this email is paused for 15 minutes after too many tries. "
    "Try again after {time}, or reset your password."
)


class AccountError(FieldErrors):
    """A request about an account that cannot be carried out."""


class SignInRefused(AccountError):
    """Wrong email or password, or too many tries: the message is the same whether or not the
    email has an account."""


class EmailTaken(AccountError):
    """Another account already uses this email (the password was hashed all the same, so
    finding this out took as long as making an account would have)."""


class NoSuchAccount(LookupError):
    """No account uses that email (only said to staff, never on a public page)."""


def normalise_email(email):
    return email.strip().lower()


def looks_like_email(email):
    """Is this (normalised) address shaped like name@example.org? The one rule, used everywhere."""
    return len(email) <= MAX_EMAIL_LENGTH and bool(EMAIL_PATTERN.match(email))


@cache
def common_passwords():
    text = resources.files("lms").joinpath("data/common_passwords.txt").read_text("utf-8")
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password, email=""):
    """Why this password cannot be used, as a message for a person; None if it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters. "
            "A short sentence you will remember works well."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Choose a password of at most {MAX_PASSWORD_LENGTH} characters."
    if password.lower() in common_passwords():
        return (
            "That password is one of the most common ones, so it is easy to guess. "
            "Choose a different one: a short sentence you will remember works well."
        )
    if email and password.strip().lower() == normalise_email(email):
        return "Your password cannot be your email address. Choose something different."
    return None


def _details_problems(email, name, password):
    problems = {}
    email = normalise_email(email)
    if not email:
        problems["email"] = "Enter your email address."
    elif not looks_like_email(email):
        problems["email"] = "Enter an email address in the form name@example.org."
    if not name.strip():
        problems["name"] = "Enter your name, as you would like it shown on your certificate."
    elif len(name.strip()) > MAX_NAME_LENGTH:
        problems["name"] = f"Shorten your name to {MAX_NAME_LENGTH} characters or fewer."
    problem = password_problem(password, email)
    if problem:
        problems["password"] = problem
    return problems


def generate_password():
    """A random password to hand over once: three groups of four, about 59 bits."""
    groups = ("".join(secrets.choice(GENERATED_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


def grantable_roles(granter):
    """The roles this person may give a new account: only an admin may make another admin."""
    if granter is None or granter.has_role("admin"):
        return ROLES
    return tuple(role for role in ROLES if role != "admin")


def create_account(email, name, roles, password=None, granted_by=None):
    """Create an account; with no password, make one. Returns (user, generated password or None).

    `granted_by` is the staff member creating it (None: the command line, which may give any
    role). Commits.
    """
    generated = None
    if not password:
        generated = password = generate_password()
    user = _account(email, name, roles, password, granted_by)
    db.session.add(user)
    _save(commit=False)
    if granted_by is not None:
        # Which staff member gave the account its roles. The command line (whoever runs it holds
        # the database already) and a sign-up (it grants nothing) are not recorded.
        audit.record(
            "account.created",
            f"Account created with the roles {', '.join(sorted(roles))}",
            actor_id=granted_by.id,
            subject_id=user.id,
            roles=sorted(roles),
        )
    _save(commit=True)
    return user, generated


def register(email, name, password):
    """Sign-up: a trainee account with the password they chose. Commits."""
    user, _ = create_account(email, name, ["trainee"], password)
    return user


def add_accounts_without_password(people, roles, granted_by=None):
    """Add accounts, given as (email, name) pairs, to the current transaction (the caller
    commits); nobody can sign in to one until a reset link made by staff lets its owner choose a
    password. Returns them, in order.

    Each password is 256 random bits that nobody is ever shown, so one fast hash round guards it
    as well as a slow hash would, and they are written together: enrolling a cohort of 2,000 takes
    seconds rather than minutes. A clash with an existing email rolls back the whole transaction
    and raises AccountError.
    """
    users = [
        _account(email, name, roles, secrets.token_urlsafe(32), granted_by, "pbkdf2:sha256:1")
        for email, name in people
    ]
    db.session.add_all(users)
    _save(commit=False)
    return users


def password_method():
    """The method and cost every chosen password is hashed with (see PASSWORD_METHOD)."""
    return settings.app_config().get("PASSWORD_METHOD") or PASSWORD_METHOD


def hash_password(password):
    return generate_password_hash(password, method=password_method())


def _account(email, name, roles, password, granted_by, hash_method=None):
    """A new account after checking its details; AccountError if they will not do."""
    email, name, password = email or "", name or "", password or ""  # a field left out of a form
    problems = _details_problems(email, name, password)
    roles = list(dict.fromkeys(roles or ()))  # None: a form sent with no fields at all
    unknown = [r for r in roles if r not in ROLES]
    if not roles:
        problems["roles"] = "Choose at least one role."
    elif unknown:
        problems["roles"] = f"There is no role {unknown[0]!r}: use one of {', '.join(ROLES)}."
    elif set(roles) - set(grantable_roles(granted_by)):
        problems["roles"] = "Only an admin can give the admin role. Choose another role."
    if problems:
        raise AccountError(problems)
    email = normalise_email(email)
    password_hash = generate_password_hash(password, method=hash_method or password_method())
    user = User(email=email, name=name.strip(), password_hash=password_hash)
    user.roles = [UserRole(role=role) for role in roles]
    return user


def _save(commit):
    try:
        if commit:
            db.session.commit()
        else:
            db.session.flush()  # the caller's transaction: commits with the rest of its work
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken(
            {"email": "An account already uses this email. Sign in, or reset its password."}
        ) from None


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
    user.password_hash = hash_password(password)
    if user.id is not None:
        sessions.end_sessions(user.id)  # a new password: nobody stays signed in with the old one
    wanted = set(roles)
    user.roles = [r for r in user.roles if r.role in wanted]
    user.roles.extend(UserRole(role=role) for role in sorted(wanted - user.role_names))
    db.session.commit()
    return user


def user_by_id(user_id):
    """The account with this id, or None (a session may name an account that is gone, or was
    erased: an erased account's session ends at its next request)."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return None if user is None or user.erased_at is not None else user


def user_by_email(email):
    """The account with this email; NoSuchAccount if there is none."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NoSuchAccount(email)
    return user


def _dummy_hash():
    return _dummy_hash_of(password_method())


@cache
def _dummy_hash_of(method):
    return generate_password_hash(secrets.token_hex(16), method=method)


def _has_a_chosen_password(user):
    """Was this account's password chosen by a person and hashed at the full cost?"""
    return user.erased_at is None and user.password_hash.split("$", 1)[0] == password_method()


def _lock_message(until):
    # Round up to the minute, so that trying again at the time shown always works.
    shown = until.replace(second=0, microsecond=0)
    if shown < until:
        shown += timedelta(minutes=1)
    # The program's clock, as every time a page shows ("9:08 AM EST"), not UTC's.
    return LOCK_MESSAGE.format(time=clock_time(shown.astimezone(program_day.zone())))


def authenticate(email, password, now=None):
    """The account for this email and password; SignInRefused if not, or while slowed or paused.

    Commits the failure count (or clears it on success).
    """
    now = now or utcnow()
    key = normalise_email(email or "")[:MAX_EMAIL_LENGTH]
    password = password or ""
    throttle = db.session.get(SignInThrottle, key, populate_existing=True)
    if throttle is not None and throttle.locked_until is not None:
        if now < throttle.locked_until:
            raise SignInRefused(_lock_message(throttle.locked_until))
        # The pause is over: a fresh start.
        throttle.failures, throttle.last_failure_at, throttle.locked_until = 0, None, None
        db.session.commit()
    if (
        throttle is not None
        and throttle.failures >= WAIT_AFTER_FAILURES
        and throttle.last_failure_at is not None
        and now < throttle.last_failure_at + WAIT
    ):
        raise SignInRefused(WAIT_MESSAGE)

    user = db.session.scalar(select(User).where(User.email == key))
    if user is None or not _has_a_chosen_password(user):
        # The same work as a real check, so the time taken tells nothing about the account.
        check_password_hash(_dummy_hash(), password)
    elif check_password_hash(user.password_hash, password):
        if throttle is not None:
            db.session.execute(delete(SignInThrottle).where(SignInThrottle.email == key))
            db.session.commit()
        return user

    failures = _record_failure(key, now)
    if failures >= LOCK_AFTER_FAILURES:
        raise SignInRefused(_lock_message(now + LOCK))
    if failures >= WAIT_AFTER_FAILURES:
        raise SignInRefused(WAIT_MESSAGE)
    raise SignInRefused(MISMATCH)


def _record_failure(key, now):
    """Count one failure for this email, atomically (two requests at once both count)."""
    for _ in range(3):
        failures = db.session.execute(
            update(SignInThrottle)
            .where(SignInThrottle.email == key)
            .values(failures=SignInThrottle.failures + 1, last_failure_at=now)
            .returning(SignInThrottle.failures),
            execution_options={"synchronize_session": False},
        ).scalar()
        if failures is None:
            row = {"email": key, "failures": 1, "last_failure_at": now}
            try:
                db.session.execute(insert(SignInThrottle).values(**row))
                db.session.commit()
            except IntegrityError:  # another request made the row first: count on it
                db.session.rollback()
                continue
            return 1
        if failures >= LOCK_AFTER_FAILURES:
            db.session.execute(
                update(SignInThrottle)
                .where(SignInThrottle.email == key)
                .values(locked_until=now + LOCK),
                execution_options={"synchronize_session": False},
            )
        db.session.commit()
        return failures
    raise RuntimeError("could not record a failed sign-in")  # pragma: no cover


def clear_throttle(email):
    db.session.execute(
        delete(SignInThrottle).where(SignInThrottle.email == normalise_email(email)),
        execution_options={"synchronize_session": False},
    )


def _entity(account):
    """The User entity of an account: a User, or the signed-in account's plain values
    (sessions.SignedInAccount), whose row is loaded to be changed."""
    return account if isinstance(account, User) else db.session.get(User, account.id)


def change_password(account, current_password, new_password, keep_session=None):
    """Change a signed-in person's password after checking the current one. Commits.

    Every other session of the account ends (a stolen cookie stops working); the session whose
    token is `keep_session`, the one making the change, continues.
    """
    user = _entity(account)
    if not check_password_hash(user.password_hash, current_password or ""):
        raise AccountError(
            {
                "current_password": "That is not your current password. Type it again, or sign "
                "out and use “Forgot your password?” to choose a new one."
            }
        )
    problem = password_problem(new_password or "", user.email)
    if problem:
        raise AccountError({"new_password": problem})
    user.password_hash = hash_password(new_password)
    sessions.end_sessions(user.id, keep_token=keep_session)
    audit.record("password.changed", "Password changed by its owner", user.id, user.id)
    db.session.commit()


EMAIL_CHOICES = ("all", "essential")


def set_email_choice(account, choice):
    """Which emails a person wants: "all", or "essential" only (password resets and the notice
    that a certificate has expired; no reminders or digests). Commits."""
    if choice not in EMAIL_CHOICES:
        raise AccountError(
            {"emails": "Choose which emails you want: all of them, or only the essential ones."}
        )
    _entity(account).quiet_emails = choice == "essential"
    db.session.commit()
