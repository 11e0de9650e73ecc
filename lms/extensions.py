"""Flask extensions, created unbound; create_app binds them. Imports nothing from lms."""

import click
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.exc import SQLAlchemyError

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


class Migrations:
    """Flask-Migrate, imported and bound to the app only when something migrates: `lms db ...`,
    `lms demo`, or flask_migrate.upgrade() in a test. Importing it loads Alembic and Mako, about a
    third of a web worker's start-up and memory, which serving pages never uses. Until then the
    app holds a stand-in under the same extension name and command name, which binds the real
    Flask-Migrate (replacing both) the first time either is used, so both behave exactly as before.
    """

    def init_app(self, app, db, directory, **options):
        app.extensions["migrate"] = _UnboundMigrations(app, db, directory, options)
        app.cli.add_command(_MigrationCommands(app), "db")


def _bind_migrations(app):
    """Bind the real Flask-Migrate to the app in place of the stand-ins; return its `db` group."""
    stand_in = app.extensions["migrate"]
    if isinstance(stand_in, _UnboundMigrations):
        # Here, not at the top: Alembic is heavy and only migrations need it (see Migrations).
        from flask_migrate import Migrate

        Migrate().init_app(app, stand_in.db, stand_in.directory, **stand_in.options)
    return app.cli.commands["db"]


class _UnboundMigrations:
    """app.extensions["migrate"] until first read: Flask-Migrate's functions (upgrade(), ...)
    and lms/migrations/env.py read its attributes, and the first read binds the real one."""

    def __init__(self, app, db, directory, options):
        self.app, self.db, self.directory, self.options = app, db, directory, options

    def __getattr__(self, name):
        if name.startswith("__"):  # copy, pickle and friends probing: nothing to bind for
            raise AttributeError(name)
        _bind_migrations(self.app)
        return getattr(self.app.extensions["migrate"], name)


class _MigrationCommands(click.Command):
    """The `db` command until invoked: then Flask-Migrate's own group takes over, with its
    options, subcommands and help."""

    def __init__(self, app):
        super().__init__("db", help="Perform database migrations.")
        self.app = app

    def make_context(self, info_name, args, parent=None, **extra):
        return _bind_migrations(self.app).make_context(info_name, args, parent=parent, **extra)


migrate = Migrations()
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


def end_request_session(exception=None):
    """End the request's database session; registered after db, so it runs before
    Flask-SQLAlchemy's own teardown, which then finds nothing left to end.

    Ending a session rolls back what is still open, and that ROLLBACK fails when the connection
    died after the response was made (PostgreSQL restarted or failed over, its backend
    terminated). The response is complete by then and must still be sent: uncaught, that error
    replaced the page with gunicorn's bare "Internal Server Error". SQLAlchemy has already thrown
    the dead connection away when it fails, so ending the session once more succeeds.
    """
    try:
        db.session.remove()
    except SQLAlchemyError:
        db.session.remove()
