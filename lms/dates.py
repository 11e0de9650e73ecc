"""How dates and times read everywhere a person sees one (pages, PDFs, emails): the US long form,
"November 28, 2026", and a clock time with its zone, "6:30 PM EST". One function each, so that
pages, emails and the credential checker never disagree.

Imports nothing from lms. Month names are spelled out here rather than taken from the locale, so a
date reads the same on every server."""

from datetime import datetime

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(value):
    """A date (or a timestamp's own date, as it is) as "November 28, 2026"; empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def clock_time(moment):
    """An aware moment's time as a clock reads it in the moment's own zone, with the zone's
    abbreviation: "6:30 PM EST" (convert it to the reader's zone first)."""
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{hour}:{moment.minute:02d} {half} {moment.strftime('%Z')}"
