"""Certificates: deciding when one is due, issuing it exactly once, and finding it by its code.

A code looks like PSF-7K3Q-9XWM-4RT2: the course's initials, then 11 random characters and one
check character from Crockford's base32 alphabet (no I, L, O or U, so nothing is mistaken for a
digit). The 55 random bits make codes unguessable; the check character catches a typo before
anything is looked up.
"""

from __future__ import annotations

import calendar
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Certificate, Course, Module, ModuleProgress, User
from ..models.types import utcnow

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 11
BODY_LENGTH = RANDOM_LENGTH + 1  # and the check character
PREFIX_LENGTH = 4
# Roles that may open any trainee's certificate page; everyone else sees only their own.
STAFF_ROLES = frozenset({"staff", "admin"})

_CODE = re.compile(rf"[A-Z0-9]{{1,{PREFIX_LENGTH}}}(-[{ALPHABET}]{{4}}){{3}}")
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_MAX_CODE_TRIES = 5


class NotFound(LookupError):
    """No certificate has this code (or the person asking may not see it)."""


class MistypedCode(NotFound):
    """The code cannot be one we issued: its check character or its shape is wrong, so a
    character was most likely mistyped."""


# --- codes ---------------------------------------------------------------------------------------


def _doubled(value):
    """Luhn's doubling step, mod 32: double, then add the two base-32 digits of the result."""
    value *= 2
    return value // len(ALPHABET) + value % len(ALPHABET)


def _luhn_sum(characters, double_first):
    total, double = 0, double_first
    for character in reversed(characters):
        value = ALPHABET.index(character)
        total += _doubled(value) if double else value
        double = not double
    return total % len(ALPHABET)


def check_character(random_part):
    """The Luhn mod 32 check character for the random part of a code (no prefix, no hyphens)."""
    return ALPHABET[-_luhn_sum(random_part, double_first=True) % len(ALPHABET)]


def _check_passes(body):
    return _luhn_sum(body, double_first=False) == 0


# Luhn mod N misses exactly one adjacent transposition: the first and last characters of the
# alphabet (here 0 and Z). Codes are drawn again when they hold that pair side by side, so that
# every single-character typo and every swap of neighbours in an issued code is caught.
_UNDETECTED_SWAPS = frozenset(
    ALPHABET[a] + ALPHABET[b]
    for a in range(len(ALPHABET))
    for b in range(len(ALPHABET))
    if a != b and (a + _doubled(b) - b - _doubled(a)) % len(ALPHABET) == 0
)


def code_prefix(course_slug):
    """Up to four upper-case initials of the slug's words: peer-support-foundations -> PSF."""
    words = [word for word in re.split(r"[^a-z0-9]+", course_slug.lower()) if word]
    return "".join(word[0] for word in words)[:PREFIX_LENGTH].upper() or "C"


def _format(prefix, body):
    return "-".join([prefix, body[0:4], body[4:8], body[8:12]])


def new_code(course_slug):
    """A fresh random code for a certificate of this course."""
    while True:
        random_part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
        body = random_part + check_character(random_part)
        if not any(body[i : i + 2] in _UNDETECTED_SWAPS for i in range(BODY_LENGTH - 1)):
            return _format(code_prefix(course_slug), body)


def normalise_code(text):
    """The code as we print it, from what a person typed: "psf 7k3q 9xwm 4rt2" -> PSF-7K3Q-...

    Case, spaces and hyphens do not matter, and O, I and L in the random part are read as the
    digits they look like. Text too short to be a code comes back upper-cased, without spaces.
    """
    cleaned = "".join(ch for ch in text.strip().upper() if ch.isascii() and ch.isalnum())
    if len(cleaned) <= BODY_LENGTH:
        return cleaned
    prefix, body = cleaned[:-BODY_LENGTH], cleaned[-BODY_LENGTH:]
    return _format(prefix, body.translate(_LOOKALIKES))


def is_well_formed(code):
    """True when a normalised code has the right shape and its check character agrees."""
    return bool(_CODE.fullmatch(code)) and _check_passes(code.split("-", 1)[1].replace("-", ""))


# --- dates and status ----------------------------------------------------------------------------


def add_months(day, months):
    """The same day `months` calendar months later, or the month's last day when it is shorter
    (31 January + 1 month = 28 or 29 February)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_status(certificate, today=None):
    """ "revoked", "expired" (from its expiry date on) or "valid", on `today` (UTC by default)."""
    if certificate.revoked_at is not None:
        return "revoked"
    if (today or _today()) >= certificate.expires_on:
        return "expired"
    return "valid"


def _today():
    return utcnow().date()


# --- when a certificate is due -------------------------------------------------------------------


def every_module_passed(user_id, course_id):
    """Every current (not retired) module of the published course has its quiz passed."""
    total, passed = db.session.execute(
        select(func.count(Module.id), func.count(ModuleProgress.passed_at))
        .select_from(Module)
        .join(Course, Course.id == Module.course_id)
        .outerjoin(
            ModuleProgress,
            and_(ModuleProgress.module_id == Module.id, ModuleProgress.user_id == user_id),
        )
        .where(Module.course_id == course_id, Module.retired_at.is_(None))
        .where(Course.retired_at.is_(None))
    ).one()
    return total > 0 and passed == total


# Each requirement answers (user_id, course_id) -> bool. Others (supervised hours, for example)
# are added here, and certificate_due stays the one function that decides.
REQUIREMENTS = (every_module_passed,)


def certificate_due(user_id, course_id):
    """True when the trainee has met every requirement of the course's certificate."""
    return all(requirement(user_id, course_id) for requirement in REQUIREMENTS)


# --- issuing -------------------------------------------------------------------------------------


def _existing(user_id, course_id):
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id
        )
    )


def issue_if_due(user_id, course_id, now=None):
    """The trainee's certificate for the course: the one they have, a new one if it is due now
    (committed), or None when it is not due.

    Call it after recording a pass (flushed is enough); it commits the transaction when it
    issues. Safe to call after every passed quiz: when a certificate exists this is one small
    query. Exactly one certificate results even when two requests complete the course at once:
    the unique (user, course) constraint refuses the second insert, which then returns the first.
    """
    existing = _existing(user_id, course_id)
    if existing is not None:
        return existing
    # Take turns per trainee (PostgreSQL; SQLite serialises writers anyway). Without this, two
    # requests that each pass one of the last two modules, neither committed yet, would each see
    # the other's module as unpassed and neither would issue. NO KEY UPDATE, because the caller's
    # own progress rows hold a key-share lock on this row through their foreign key.
    db.session.execute(
        select(User.id).where(User.id == user_id).with_for_update(key_share=True)
    ).first()
    existing = _existing(user_id, course_id)
    if existing is not None:
        return existing
    if not certificate_due(user_id, course_id):
        return None
    course = db.session.get(Course, course_id)
    now = now or utcnow()
    issued_on = now.astimezone(UTC).date()
    for _ in range(_MAX_CODE_TRIES):
        certificate = Certificate(
            code=new_code(course.slug),
            user_id=user_id,
            course_id=course_id,
            course_version=course.version,
            title=course.certificate_title,
            issued_at=now,
            issued_on=issued_on,
            expires_on=add_months(issued_on, course.certificate_valid_for_months),
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            existing = _existing(user_id, course_id)
            if existing is not None:
                return existing
            continue  # the code was taken: draw another
        db.session.commit()
        return certificate
    raise RuntimeError("could not find an unused certificate code")


# --- reading -------------------------------------------------------------------------------------


def certificates_for_user(user_id):
    """The trainee's certificates, newest first, each with its course loaded."""
    return list(
        db.session.scalars(
            select(Certificate)
            .options(joinedload(Certificate.course))
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def certificate_by_code(code):
    """The certificate with this code, typed in any case or spacing, with holder and course.

    Raises MistypedCode when the code cannot be right, NotFound when no certificate has it.
    """
    code = normalise_code(code)
    if not is_well_formed(code):
        raise MistypedCode(code)
    certificate = db.session.scalar(
        select(Certificate)
        # The holder's roles are not needed here: skip their (selectin) query.
        .options(joinedload(Certificate.user).lazyload(User.roles))
        .options(joinedload(Certificate.course))
        .where(Certificate.code == code)
    )
    if certificate is None:
        raise NotFound(code)
    return certificate


def certificate_for_viewer(code, viewer_id, viewer_roles):
    """The certificate for its holder (or staff). Anyone else gets NotFound, as if it did not
    exist, so that a page never confirms whose certificate a code is."""
    certificate = certificate_by_code(code)
    if certificate.user_id != viewer_id and not STAFF_ROLES.intersection(viewer_roles):
        raise NotFound(code)
    return certificate


@dataclass(frozen=True)
class Verification:
    """What the public may learn from a certificate code, and nothing more."""

    code: str
    holder: str
    title: str
    issued_on: date
    expires_on: date
    status: str  # "valid", "expired" or "revoked"


def verify(code, today=None):
    """The public facts of the certificate with this code. Raises NotFound or MistypedCode."""
    certificate = certificate_by_code(code)
    return Verification(
        code=certificate.code,
        holder=certificate.user.name,
        title=certificate.title,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        status=certificate_status(certificate, today or _today()),
    )
