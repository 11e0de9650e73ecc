"""The audit log is append-only in the database itself: raw SQL cannot change or delete an event,
whether the tables were made by create_all (the tests, a first start) or by the migrations."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from lms.extensions import db
from lms.models import AuditEvent
from lms.services import audit
from tests.unit.test_commands import empty_app  # noqa: F401  (an app on a database with no tables)

REFUSED = "audit events are never changed or deleted"
STATEMENTS = [
    "UPDATE audit_event SET summary = 'rewritten'",
    "UPDATE audit_event SET actor_id = NULL",
    "DELETE FROM audit_event",
]


def one_event():
    audit.record("course.synced", "Courses: 1 added")
    db.session.commit()


def assert_raw_sql_is_refused():
    for statement in STATEMENTS:
        with pytest.raises(DBAPIError, match=REFUSED), db.engine.begin() as connection:
            connection.execute(text(statement))
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match=REFUSED), db.engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_event"))
    assert db.session.scalars(select(AuditEvent.summary)).all() == ["Courses: 1 added"]


def test_raw_sql_cannot_change_or_delete_events_made_by_create_all(app_ctx):
    one_event()

    assert_raw_sql_is_refused()


def test_raw_sql_cannot_change_or_delete_events_after_the_migrations(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade()
        one_event()

        assert_raw_sql_is_refused()


def test_events_written_before_the_migration_are_protected_after_it(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_event (occurred_at, action, summary, details) "
                    "VALUES (CURRENT_TIMESTAMP, 'course.synced', 'Courses: 1 added', '{}')"
                )
            )
        upgrade()

        assert_raw_sql_is_refused()


def test_new_events_can_still_be_added(app_ctx):
    one_event()
    one_event()

    assert len(db.session.scalars(select(AuditEvent.id)).all()) == 2
