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
    context the caller is in (a unit test's)."""
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

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


def count_statements(app, action):
    """How many statements `action()` sends to the app's database."""
    with recorded_statements(app) as statements:
        action()
    return len(statements)
