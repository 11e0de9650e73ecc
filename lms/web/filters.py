"""Jinja filters shared by every page."""

import re
from datetime import datetime
from urllib.parse import urljoin

from ..dates import clock_time, long_date
from ..services import program_day
from ..services.learning.meetings import is_place_link
from ..services.learning.training import domain_label
from ..services.logbook.practice import KIND_NAMES
from ..services.transcript import hours_text

# A link or image address in published HTML (nh3 writes every attribute in double quotes), and
# one that is already whole: a scheme ("https:", "mailto:") or a path from the site's root.
_LINK_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)"')
_WHOLE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/)")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def program_zone():
    """The program's time zone (LMS_TIMEZONE): staff type times in it, pages show times in it."""
    return program_day.zone()


def local_date(value):
    """A UTC timestamp's date in the program's time zone as "November 21, 2026" (a date as is)."""
    if isinstance(value, datetime):
        value = value.astimezone(program_zone())
    return long_date(value)


def local_time(value):
    """A UTC timestamp's time in the program's zone, with the zone: "6:30 PM EST"."""
    return clock_time(value.astimezone(program_zone()))


def local_datetime(value):
    """A UTC timestamp in the program's zone: "Tuesday, December 1, 2026, 6:30 PM EST"."""
    if value is None:
        return ""
    local = value.astimezone(program_zone())
    return f"{DAYS[local.weekday()]}, {long_date(local)}, {local_time(value)}"


def counted(number, singular, plural=None):
    """A count with its noun in the right number: "1 question", "2 questions", "1,200 trainees".

    `number` may be text as well ("1.5" hours); only exactly one takes the singular."""
    shown = f"{number:,}" if isinstance(number, int) else str(number)
    return f"{shown} {singular if shown == '1' else plural or singular + 's'}"


def seen_from(html, page_url):
    """Published course HTML shown on another page than the one its links were made for: each
    relative link and image is made whole from `page_url`, the page it was made relative to (a
    module page). A quiz question's links are relative to its module's page, which is where
    they lead from the quiz and from an attempt's review too. Markup without links is returned
    as it is."""
    if not page_url or ('href="' not in html and 'src="' not in html):
        return html

    def whole(match):
        target = match.group(2)
        if _WHOLE.match(target):
            return match.group()
        return f'{match.group(1)}{urljoin(page_url, target)}"'

    return _LINK_ATTRIBUTE.sub(whole, html)


def module_state(status):
    """A learning.ModuleStatus in words: "Quiz passed (85%)", "Reading", "Not started". A filter,
    not a macro: the course page says it for every module, and a macro call costs ten times more."""
    if status.state == "passed":
        if status.best_score is None:
            return "Quiz passed"
        return f"Quiz passed ({status.best_score}%)"
    return "Reading" if status.state == "reading" else "Not started"


def init_app(app):
    app.add_template_filter(module_state)
    app.add_template_filter(seen_from)
    # A moment's day is its day in the program's zone wherever a page shows one (a signature, a
    # review, a revocation), as for the times beside it; a date (a certificate's expiry) as is.
    # The audit log, which states that it is in UTC, uses utc_date.
    app.add_template_filter(local_date, "long_date")
    app.add_template_filter(long_date, "utc_date")
    app.add_template_filter(counted)
    app.add_template_filter(local_date)
    app.add_template_filter(local_time)
    app.add_template_filter(local_datetime)
    app.add_template_filter(is_place_link, "is_place_link")
    app.add_template_filter(domain_label, "domain_label")
    app.add_template_filter(KIND_NAMES.__getitem__, "practice_kind")
    app.add_template_filter(hours_text, "decimal_hours")  # minutes -> "1.58"
