"""Keyset pagination for every long list: a page is "the next `per` rows after this row's sort
key", never "skip N rows", so page 400 costs what page 1 costs (an index walk from the key), and a
row added meanwhile does not shift what the next page shows.

A list describes its order as `Order(keys)`: (column expression, descending) pairs whose last key
is unique (the id), none of them NULL (coalesce a nullable column). A `Cursor` names a row by its
key values and the row's position in the list (only to say "rows 51 to 100"); the web layer signs
it so that nobody can hand us a made-up one (lms/web/paging.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from ..extensions import db

PER_PAGE = 50
MAX_PER_PAGE = 200
# Counting stops here: "more than 1,000" is as useful on a page as 19,874 and costs a bounded scan.
COUNT_CAP = 1000
CSV_BATCH = 500  # rows fetched at a time when streaming a whole list


class BadCursor(ValueError):
    """A cursor that does not fit this list's order (from another list, or made up)."""


@dataclass(frozen=True)
class Cursor:
    """A row's place in a list: its key values, its position (0 = first row), and which way to
    read from it ("after" for the next page, "before" for the previous one)."""

    values: tuple
    position: int
    direction: str = "after"

    def to_payload(self):
        return [self.direction, self.position, [_plain(value) for value in self.values]]

    @classmethod
    def from_payload(cls, payload):
        try:
            direction, position, values = payload
        except (TypeError, ValueError):
            raise BadCursor("not a cursor") from None
        if direction not in ("after", "before") or not isinstance(position, int) or position < 0:
            raise BadCursor("not a cursor")
        if not isinstance(values, list):
            raise BadCursor("not a cursor")
        return cls(tuple(_typed(value) for value in values), position, direction)


def _plain(value):
    """A key value as JSON can carry it (dates tagged so they come back as dates)."""
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _typed(value):
    try:
        if isinstance(value, dict) and set(value) == {"t"}:
            return datetime.fromisoformat(value["t"])
        if isinstance(value, dict) and set(value) == {"d"}:
            return date.fromisoformat(value["d"])
    except (TypeError, ValueError):
        raise BadCursor("not a date") from None
    if value is None or isinstance(value, (dict, list, float)):
        raise BadCursor("not a key value")
    return value


@dataclass(frozen=True)
class Order:
    """How a list is sorted: ((column expression, descending), ...), the last key unique."""

    keys: tuple

    def sorted(self, query, reverse=False):
        return query.order_by(
            *(
                column.asc() if descending == reverse else column.desc()
                for column, descending in self.keys
            )
        )

    def beyond(self, values, reverse=False):
        """The condition "sorts after the row with these key values" (before it when reverse):
        the expanded form of a row comparison, so that keys may run in different directions.
        The first key's own bound comes first so that an index on it narrows the scan."""
        if len(values) != len(self.keys):
            raise BadCursor("the cursor belongs to another order")
        ties, alternatives = [], []
        for (column, descending), value in zip(self.keys, values, strict=True):
            later = (column < value) if descending != reverse else (column > value)
            alternatives.append(and_(*ties, later))
            ties.append(column == value)
        first, descending = self.keys[0]
        bound = first <= values[0] if descending != reverse else first >= values[0]
        return and_(bound, or_(*alternatives))


@dataclass(frozen=True)
class Page:
    rows: list
    start: int  # the position of the first row (0-based)
    per: int
    next: Cursor | None
    previous: Cursor | None

    @property
    def first_number(self):
        return self.start + 1

    @property
    def last_number(self):
        return self.start + len(self.rows)


def page_of(query, order, cursor=None, per=PER_PAGE):
    """One page of `query` in `order`. The query selects the row's own columns; the order's key
    columns are added at its end (and stripped off again). Two directions: after a cursor (the
    next page) or before one (the previous page, read backwards then turned round).

    Runs one statement. Raises BadCursor when the cursor does not fit the order."""
    per = max(1, min(per, MAX_PER_PAGE))
    keyed, backwards = _keyed(query, order, cursor)
    found = [_split(row, len(order.keys)) for row in db.session.execute(keyed.limit(per + 1))]
    return _page(found[:per], len(found) > per, cursor, per, backwards)


def _keyed(query, order, cursor):
    """The query with the order's keys added, sorted, and bounded by the cursor."""
    backwards = cursor is not None and cursor.direction == "before"
    keyed = query.add_columns(*(column for column, _ in order.keys))
    if cursor is not None:
        keyed = keyed.where(order.beyond(cursor.values, reverse=backwards))
    return order.sorted(keyed, reverse=backwards), backwards


def _split(row, width):
    return tuple(row[:-width]), tuple(row[-width:])


def _page(found, more, cursor, per, backwards):
    """The Page of `found` [(row, key)], read after the cursor (or before it, backwards), with
    `more` saying whether rows lie beyond them."""
    if backwards:
        found = found[::-1]
        start = max(cursor.position - len(found), 0)
        if not more:
            start = 0  # nothing before these: this is the first page, whatever the cursor said
        has_previous, has_next = more, True
    else:
        start = cursor.position + 1 if cursor is not None else 0
        has_previous, has_next = cursor is not None, more
    rows = [row for row, _ in found]
    keys = [key for _, key in found]
    return Page(
        rows=rows,
        start=start,
        per=per,
        next=Cursor(keys[-1], start + len(rows) - 1, "after") if has_next and keys else None,
        previous=Cursor(keys[0], start, "before") if has_previous and keys else None,
    )


def capped_count(query, cap=COUNT_CAP):
    """How many rows the query finds, counting no further than cap + 1 (so "more than 1,000")."""
    limited = query.with_only_columns(*query.selected_columns[:1]).order_by(None).limit(cap + 1)
    return db.session.scalar(select(func.count()).select_from(limited.subquery()))


def stream(query, order, batch=CSV_BATCH):
    """Every row of the query in order, fetched `batch` at a time on a server-side cursor, so that
    a list of any length streams without sitting in memory."""
    result = db.session.execute(
        order.sorted(query).execution_options(yield_per=batch, stream_results=True)
    )
    try:
        for partition in result.partitions():
            yield from (tuple(row) for row in partition)
    finally:
        result.close()
