"""The catalog version: one number that every publish bumps in its own transaction, so that each
worker can keep the published catalog in memory and know, with one indexed read, when its copy
is out of date (services/learning/catalog.py). Works across workers and instances: the number
lives in the database they share."""

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ...models import CatalogVersion
from ...models.types import utcnow
from .. import read_once

ROW_ID = 1  # the one row (migration 0012k makes it; db.create_all does not)
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_SEEN = "lms.catalog_version"  # session.info key: (transaction, version) read in it
# Built once: read on every request, where building the statement cost more than running it.
_VERSION = select(CatalogVersion.version).where(CatalogVersion.id == ROW_ID)


def as_of_now():
    """A column that reads the catalog version (NULL while the row is missing), for a query that
    every request makes anyway to carry (services/people/sessions.py), then hand to noted()."""
    return _VERSION.scalar_subquery().label("catalog_version")


def noted(version):
    """Remember the version a query of this transaction read with as_of_now(), so that current()
    answers without reading it again."""
    read_once.note(_SEEN, version or 0)


def current():
    """The catalog version as this transaction sees it: read once per transaction (a request
    usually has one or two), 0 while the row is missing."""
    return read_once.value(_SEEN, lambda: db.session.scalar(_VERSION) or 0)


def bump():
    """Count a change to the published catalog, in the caller's transaction (the caller commits
    with the change itself, so no worker sees the new number before the new content).

    Makes the row when it is missing; two workers making it at once both succeed (the losing
    insert does nothing), and the update that follows takes the row's lock, so two publishes
    at once each add one."""
    insert = _INSERT[db.session.get_bind().dialect.name](CatalogVersion)
    db.session.execute(
        insert.values(id=ROW_ID, version=0, changed_at=utcnow()).on_conflict_do_nothing(
            index_elements=["id"]
        )
    )
    db.session.execute(
        update(CatalogVersion)
        .where(CatalogVersion.id == ROW_ID)
        .values(version=CatalogVersion.version + 1, changed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    read_once.forget(_SEEN)  # this transaction must read the new number back
