"""Counting the SQL statements an action runs (a page request or a service call), for the tests
that hold a page's statement count fixed however much data there is."""

from sqlalchemy import event

from lms.extensions import db


def count_statements(app, action):
    """How many statements `action()` sends to the app's database. The action runs outside any
    app context of ours, so a test client request and a service call (in the caller's context)
    are counted alike."""
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)
