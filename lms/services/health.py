"""Whether the database can be used: it answers and takes a write (the health check), and it has
the tables this version of the app needs (the commands)."""

import shutil
from pathlib import Path

from sqlalchemy import false, inspect, text, update
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import User

UNREACHABLE = "unreachable"
READ_ONLY = "read-only"
DISK_FULL = "disk-full"

# Below this much free space beside a SQLite file, the next write may fail half-way through a
# page: report it before trainees start losing answers.
MIN_FREE_BYTES = 16 * 1024 * 1024


def database_problem():
    """None when the database answers and takes a write; else UNREACHABLE, READ_ONLY or
    DISK_FULL (a SQLite file whose disk has almost no room left).

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
    if _sqlite_disk_nearly_full():
        return DISK_FULL
    return None


def _sqlite_disk_nearly_full():
    """A rolled-back write writes nothing, so a full disk passes the check above; for a SQLite
    file, look at the room left beside it. (A PostgreSQL server watches its own disk.)"""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return False
    folder = Path(url.database.removeprefix("file:").split("?")[0]).resolve().parent
    try:
        return shutil.disk_usage(folder).free < MIN_FREE_BYTES
    except OSError:
        return False


def missing_tables():
    """The names of the tables the app needs that the database does not have (all of them on a
    database nobody has upgraded yet). Raises SQLAlchemyError when it cannot be reached."""
    with db.engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
    return sorted(set(db.metadata.tables) - present)
