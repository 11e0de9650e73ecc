"""How the app's database connections are set up."""

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from lms.extensions import db


def _journal_mode():
    return db.session.execute(text("PRAGMA journal_mode")).scalar()


@pytest.fixture
def sqlite_only(app_ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("journal modes are a SQLite matter")
    return app_ctx


def test_a_sqlite_database_is_kept_in_write_ahead_log_mode(sqlite_only):
    assert _journal_mode() == "wal"


def test_on_sqlite_a_reader_is_not_held_up_by_a_commit_in_progress(sqlite_only):
    """A writer holding its lock right up to commit leaves other connections free to read."""
    engine = db.engine
    writer = engine.connect()
    writer.exec_driver_sql("CREATE TABLE note (text VARCHAR)")
    writer.commit()
    writer.exec_driver_sql("BEGIN EXCLUSIVE")
    writer.exec_driver_sql("INSERT INTO note VALUES ('not yet committed')")
    seen = []

    def read():
        with engine.connect() as reader:
            reader.exec_driver_sql("PRAGMA busy_timeout = 0")  # fail at once if locked out
            try:
                seen.append(reader.exec_driver_sql("SELECT count(*) FROM note").scalar())
            except OperationalError as error:
                seen.append(str(error.orig))

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=10)
    writer.rollback()
    writer.close()

    assert seen == [0]
