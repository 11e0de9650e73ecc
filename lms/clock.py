"""The one clock: every "now" and "today" in lms is read here, so that tests can move time
(reminders at 90 days before expiry, a renewal window opening, a grace period ending).

Imports nothing from lms. In production nothing sets it and it is the system clock, in UTC.
"""

from datetime import UTC, datetime, timedelta

_frozen = None


def now():
    """The current moment, timezone-aware, in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today():
    """Today's date in UTC."""
    return now().date()


def freeze(moment):
    """Tests only: make now() answer `moment` (timezone-aware) until thaw()."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("freeze a timezone-aware moment")
    _frozen = moment.astimezone(UTC)


def advance(**delta):
    """Tests only: move a frozen clock forward, e.g. advance(days=30)."""
    freeze(now() + timedelta(**delta))


def thaw():
    global _frozen
    _frozen = None
