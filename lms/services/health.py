"""Whether the database can be used, for the health check: it must answer, and take a write."""

from sqlalchemy import false, text, update
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
