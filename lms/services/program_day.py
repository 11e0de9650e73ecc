"""The program's calendar: which day it is, and on which day a moment fell, in the program's time
zone (LMS_TIMEZONE). A certificate is dated and judged by it (issued on, expires on, valid or
expired, a renewal's window and grace), so that a trainee in New York who finishes at 9 PM is
certified that day, and a certificate stays valid until its expiry day begins there.

The clock (lms.clock) knows only UTC moments; the zone is configuration, read here."""

from datetime import UTC, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

from .. import clock
from .settings import app_config


@cache
def _zone(name):
    return ZoneInfo(name)


def zone():
    """The program's time zone (LMS_TIMEZONE), as a tzinfo."""
    return _zone(app_config()["LMS_TIMEZONE"])


def day_of(moment):
    """The calendar day a UTC moment fell on in the program's time zone (None for None)."""
    return moment.astimezone(zone()).date() if moment is not None else None


def today():
    """Today's date in the program's time zone (lms.clock's now, so tests can move it)."""
    return day_of(clock.now())


def day_begins(day):
    """The moment `day` begins in the program's time zone, as a datetime in that zone: the first
    moment whose day_of is `day` (where a clock change skips midnight, the moment it skips from)."""
    start = datetime.combine(day, time(), tzinfo=zone())
    return start.astimezone(UTC).astimezone(zone())  # a skipped midnight as the hour it became
