"""The `lms` commands: sync, demo, and the migrations behind them."""

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select

from lms import create_app
from lms.extensions import db
from lms.models import Course, User
from lms.services.people import supervision
from tests.conftest import _database_url, _drop_everything


@pytest.fixture
def empty_app(tmp_path, courses_dir, issuer_keys):
    """An app whose database has no tables at all, as on a first start."""
    url = _database_url(tmp_path)
    _drop_everything(url)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "t",
            "LMS_COURSES_DIR": str(courses_dir),
            "LMS_ISSUER_KEYS": issuer_keys,
        }  # fmt: skip
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _drop_everything(url)


def test_migrations_build_exactly_the_schema_the_models_describe(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as connection, warnings.catch_warnings():
            # SQLite's reflection skips an index on an expression (people by lower(name)); the
            # migration writes it by hand, and the test below checks it is there.
            warnings.filterwarnings(
                "ignore", "Skipped unsupported reflection of expression-based index"
            )
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            names = set(inspect(connection).get_table_names())
            indexes = set(
                connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'index'"
                    if connection.dialect.name == "sqlite"
                    else "SELECT indexname FROM pg_indexes"
                ).scalars()
            )

    assert differences == []
    assert {"course", "module", "module_version", "question", "choice", "user_account"} <= names
    assert "ix_user_account_lower_name_id" in indexes


def test_demo_creates_the_database_courses_and_one_account_per_role(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert "courses added (1): sample-course" in result.output
    for line in ["trainee@demo.example", "supervisor@demo.example", "author@demo.example",
                 "demo-author-pass", "staff@demo.example", "admin@demo.example",
                 "demo-trainee-pass"]:  # fmt: skip
        assert line in result.output
    with empty_app.app_context():
        users = db.session.scalars(select(User).order_by(User.id)).all()
        assert [sorted(u.role_names) for u in users] == [
            ["trainee"],
            ["supervisor"],
            ["author"],
            ["staff"],
            ["admin"],
        ]
        assert db.session.scalar(select(func.count()).select_from(Course)) == 1
        trainee, supervisor = users[0], users[1]
        assert supervision.current_supervisor_id(trainee.id) == supervisor.id


def test_demo_can_run_twice(empty_app):
    runner = empty_app.test_cli_runner()
    runner.invoke(args=["demo"])

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert "Everything is up to date" in result.output


def test_demo_refuses_to_run_in_production(empty_app):
    empty_app.config["LMS_ENV"] = "production"

    result = empty_app.test_cli_runner().invoke(args=["demo"])

    assert result.exit_code == 1
    assert "refuses to run when LMS_ENV=production" in result.output
    with empty_app.app_context():
        assert "user_account" not in inspect(db.engine).get_table_names()


def test_sync_command_publishes_and_reports(runner, courses_dir):
    result = runner.invoke(args=["courses", "sync", str(courses_dir)])

    assert result.exit_code == 0, result.output
    assert "courses added (1): sample-course" in result.output
    assert "new module versions (2)" in result.output
    again = runner.invoke(args=["courses", "sync"])  # the configured folder is the same one
    assert again.output == "Everything is up to date: nothing changed.\n"


def test_sync_command_with_errors_prints_them_and_publishes_nothing(runner, app, courses_dir):
    module = courses_dir / "sample-course" / "02-listening.md"
    module.write_text(module.read_text().replace("minutes: 20", "minutes: twenty"))

    result = runner.invoke(args=["courses", "sync", str(courses_dir)])

    assert result.exit_code == 1
    assert (
        f"{courses_dir}/sample-course/02-listening.md:3: 'minutes' must be a whole number "
        "from 1 to 240, not 'twenty'"
    ) in result.output
    assert "1 error, 0 warnings: nothing was published" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_sync_command_prints_warnings_and_still_publishes(runner, app, courses_dir):
    module = courses_dir / "sample-course" / "02-listening.md"
    module.write_text(module.read_text().replace("core skill.", "core skill. <iframe></iframe>"))

    result = runner.invoke(args=["courses", "sync", str(courses_dir)])

    assert result.exit_code == 0
    assert (
        f"{courses_dir}/sample-course/02-listening.md:12: warning: raw HTML <iframe> will be "
        "removed when published: write Markdown instead"
    ) in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 1


def test_upgrading_a_database_with_data_keeps_and_backfills_it(empty_app):
    from sqlalchemy import text

    with empty_app.app_context():
        upgrade(revision="0001")
        statements = [
            "INSERT INTO course (id, slug, title, summary, overview_html, pass_mark,"
            " certificate_title, certificate_valid_for_months, content_hash, version,"
            " published_at, updated_at) VALUES (1, 'c', 'C', 's', '', 80, 'T', 12, 'h', 1,"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            "INSERT INTO module (id, course_id, slug, position, current_version_number)"
            " VALUES (7, 1, 'm', 1, 1)",
            "INSERT INTO module_version (id, module_id, number, content_hash, title, minutes,"
            " domain, objectives, pass_mark, lesson_html, created_at) VALUES (3, 7, 1, 'h',"
            " 'M', 10, 'advocacy', '[]', 80, '', '2026-01-01 00:00:00')",
            "INSERT INTO user_account (id, email, name, password_hash, created_at)"
            " VALUES (1, 'a@example.org', 'A', 'x', '2026-01-01 00:00:00')",
            "INSERT INTO quiz_attempt (id, user_id, module_version_id, started_at)"
            " VALUES (1, 1, 3, '2026-01-01 00:00:00')",
        ]
        for statement in statements:
            db.session.execute(text(statement))
        db.session.commit()

        upgrade()

        assert db.session.execute(text("SELECT module_id FROM quiz_attempt")).scalar() == 7
        review, requires = db.session.execute(
            text("SELECT review, requires FROM module_version")
        ).one()
        assert review == "always" and requires in ("[]", [])


def test_db_upgrade_through_the_command_line_builds_the_schema(empty_app):
    # `db` is a stand-in until used (lms/extensions.py): its help and subcommands are
    # Flask-Migrate's own, and upgrade runs the migrations.
    runner = empty_app.test_cli_runner()
    assert "upgrade" in runner.invoke(args=["db", "--help"]).output

    result = runner.invoke(args=["db", "upgrade"])

    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert "user_account" in inspect(db.engine).get_table_names()
