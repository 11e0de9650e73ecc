"""Whether the database can be used: it answers and takes a write (the health check), and it has
the tables this version of the app needs (the commands)."""

from sqlalchemy import false, inspect, text, update
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import User

UNREACHABLE = "unreachable"
READ_ONLY = "read-only"


def database_problem():
    """None when the database answers and takes a write; else UNREACHABLE or READ_ONLY.

    Answering a SELECT is not enough: a SQLite file on a read-only mount (or opened with
    mode=ro), a PostgreSQL standby or default_transaction_read_only all answer reads and then
    fail every sign-in and quiz. The write is an UPDATE that matches no row, rolled back: it
    changes nothing, yet both databases refuse it when they cannot write.
    """
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return UNREACHABLE
    try:
        db.session.execute(update(User).where(false()).values(id=User.id))
    except SQLAlchemyError:
        return READ_ONLY
    finally:
        db.session.rollback()
    return None


def missing_tables():
    """The names of the tables the app needs that the database does not have (all of them on a
    database nobody has upgraded yet). Raises SQLAlchemyError when it cannot be reached."""
    with db.engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
    return sorted(set(db.metadata.tables) - present)
