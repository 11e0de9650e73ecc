"""Values a request reads once per transaction: the catalog version and the signed-in trainee's
stamp. The session check's query carries both on every request (services/people/sessions.py);
what it read is noted against the transaction it read them in, and a later question in the same
transaction is answered from the note. A new transaction (after a commit) reads again: its
snapshot may be newer than the note."""

from ..extensions import db


def note(key, value):
    """Remember `value`, read under `key` by a query of this transaction."""
    session = db.session()
    session.info[key] = (session.get_transaction(), value)


def value(key, read):
    """The value noted under `key` in this transaction, or else read() (and noted)."""
    session = db.session()  # the request's own session, behind the scoped proxy
    transaction = session.get_transaction()
    seen = session.info.get(key)
    if seen is not None and transaction is not None and seen[0] is transaction:
        return seen[1]
    found = read()
    # With no transaction open, the read began one: that is the one the value belongs to.
    session.info[key] = (transaction or session.get_transaction(), found)
    return found


def forget(key):
    """This transaction must read the value again (it has just changed it)."""
    db.session().info.pop(key, None)
