"""Commands that use the database say what to do when it has no tables yet (or lacks some, or
cannot be reached), instead of printing a SQLAlchemy traceback."""

import pytest

from lms import create_app
from lms.extensions import db
from tests.conftest import _database_url, _drop_everything

NO_TABLES = "The database has no tables yet: run `lms db upgrade` first."
COMMANDS = (
    ["courses", "sync"],
    ["users", "create", "--email", "a@example.org", "--name", "A", "--role", "trainee"],
    ["users", "reset-link", "a@example.org"],
)


def _app(url, courses_dir):
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "t",
            "LMS_COURSES_DIR": str(courses_dir),
        }  # fmt: skip
    )


@pytest.fixture
def empty_app(tmp_path, courses_dir):
    url = _database_url(tmp_path)
    _drop_everything(url)
    app = _app(url, courses_dir)
    yield app
    with app.app_context():
        db.engine.dispose()
    _drop_everything(url)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_command_on_a_database_without_tables_says_to_upgrade_first(empty_app, command):
    result = empty_app.test_cli_runner().invoke(args=command)

    assert result.exit_code == 1
    assert result.stderr.strip() == NO_TABLES
    assert "Traceback" not in result.output and "sqlalchemy" not in result.output.lower()


def test_a_database_missing_some_tables_is_named_and_upgrade_is_suggested(empty_app):
    with empty_app.app_context():
        db.create_all()
        db.metadata.tables["audit_event"].drop(db.engine)

    result = empty_app.test_cli_runner().invoke(args=["courses", "sync"])

    assert result.exit_code == 1
    assert "lacks tables this version needs (audit_event): run `lms db upgrade` first" in (
        result.stderr
    )


def test_a_database_that_cannot_be_reached_is_said_in_one_line(tmp_path, courses_dir):
    app = _app(f"sqlite:///{tmp_path}/missing-folder/lms.db", courses_dir)

    result = app.test_cli_runner().invoke(args=["courses", "sync"])

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the database cannot be reached (unable to open")
    assert "Traceback" not in result.output
