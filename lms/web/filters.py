"""Jinja filters shared by every page."""

from datetime import datetime

from ..services.practice import KIND_NAMES
from ..services.training import domain_label
from ..services.transcript import hours_text

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


def counted(number, singular, plural=None):
    """A count with its noun in the right number: "1 question", "2 questions", "1,200 trainees".

    `number` may be text as well ("1.5" hours); only exactly one takes the singular."""
    shown = f"{number:,}" if isinstance(number, int) else str(number)
    return f"{shown} {singular if shown == '1' else plural or singular + 's'}"


def init_app(app):
    app.add_template_filter(long_date)
    app.add_template_filter(counted)
    app.add_template_filter(domain_label, "domain_label")
    app.add_template_filter(KIND_NAMES.__getitem__, "practice_kind")
    app.add_template_filter(hours_text, "decimal_hours")  # minutes -> "1.58"
