"""Migration 0005d on a database that holds courses: every version written before it counts all
its minutes in its one domain, and every course counts in the default domains, requiring none."""

from flask_migrate import upgrade
from sqlalchemy import select, text

from lms.content.domains import DEFAULT_DOMAINS
from lms.extensions import db
from lms.models import Course, ModuleVersion
from tests.unit.test_commands import empty_app  # noqa: F401  (an app on a database with no tables)

ROWS = [
    "INSERT INTO course (id, slug, title, summary, overview_html, pass_mark, certificate_title, "
    "certificate_valid_for_months, supervised_hours, content_hash, version, published_at, "
    "updated_at) VALUES (1, 'c', 'C', 'S', '', 80, 'T', 12, 0, 'h', 1, CURRENT_TIMESTAMP, "
    "CURRENT_TIMESTAMP)",
    "INSERT INTO module (id, course_id, slug, position, current_version_number) "
    "VALUES (1, 1, 'm', 1, 2)",
    *(
        "INSERT INTO module_version (id, module_id, number, content_hash, title, minutes, domain, "
        "objectives, pass_mark, review, requires, lesson_html, created_at) VALUES "
        f"({n}, 1, {n}, 'h{n}', 'M', {minutes}, '{domain}', '[]', 80, 'always', '[]', '', "
        "CURRENT_TIMESTAMP)"
        for n, minutes, domain in ((1, 15, "advocacy"), (2, 40, "recovery-wellness"))
    ),
]


def test_versions_written_before_the_migration_count_their_one_domain(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade(revision="0004s")
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement))
        upgrade()

        splits = db.session.execute(
            select(ModuleVersion.number, ModuleVersion.domain_minutes).order_by(
                ModuleVersion.number
            )
        ).all()
        course = db.session.get(Course, 1)

        assert splits == [(1, {"advocacy": 15}), (2, {"recovery-wellness": 40})]
        assert (course.domains, course.training_hours) == (list(DEFAULT_DOMAINS), {})
        db.session.remove()
