"""The roster a page at a time (keyset pagination, lms/services/keyset.py) and its whole CSV,
streamed.

Sorted by name, email or supervisor, the order is the trainees' own, so SQL pages the trainees
and only the page's trainees have their rows computed (rows.py, from facts.py's eight queries
on fifty trainees): page 1 and page 400 cost the same. A page holds `per` trainees, each with
one row per course (filtered by status: the trainees with a row in that status, found in SQL).

Sorted by a computed column (status, percent, last activity, quiz scores, certificate, course,
cohorts), a page holds `per` rows: ordering.py computes every row's key in SQL, which finds the
page's rows in one statement, and only those rows are built by rows.py. The status filter is a
WHERE on the status computed there too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from ...models import SupervisorAssignment, User
from .. import keyset, program_day
from . import ordering
from .rows import STATUSES, RosterError, roster_rows
from .scope import visible_trainee_ids

SQL_SORTS = ("name", "email", "supervisor")


@dataclass(frozen=True)
class RosterPage:
    rows: list  # RosterRow
    page: keyset.Page  # of trainees (`by_trainee`) or of rows
    # trainees, counted up to keyset.COUNT_CAP + 1, or (a page of rows) every row, counted with
    # the page; None when not cheap (trainees filtered by status) or the page is empty
    total: int | None
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
    if sort not in SQL_SORTS and sort not in ordering.COMPUTED_SORTS:
        raise RosterError(f"unknown column {sort!r}")
    if status is not None and status not in STATUSES:
        raise RosterError(f"unknown status {status!r}")


def roster_page(viewer, cohort_id=None, status=None, sort="name", descending=False, cursor=None,
                per=keyset.PER_PAGE, today=None):  # fmt: skip
    """One page of the roster from `cursor` (a keyset.Cursor; None for the first page). Raises
    RosterError for an unknown sort column or status, keyset.BadCursor for a cursor that does
    not fit."""
    _check(sort, status)
    today = today or program_day.today()
    if sort not in SQL_SORTS:
        return _computed_page(viewer, cohort_id, status, sort, descending, cursor, per, today)
    query, order = _trainees(viewer, cohort_id, sort, descending)
    if status is not None:
        query = query.where(User.id.in_(_having_status(viewer, cohort_id, status, today)))
    page = keyset.page_of(query, order, cursor, per)
    by_trainee = _rows_by_trainee([row[0] for row in page.rows], cohort_id, today)
    rows = [row for (trainee_id,) in page.rows for row in by_trainee.get(trainee_id, ())]
    if status is not None:
        rows = [row for row in rows if row.status == status]
    # Counting trainees with a status would compute every row's status a second time.
    total = keyset.capped_count(query) if status is None else None
    return RosterPage(rows=rows, page=page, total=total, by_trainee=True)


def _having_status(viewer, cohort_id, status, today):
    """A select of the ids of the trainees with a row in this status (computed in SQL)."""
    ordering.without_jit()
    return select(ordering.keyed(viewer, cohort_id, None, today, status).c.trainee_id)


def _rows_by_trainee(trainee_ids, cohort_id, today):
    """{trainee id: [RosterRow by course]} for these trainees, in facts.py's eight queries."""
    if not trainee_ids:
        return {}
    found = {}
    for row in roster_rows(select(User.id).where(User.id.in_(trainee_ids)), cohort_id, today):
        found.setdefault(row.trainee_id, []).append(row)
    for rows in found.values():
        rows.sort(key=lambda row: (row.course or "").casefold())
    return found


def _computed_lines(viewer, cohort_id, status, sort, descending, today):
    """(a select of the roster's rows (trainee id, course id or 0, how many rows) filtered by
    status, the keyset.Order that sorts them by the computed column `sort`)."""
    ordering.without_jit()
    lines = ordering.keyed(viewer, cohort_id, sort, today, status)
    # Counted before the cursor narrows them: every row's key is computed for the sort anyway.
    counted = select(lines, func.count().over().label("total")).subquery("counted")
    query = select(counted.c.trainee_id, counted.c.course_ref, counted.c.total)
    return query, ordering.order_of(counted, descending)


def _computed_page(viewer, cohort_id, status, sort, descending, cursor, per, today):
    """A page of `per` rows sorted by a computed column: the page's rows found and ordered in
    SQL (one statement), then only those built (rows.py, for the page's trainees)."""
    query, order = _computed_lines(viewer, cohort_id, status, sort, descending, today)
    page = keyset.page_of(query, order, cursor, per)
    rows = _rows_in_order([line[:2] for line in page.rows], cohort_id, today)
    total = page.rows[0][2] if page.rows else None
    page = replace(page, rows=rows)
    return RosterPage(rows=rows, page=page, total=total, by_trainee=False)


def _rows_in_order(lines, cohort_id, today):
    """The RosterRows of these (trainee id, course id or 0), in this order. A row gone since the
    lines were read (an enrolment changed in between) is left out."""
    built = _rows_by_trainee(list(dict.fromkeys(trainee for trainee, _ in lines)), cohort_id, today)
    by_line = {(row.trainee_id, row.course_id or 0): row for rows in built.values() for row in rows}
    return [by_line[line] for line in lines if line in by_line]


def roster_for_csv(viewer, cohort_id=None, status=None, sort="name", descending=False,
                   today=None):  # fmt: skip
    """Every row of the roster as the page orders it, for the CSV. The rows are read
    keyset.CSV_BATCH at a time on a server-side cursor, in order (the trainees by name, email or
    supervisor; the rows by a computed column), and built a batch at a time, so that any
    number streams."""
    _check(sort, status)
    today = today or program_day.today()
    if sort not in SQL_SORTS:
        query, order = _computed_lines(viewer, cohort_id, status, sort, descending, today)
        batch = []
        for trainee_id, course_ref, _ in keyset.stream(query, order):
            batch.append((trainee_id, course_ref))
            if len(batch) == keyset.CSV_BATCH:
                yield from _rows_in_order(batch, cohort_id, today)
                batch = []
        yield from _rows_in_order(batch, cohort_id, today)
        return
    query, order = _trainees(viewer, cohort_id, sort, descending)
    if status is not None:
        query = query.where(User.id.in_(_having_status(viewer, cohort_id, status, today)))
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
