"""Recording the SQL statements an action runs (a page request or a service call), for the tests
that hold a statement count fixed however much data there is, or look at what was sent. The one
place that listens to the engine: tests use recorded_statements or count_statements, never an
event listener of their own."""

from contextlib import contextmanager

from sqlalchemy import event

from lms.extensions import db


@contextmanager
def recorded_statements(app=None):
    """A list of the statements sent to the database while the block runs (clear() it to start
    again). With `app`, that app's engine: the block may run outside any app context of ours, so
    a test client request and a service call are recorded alike. Without, the engine of the app
    context the caller is in (a unit test's). Its `in_autocommit` says, statement by statement,
    whether the driver ran it in autocommit (services/autocommit.py)."""
    statements = _Recorded()

    def record(conn, cursor, statement, *args):
        statements.append(statement)
        statements.in_autocommit.append(_driver_autocommit(conn))

    if app is None:
        engine = db.engine
    else:
        with app.app_context():
            engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


class _Recorded(list):
    """The statements, and beside each (in_autocommit) whether the driver ran it in autocommit:
    True or False on PostgreSQL (psycopg's flag), None on SQLite."""

    def __init__(self):
        super().__init__()
        self.in_autocommit = []

    def clear(self):
        super().clear()
        self.in_autocommit.clear()


def _driver_autocommit(conn):
    if conn.dialect.name != "postgresql":
        return None
    return conn.connection.driver_connection.autocommit


def count_statements(app, action):
    """How many statements `action()` sends to the app's database."""
    with recorded_statements(app) as statements:
        action()
    return len(statements)
