"""The staff renewals page: certificates due for renewal in the next 90 days, and those that
expired in the last 12 months without being renewed, with each holder's CE progress; filtered
by cohort, sorted by expiry, a page at a time (keyset), and the same rows as a streamed CSV.

A page runs a fixed number of statements (a count, the page's rows, two for their standings),
whatever the number of holders; the CSV runs one, plus two per batch of 500 rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select

from ...models import Certificate, Enrolment, User
from .. import keyset, program_day
from .certification import add_months
from .renewal import standings_for

DUE_WITHIN = timedelta(days=90)
EXPIRED_WITHIN_MONTHS = 12
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
    page: keyset.Page  # of RenewalRow
    total: int  # counted up to keyset.COUNT_CAP + 1

    @property
    def rows(self):
        return self.page.rows


def _condition(view, cohort_id, today):
    """Which current certificates the view lists (never revoked, superseded or erased)."""
    # A certificate is expired from its expiry date on (certification.certificate_status): one
    # that expires today is listed as expired, not as due.
    if view == "expired":
        dates = Certificate.expires_on.between(add_months(today, -EXPIRED_WITHIN_MONTHS), today)
    else:
        dates = Certificate.expires_on.between(today + timedelta(days=1), today + DUE_WITHIN)
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


def _order(descending):
    return keyset.Order(
        ((Certificate.expires_on, descending), (User.name, False), (Certificate.id, False))
    )


def _rows_query(conditions):
    return (
        select(
            Certificate.id, Certificate.code, Certificate.user_id, User.name, User.email,
            Certificate.title, Certificate.expires_on,
        )
        .join(User, User.id == Certificate.user_id)
        .where(*conditions)
    )  # fmt: skip


def _rows(found, standings):
    rows = []
    for row in found:
        certificate_id, code, user_id, name, email, title, expires_on = row
        standing = standings[certificate_id]
        rows.append(
            RenewalRow(
                certificate_id=certificate_id, code=code, user_id=user_id, name=name,
                email=email, title=title, expires_on=expires_on,
                state=standing.state, progress=standing.progress_text(),
                missing=standing.missing_text() if standing.state != "no-rule" else "",
            )
        )  # fmt: skip
    return rows


def renewals_page(view="due", cohort_id=None, descending=False, cursor=None,
                  per=keyset.PER_PAGE, today=None):  # fmt: skip
    """One page of the view from `cursor` (a keyset.Cursor, None for the first): four
    statements (a count, the rows, two for their standings)."""
    today = today or program_day.today()
    conditions = _condition(view, cohort_id, today)
    query = _rows_query(conditions)
    total = keyset.capped_count(query)
    found = keyset.page_of(query, _order(descending), cursor, per)
    standings = standings_for([row[0] for row in found.rows], today)
    return RenewalPage(page=replace(found, rows=_rows(found.rows, standings)), total=total)


def renewal_rows(view="due", cohort_id=None, descending=False, today=None):
    """Every row of the view, in the page's order, for the CSV: streamed, with two statements
    for the standings of each batch of keyset.CSV_BATCH rows."""
    today = today or program_day.today()
    query = _rows_query(_condition(view, cohort_id, today))
    batch = []
    for row in keyset.stream(query, _order(descending)):
        batch.append(row[:7])
        if len(batch) == keyset.CSV_BATCH:
            yield from _rows(batch, standings_for([found[0] for found in batch], today))
            batch = []
    if batch:
        yield from _rows(batch, standings_for([found[0] for found in batch], today))


def csv_cells(rows):
    """The rows as CSV cells (CSV_HEADER)."""
    for row in rows:
        yield (
            row.name, row.email, row.title, row.code, row.expires_on.isoformat(),
            row.state_words, row.progress, row.missing,
        )  # fmt: skip
