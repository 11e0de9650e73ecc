"""Shared fixtures: an app on a real database (SQLite by default, PostgreSQL when
LMS_TEST_DATABASE_URL names one), its test client with CSRF left on, and the CLI runner."""

import hashlib
import os
import re
import shutil
from contextlib import nullcontext
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from flask import has_app_context
from sqlalchemy import create_engine, inspect
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateIndex, CreateTable

import lms.models  # noqa: F401  (the tables _empty_tables expects)
from lms import create_app
from lms.extensions import db
from lms.jobs import jobs_of
from lms.models import audit, stamps, standing
from lms.services.credentials import keyring
from lms.services.people import sessions
from lms.web.auth.signed_in import SESSION_TOKEN

FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED_COURSES = Path(__file__).parent.parent / "courses"
# The public payload sets live beside the repository clone, in ../shared/testdata.
SHARED_TESTDATA = Path(
    os.environ.get("LMS_SHARED_TESTDATA")
    or Path(__file__).parent.parent.parent / "shared" / "testdata"
)


# --- one run in several processes (pytest-xdist: `-n auto` in scripts/test.sh and CI) -------------

SCREENSHOTS = Path(__file__).parent.parent / "test-artifacts" / "screenshots"
_screenshot_folder = pytest.StashKey[Path]()


def pytest_configure(config):
    if hasattr(config, "workerinput"):
        drop = _own_database()
        if drop:
            config.add_cleanup(drop)
    else:
        config.stash[_screenshot_folder] = _new_screenshot_folder()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """(pytest-xdist, in the process that started the run) what each worker is told."""
    node.workerinput["lms_screenshot_folder"] = str(node.config.stash[_screenshot_folder])


def screenshot_folder_of(config):
    """The run's folder for the browser tests' screenshots: one folder, whichever process takes
    them, named when the run starts (test-artifacts/screenshots/<YYYYmmdd-HHMMSS>/)."""
    if hasattr(config, "workerinput"):
        return Path(config.workerinput["lms_screenshot_folder"])
    return config.stash[_screenshot_folder]


def _new_screenshot_folder():
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for suffix in range(1, 100):  # two runs started in the same second get a folder each
        folder = SCREENSHOTS / (stamp if suffix == 1 else f"{stamp}-{suffix}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise pytest.UsageError(f"test-artifacts/screenshots has 99 folders named {stamp}")


def pytest_terminal_summary(terminalreporter, config):
    folder = config.stash.get(_screenshot_folder, None)
    count = len(list(folder.glob("*.png"))) if folder else 0
    if count:
        terminalreporter.section("browser screenshots")
        terminalreporter.write_line(f"{count} screenshots of the pages, to look at: {folder}")


def pytest_unconfigure(config):
    folder = config.stash.get(_screenshot_folder, None)
    if folder and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()  # no browser test ran: nothing to look at


def _own_database():
    """Under pytest-xdist (`-n`), each worker process on PostgreSQL gets a database of its own,
    named after LMS_TEST_DATABASE_URL's with the worker's id added, made here and dropped at the
    end: the tests empty and rebuild their database, so two workers cannot share one."""
    url = os.environ.get("LMS_TEST_DATABASE_URL")
    worker = os.environ["PYTEST_XDIST_WORKER"]
    if not url or make_url(url).get_backend_name() != "postgresql":
        return
    shared = make_url(url)
    own = shared.set(database=f"{shared.database}_{worker}")
    _server_do(shared, f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')
    try:
        _server_do(shared, f'CREATE DATABASE "{own.database}"')
    except ProgrammingError as error:
        raise pytest.UsageError(
            f"Running the tests in several processes (-n) on PostgreSQL gives each its own "
            f"database, and {shared.username or 'this role'} may not create one ({error.orig}). "
            f"Grant it CREATEDB, or run the tests in one process with -n 0."
        ) from None
    os.environ["LMS_TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)
    return lambda: _server_do(shared, f'DROP DATABASE "{own.database}" WITH (FORCE)')


def _server_do(url, statement):
    """Run one statement outside a transaction (CREATE and DROP DATABASE) on url's server."""
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _database_url(tmp_path):
    url = os.environ.get("LMS_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_path / 'test.db'}"


def _drop_everything(url):
    """Leave a shared test database empty, including Alembic's version table."""
    engine = create_engine(url)
    with engine.begin() as connection:
        if make_url(url).get_backend_name() == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        else:
            for table in inspect(connection).get_table_names():
                connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')
    engine.dispose()


@pytest.fixture
def courses_dir(tmp_path):
    """A writable copy of the valid fixture courses."""
    target = tmp_path / "courses"
    shutil.copytree(FIXTURES / "courses", target)
    return target


@pytest.fixture(scope="session")
def issuer_keys(tmp_path_factory):
    """The issuer key ring every test's app signs credentials with, made once a run, so that no
    test reads or writes the checkout's instance/. A test that rotates keys rotates a copy of
    its own (tests.credentialkit's `issuer`), never this one."""
    path = tmp_path_factory.mktemp("issuer") / "issuer-keys.json"
    keyring.add_key(path)
    return str(path)


TEST_PASSWORD_METHOD = "scrypt:256:8:1"


def _app(url, courses_dir, tmp_path, issuer_keys):
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "LMS_COURSES_DIR": str(courses_dir),
            # The worker's queue: a SQLite file of this test's own (tests run its tasks inline
            # with run_jobs, or start a real `lms worker`).
            "LMS_QUEUE_FILE": str(tmp_path / "huey.db"),
            "LMS_REDIS_URL": "",
            "LMS_ISSUER_KEYS": issuer_keys,
            # Passwords hashed by scrypt at a token cost: the full cost (accounts.PASSWORD_METHOD)
            # made hashing close to half of the run's time.
            "PASSWORD_METHOD": TEST_PASSWORD_METHOD,
        }
    )


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory, issuer_keys):
    """A SQLite file holding the empty schema (create_all, triggers included), made once a run:
    each test starts from a copy of it rather than building the schema again."""
    folder = tmp_path_factory.mktemp("schema")
    path = folder / "template.db"
    template = _app(f"sqlite:///{path}", FIXTURES / "courses", folder, issuer_keys)
    with template.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()  # closing the last connection folds the WAL into the file
    return path


def _empty_tables(url):
    """Leave a shared PostgreSQL test database with the schema and no rows, as create_all left
    it: every table emptied and every sequence back to 1. Emptying the few rows a test wrote is
    much cheaper than dropping and creating the schema (or TRUNCATE) for every test. Triggers are
    off for the emptying only (the audit log refuses deletes; foreign keys are triggers too).

    Returns False, having changed nothing, when the schema is not the models' (a test dropped
    it or ran the migrations), or when the database role may not turn triggers off (only a
    superuser may): the caller builds the schema again."""
    expected = set(db.metadata.tables)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            tables = set(
                connection.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).scalars()
            )
            triggers = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
            ).scalar()
            functions = set(
                connection.exec_driver_sql(
                    "SELECT prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    "WHERE n.nspname = 'public'"
                ).scalars()
            )
            if (tables, triggers, functions) != (expected, EXPECTED_TRIGGERS, EXPECTED_FUNCTIONS):
                return False
            # Columns and indexes too: a model's new index leaves the tables' names as they were.
            described = connection.exec_driver_sql(
                "SELECT obj_description('public'::regnamespace, 'pg_namespace')"
            ).scalar()
            if described != _schema_digest():
                return False
            try:
                connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            except ProgrammingError:  # not a superuser
                return False
            connection.exec_driver_sql(
                "; ".join(f'DELETE FROM "{name}"' for name in sorted(expected))
            )
            connection.exec_driver_sql(
                "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'S' AND n.nspname = 'public'"
            )
        return True
    finally:
        engine.dispose()


@cache
def _schema_digest():
    """A digest of the PostgreSQL schema create_all makes from the models (every table's columns
    and constraints, every index), noted on the schema once it is made: a database whose note
    differs was made from other models and is built again."""
    dialect = postgresql.dialect()
    parts = []
    for table in db.metadata.sorted_tables:
        parts.append(str(CreateTable(table).compile(dialect=dialect)))
        indexes = sorted(table.indexes, key=lambda index: str(index.name))
        parts += [str(CreateIndex(index).compile(dialect=dialect)) for index in indexes]
    return "lms tests " + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _describe_schema():
    """Note _schema_digest() on the schema create_all has just made (PostgreSQL)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"COMMENT ON SCHEMA public IS '{_schema_digest()}'")


# The PostgreSQL triggers create_all makes: the audit log's two (lms/models/audit.py), the roster
# standing's seven (lms/models/standing.py) and the trainee stamp's 21 (lms/models/stamps.py).
# Fewer means a test took some off.
EXPECTED_TRIGGERS = sum(
    statement.startswith("CREATE TRIGGER")
    for statement in (
        *audit.POSTGRESQL_TRIGGERS,
        *standing.POSTGRESQL_TRIGGERS,
        *stamps.POSTGRESQL_TRIGGERS,
    )
)
# ... and the bodies of their functions: a database left by a run before a function changed is
# built again rather than kept.
EXPECTED_FUNCTIONS = {
    statement.split("$$")[1]
    for statement in (
        *audit.POSTGRESQL_TRIGGERS,
        *standing.POSTGRESQL_TRIGGERS,
        *stamps.POSTGRESQL_TRIGGERS,
    )
    if statement.startswith("CREATE OR REPLACE FUNCTION")
}


@pytest.fixture
def app(request, tmp_path, courses_dir, issuer_keys):
    url = _database_url(tmp_path)
    postgresql = make_url(url).get_backend_name() == "postgresql"
    if postgresql:
        rebuild = not _empty_tables(url)
        if rebuild:
            _drop_everything(url)
    else:
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), tmp_path / "test.db")
        rebuild = False
    app = _app(url, courses_dir, tmp_path, issuer_keys)
    if rebuild:
        with app.app_context():
            db.create_all()
            _describe_schema()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html):
    """The CSRF token from a page's form, as a browser would send it back."""
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def submission_token(html):
    """The one-time token of a page's form that creates an entry (lms.web.forms.SubmissionToken)."""
    match = re.search(r'name="submission" type="hidden" value="([^"]+)"', html)
    assert match, "the page has no submission token"
    return match.group(1)


def sign_in_as(client, user_id):
    """Sign a test client in as this account without the sign-in form (tested on its own): a
    session row in the database, as signing in makes, and its token in the cookie."""
    app = client.application
    with app.app_context() if not has_app_context() else nullcontext():
        idle = timedelta(minutes=app.config["LMS_SESSION_IDLE_MINUTES"])
        lifetime = timedelta(hours=app.config["LMS_SESSION_MAX_HOURS"])
        token = sessions.start_session(int(user_id), idle, lifetime)
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session[SESSION_TOKEN] = token
    return client


def run_jobs(app):
    """Run the tasks waiting in the app's queue here, as `lms worker` would (e.g. to send the
    emails a request queued). Returns how many ran."""
    return jobs_of(app).run_pending()


@pytest.fixture
def clock():
    """The app's one clock (lms/clock.py), to freeze and move: clock.freeze(moment),
    clock.advance(days=30). Thawed after the test."""
    from lms import clock as the_clock

    yield the_clock
    the_clock.thaw()
