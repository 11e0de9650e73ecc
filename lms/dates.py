"""How dates read everywhere a person sees one (pages, PDFs, emails): the US long form,
"November 28, 2026". One function, so that pages and emails never disagree.

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
