"""Requests whose statements each stand alone run, on PostgreSQL, in the driver's autocommit
mode: no BEGIN before the first statement and no ROLLBACK when the connection goes back to the
pool. That is two round trips of the five to eleven a trainee page makes, about 0.3 ms of a
worker's CPU a page (psycopg and SQLAlchemy spend about 0.1 ms on each). Django runs every
request this way by default; here only the views that declare it (web/autocommit.py) do.

What such a request may run: reads, each of which sees what is committed when it runs rather
than one snapshot for the whole request, and writes of one statement each that need no lock held
past themselves (a module's progress row made on first opening, a last-activity note). A commit
is then a no-op at the database; once the session has committed, its next statement starts an
ordinary transaction on a connection from the pool, whose isolation SQLAlchemy reset when this
one went back. SQLite has nothing to save this way (a read there sends no BEGIN, and a rollback
is a call into the library), so it is left as it is.
"""

from ..extensions import db


def begin_in_autocommit():
    """Before a request's first statement: run its statements in autocommit (PostgreSQL). Once
    the session has begun, it is left as it is: its transaction already holds what it read."""
    session = db.session()
    if session.in_transaction() or db.engine.dialect.name != "postgresql":
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
