"""The roster a page at a time (keyset pagination, lms/services/keyset.py) and its whole CSV,
streamed.

Sorted by name, email or supervisor, the order is the trainees' own, so SQL pages the trainees
and only the page's trainees have their rows computed (rows.py, eight queries on fifty
trainees): page 1 and page 400 cost the same. A page holds `per` trainees, each with one row per
course. The status filter is computed, so a filtered page reads trainees a batch at a time until
it has `per` who match (narrowed first in SQL for a certificate's status).

Sorted by a computed column (status, percent, last activity, quiz scores, certificate, course,
cohorts), every row must be computed to know the order, as before: those pages are paged in
Python over the sorted rows, a page of `per` rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from ...models import Certificate, SupervisorAssignment, User
from ...models.types import utcnow
from .. import keyset
from .rows import EXPIRING_WITHIN, STATUSES, RosterError, roster, roster_rows
from .scope import visible_trainee_ids

SQL_SORTS = ("name", "email", "supervisor")


@dataclass(frozen=True)
class RosterPage:
    rows: list  # RosterRow
    page: keyset.Page  # of trainees (`by_trainee`) or of rows
    total: int | None  # trainees, counted up to keyset.COUNT_CAP + 1; None when not cheap
    by_trainee: bool  # a page holds `per` trainees (True) or `per` rows (False)


def _trainees(viewer, cohort_id, sort, descending):
    """(the select of the visible trainees' ids, its keyset.Order) for a SQL sort."""
    query = visible_trainee_ids(viewer, cohort_id)
    name = (func.lower(User.name), False)
    if sort == "email":
        keys = ((User.email, descending), (User.id, False))  # stored in lower case
    elif sort == "supervisor":
        supervisor = aliased(User)
        current = and_(
            SupervisorAssignment.trainee_id == User.id, SupervisorAssignment.ended_at.is_(None)
        )
        query = query.outerjoin(SupervisorAssignment, current).outerjoin(
            supervisor, supervisor.id == SupervisorAssignment.supervisor_id
        )
        # Trainees without a supervisor come last whichever the direction, as on every column.
        keys = (
            (case((supervisor.name.is_(None), 1), else_=0), False),
            (func.coalesce(func.lower(supervisor.name), ""), descending),
            name,
            (User.id, False),
        )
    else:
        keys = ((func.lower(User.name), descending), (User.id, False))
    return query, keyset.Order(keys)


def _check(sort, status):
    if sort not in SQL_SORTS and sort not in _COMPUTED_SORTS:
        raise RosterError(f"unknown column {sort!r}")
    if status is not None and status not in STATUSES:
        raise RosterError(f"unknown status {status!r}")


_COMPUTED_SORTS = (
    "course", "status", "percent", "last_activity", "quiz_scores", "certificate", "cohorts",
)  # fmt: skip


def roster_page(viewer, cohort_id=None, status=None, sort="name", descending=False, cursor=None,
                per=keyset.PER_PAGE, today=None):  # fmt: skip
    """One page of the roster from `cursor` (a keyset.Cursor; None for the first page). Raises
    RosterError for an unknown sort column or status, keyset.BadCursor for a cursor that does
    not fit."""
    _check(sort, status)
    if sort not in SQL_SORTS:
        return _computed_page(viewer, cohort_id, status, sort, descending, cursor, per, today)
    query, order = _trainees(viewer, cohort_id, sort, descending)
    if status is None:
        page = keyset.page_of(query, order, cursor, per)
        by_trainee = _rows_by_trainee([row[0] for row in page.rows], cohort_id, today)
        total = keyset.capped_count(query)
    else:
        query = _could_have(query, status, today or utcnow().date())
        by_trainee = {}

        def matching(found):
            rows = _rows_by_trainee([row[0] for row in found], cohort_id, today)
            for trainee_id, trainee_rows in rows.items():
                by_trainee[trainee_id] = [row for row in trainee_rows if row.status == status]
            return [bool(by_trainee.get(row[0])) for row in found]

        page = keyset.filtered_page_of(query, order, cursor, per, matching)
        total = None  # counting would compute every trainee's status: the cost paging avoids
    rows = [row for (trainee_id,) in page.rows for row in by_trainee.get(trainee_id, ())]
    return RosterPage(rows=rows, page=page, total=total, by_trainee=True)


def _could_have(query, status, today):
    """The trainees narrowed, in SQL, to those who could have a row with a certificate's status:
    only a current certificate in that state gives one (rows.py's _status decides; this only
    spares computing the rest). Other statuses are common: the scan finds them soon."""
    valid = Certificate.revoked_at.is_(None)
    states = {
        "revoked": [Certificate.revoked_at.is_not(None)],
        "expired": [valid, Certificate.expires_on <= today],
        "expiring": [
            valid, Certificate.expires_on > today,
            Certificate.expires_on <= today + EXPIRING_WITHIN,
        ],
        "certified": [valid, Certificate.expires_on > today + EXPIRING_WITHIN],
    }  # fmt: skip
    if status not in states:
        return query
    holders = select(Certificate.user_id).where(
        Certificate.superseded_at.is_(None), *states[status]
    )
    return query.where(User.id.in_(holders))


def _rows_by_trainee(trainee_ids, cohort_id, today):
    """{trainee id: [RosterRow by course]} for these trainees, in rows.py's eight queries."""
    if not trainee_ids:
        return {}
    found = {}
    for row in roster_rows(select(User.id).where(User.id.in_(trainee_ids)), cohort_id, today):
        found.setdefault(row.trainee_id, []).append(row)
    for rows in found.values():
        rows.sort(key=lambda row: (row.course or "").casefold())
    return found


def _computed_page(viewer, cohort_id, status, sort, descending, cursor, per, today):
    """A page of rows sorted by a computed column: every row computed and sorted, then the page
    after (or before) the cursor's row, named by (trainee id, course id)."""
    rows = roster(viewer, cohort_id, status, sort, descending, today)
    keys = [(row.trainee_id, row.course_id or 0) for row in rows]
    per = max(1, min(per, keyset.MAX_PER_PAGE))
    if cursor is None:
        start = 0
    else:
        try:
            at = keys.index(tuple(cursor.values))
        except ValueError:
            raise keyset.BadCursor("that row is no longer on the roster") from None
        start = at + 1 if cursor.direction == "after" else max(at - per, 0)
    shown = rows[start : start + per]
    end = start + len(shown)
    page = keyset.Page(
        rows=shown,
        start=start,
        per=per,
        next=keyset.Cursor(keys[end - 1], end - 1, "after") if end < len(rows) else None,
        previous=keyset.Cursor(keys[start], start, "before") if start and shown else None,
    )
    return RosterPage(rows=shown, page=page, total=len(rows), by_trainee=False)


def roster_for_csv(viewer, cohort_id=None, status=None, sort="name", descending=False,
                   today=None):  # fmt: skip
    """Every row of the roster as the page orders it, for the CSV. Sorted by name, email or
    supervisor, the trainees are read keyset.CSV_BATCH at a time on a server-side cursor and
    their rows computed a batch at a time, so that any number streams; by a computed column,
    every row is computed first (the sort needs them all)."""
    _check(sort, status)
    if sort not in SQL_SORTS:
        yield from roster(viewer, cohort_id, status, sort, descending, today)
        return
    query, order = _trainees(viewer, cohort_id, sort, descending)
    batch = []
    for trainee_id, *_ in keyset.stream(query, order):
        batch.append(trainee_id)
        if len(batch) == keyset.CSV_BATCH:
            yield from _batch_rows(batch, cohort_id, status, today)
            batch = []
    yield from _batch_rows(batch, cohort_id, status, today)


def _batch_rows(trainee_ids, cohort_id, status, today):
    by_trainee = _rows_by_trainee(trainee_ids, cohort_id, today)
    for trainee_id in trainee_ids:
        for row in by_trainee.get(trainee_id, ()):
            if status is None or row.status == status:
                yield row
