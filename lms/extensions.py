"""Flask extensions, created unbound; create_app binds them. Imports nothing from lms."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event

# Stable constraint names, so that migrations name things the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A session lives for one request, so objects need not be reloaded after each commit.
db = SQLAlchemy(
    metadata=MetaData(naming_convention=NAMING_CONVENTION),
    session_options={"expire_on_commit": False},
)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


def sqlite_write_ahead_log(engine):
    """On SQLite, keep the database file in write-ahead-log mode; other databases are left alone.

    With the default rollback journal every commit locks readers out, so with two gunicorn
    workers each page that records progress made the other worker's queries wait and retry
    (tests/perf/bench_trainee.py). In WAL mode readers and the one writer do not block each other;
    commits stay as durable as before (synchronous stays FULL). The mode is kept in the file, and
    the database gets two companion files beside it (-wal and -shm).
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def use_write_ahead_log(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
