"""Hours as people read them, and what they type when they log time (practice sessions,
continuing education): hours in quarter hours and the day it happened. The readers of typed values
return (value, None) or (None, a message saying what to fix); the callers word what is missing and
the limits that differ."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

STEP_MINUTES = 15
# The latest date anywhere on Earth is 14 hours ahead of UTC: something logged "today" by someone
# in Auckland is not in the future, whatever the server's clock says.
AHEAD_OF_UTC = timedelta(hours=14)

# What a certificate can ask of practice hours: (Course column, kind counted or None for both
# kinds together, how the trainee's checklist names it). `supervised_hours` is the key courses
# used before hours had a kind; it keeps its meaning: every approved hour, whatever the kind.
# It lives here, below certification, so that the signed credential's criteria (credentials/)
# name the hours in the same words without importing certification.
HOURS_REQUIREMENTS = (
    ("supervised_hours", None, "supervised practice"),
    ("work_hours", "work", "peer-support work"),
    ("supervision_hours", "supervision", "supervision"),
)


def hours_text(minutes):
    """Minutes as hours to two decimals at most, as people write them: 95 -> "1.58",
    90 -> "1.5", 1500 -> "25", 45 -> "0.75"."""
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return format(hours.normalize(), "f")


def quarter_hours(hours, most_minutes, out_of_range):
    """Hours as typed ("1.5", "1,25", a Decimal) -> whole minutes from 15 to `most_minutes` in
    steps of 15, or (None, a message; `out_of_range` when outside them)."""
    try:
        value = Decimal(str(hours).strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        return None, "Enter the number of hours as a number, for example 1.5."
    minutes = value * 60
    if not STEP_MINUTES <= minutes <= most_minutes:
        return None, out_of_range
    if minutes % STEP_MINUTES:
        return None, "Round to the nearest quarter hour, for example 1, 1.25, 1.5 or 1.75."
    return int(minutes), None


def past_day(value, now, oldest, not_a_date, in_the_future, too_old):
    """A date (or "YYYY-MM-DD" text) no later than today anywhere on Earth and no earlier than
    `oldest` -> (date, None), or (None, the matching message)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        return None, not_a_date
    if value > (now + AHEAD_OF_UTC).date():
        return None, in_the_future
    if value < oldest:
        return None, too_old
    return value, None
