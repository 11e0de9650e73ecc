"""The staff renewals page: certificates due for renewal in the next 90 days, and those that
expired in the last 12 months without being renewed, with each holder's CE progress; filtered
by cohort, sorted by expiry, 50 to a page, and the same rows as CSV.

A page runs a fixed number of statements (a count, the page's rows, two for their standings),
whatever the number of holders; the CSV runs three.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import Certificate, Enrolment, User
from .certification import add_months
from .renewal import standings_for, standings_of
from .roster.export import spreadsheet_safe

DUE_WITHIN = timedelta(days=90)
EXPIRED_WITHIN_MONTHS = 12
PAGE_SIZE = 50
VIEWS = {
    "due": "Due in the next 90 days",
    "expired": "Expired in the last 12 months, not renewed",
}
STATE_WORDS = {
    "no-rule": "No renewal rule",
    "not-open": "Window not open yet",
    "open": "In the renewal window",
    "ready": "Ready to renew",
    "grace": "Expired, in grace",
    "lapsed": "Lapsed",
}
CSV_HEADER = [
    "Name", "Email", "Certificate", "Code", "Expires on", "Standing", "CE progress",
    "Still needed",
]  # fmt: skip


@dataclass(frozen=True)
class RenewalRow:
    certificate_id: int
    code: str
    user_id: int
    name: str
    email: str
    title: str
    expires_on: date
    state: str  # a Standing state
    progress: str  # "12 of 20 CE hours, 2 of 6 ethics"
    missing: str  # "8 more CE hours, 4 of them in ethics" ("" when met or no rule)

    @property
    def state_words(self):
        return STATE_WORDS.get(self.state, self.state)


@dataclass(frozen=True)
class RenewalPage:
    rows: list
    page: int
    pages: int
    total: int

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


def _condition(view, cohort_id, today):
    """Which current certificates the view lists (never revoked, superseded or erased)."""
    if view == "expired":
        dates = Certificate.expires_on.between(
            add_months(today, -EXPIRED_WITHIN_MONTHS), today - timedelta(days=1)
        )
    else:
        dates = Certificate.expires_on.between(today, today + DUE_WITHIN)
    conditions = [
        dates,
        Certificate.superseded_at.is_(None),
        Certificate.revoked_at.is_(None),
        Certificate.user_id.in_(select(User.id).where(User.erased_at.is_(None))),
    ]
    if cohort_id is not None:
        conditions.append(
            Certificate.user_id.in_(
                select(Enrolment.user_id).where(Enrolment.cohort_id == cohort_id)
            )
        )
    return conditions


def _rows_query(conditions, descending):
    order = Certificate.expires_on.desc() if descending else Certificate.expires_on
    return (
        select(
            Certificate.id, Certificate.code, Certificate.user_id, User.name, User.email,
            Certificate.title, Certificate.expires_on,
        )
        .join(User, User.id == Certificate.user_id)
        .where(*conditions)
        .order_by(order, User.name, Certificate.id)
    )  # fmt: skip


def _rows(found, standings):
    rows = []
    for row in found:
        standing = standings[row.id]
        rows.append(
            RenewalRow(
                certificate_id=row.id, code=row.code, user_id=row.user_id, name=row.name,
                email=row.email, title=row.title, expires_on=row.expires_on,
                state=standing.state, progress=standing.progress_text(),
                missing=standing.missing_text() if standing.state != "no-rule" else "",
            )
        )  # fmt: skip
    return rows


def renewals_page(view="due", cohort_id=None, descending=False, page=1, today=None):
    """One page (50 rows) of the view: four statements."""
    today = today or clock.today()
    conditions = _condition(view, cohort_id, today)
    total = db.session.scalar(select(func.count(Certificate.id)).where(*conditions))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    found = db.session.execute(
        _rows_query(conditions, descending).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    ids = [row.id for row in found]
    standings = standings_for(ids, today)
    return RenewalPage(rows=_rows(found, standings), page=page, pages=pages, total=total)


def all_renewal_rows(view="due", cohort_id=None, descending=False, today=None):
    """Every row of the view, in the page's order, for the CSV: three statements."""
    today = today or clock.today()
    conditions = _condition(view, cohort_id, today)
    found = db.session.execute(_rows_query(conditions, descending)).all()
    if not found:
        return []
    return _rows(found, standings_of(select(Certificate.id).where(*conditions), today))


def export_csv(rows):
    """The rows as CSV text, every cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            spreadsheet_safe(cell)
            for cell in (
                row.name, row.email, row.title, row.code, row.expires_on.isoformat(),
                row.state_words, row.progress, row.missing,
            )
        )  # fmt: skip
    return out.getvalue()
