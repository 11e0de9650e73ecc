"""Requests whose statements each stand alone run, on PostgreSQL, in the driver's autocommit
mode: no BEGIN before the first statement and no ROLLBACK when the connection goes back to the
pool. That is two of the five to twelve round trips a trainee page makes (the pool's pre-ping,
BEGIN, its statements, ROLLBACK), 0.1 to 0.3 ms of a worker's CPU a page, 5 to 7 % (measured
interleaved in one process). Django runs every request this way by default; here only the views
that declare it (web/autocommit.py) do.

What such a request may run: reads, each of which sees what is committed when it runs (as each
statement already did, at PostgreSQL's default READ COMMITTED), and writes of one statement each
that need no lock held past themselves (a module's progress row made on first opening, a
last-activity note). Never a lock (FOR UPDATE), SET LOCAL, or a streamed result (a server-side
cursor needs a transaction): a view that needs one must not declare autocommit. A commit
is then a no-op at the database; once the session has committed, its next statement starts an
ordinary transaction on a connection from the pool, whose isolation SQLAlchemy reset when this
one went back. SQLite has nothing to save this way (a read there sends no BEGIN, and a rollback
is a call into the library), so it is left as it is.

The connection is taken before the view runs (but not for a page for signed-in people asked
without a sign-in, which only redirects: web/autocommit.py); after a commit in the request (the
session's last-seen note, every few minutes) the rest runs in an ordinary transaction, which
costs a little time, nothing else.
"""

from ..extensions import db


def begin_in_autocommit():
    """Before a request's first statement: run its statements in autocommit (PostgreSQL). Once
    the session has begun, it is left as it is: its transaction already holds what it read."""
    session = db.session()
    if session.in_transaction() or db.engine.dialect.name != "postgresql":
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
