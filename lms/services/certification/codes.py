"""Codes people type to check a document: a certificate (PSF-7K3Q-9XWM-4RT2) or a training
transcript (TR-...). One format for both: a short prefix, then 11 random characters and one check
character from Crockford's base32 alphabet (no I, L, O or U, so nothing is mistaken for a
digit). The 55 random bits make codes unguessable; the check character catches a typo before
anything is looked up.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 11
BODY_LENGTH = RANDOM_LENGTH + 1  # and the check character
PREFIX_LENGTH = 4

_CODE = re.compile(rf"[A-Z0-9]{{1,{PREFIX_LENGTH}}}(-[{ALPHABET}]{{4}}){{3}}")
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


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


def _format(prefix, body):
    return "-".join([prefix, body[0:4], body[4:8], body[8:12]])


def new_code(prefix):
    """A fresh random code after this prefix (up to four capitals or digits)."""
    while True:
        random_part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
        body = random_part + check_character(random_part)
        if not any(body[i : i + 2] in _UNDETECTED_SWAPS for i in range(BODY_LENGTH - 1)):
            return _format(prefix, body)


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
