"""Jinja filters shared by every page."""

from datetime import datetime

# Month names spelled out here rather than taken from the locale, so a date reads the same on
# every server: 21 November 2026.
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(value):
    """A date (or a UTC timestamp's date) as "21 November 2026"; empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def init_app(app):
    app.add_template_filter(long_date)
