"""Two requests finishing a course at the same moment make exactly one certificate.

Each thread has its own app context, so its own database session and connection, as two requests
served at once would.
"""

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Certificate, Course, Module, ModuleProgress, User
from lms.services.authoring.publishing import sync_courses
from lms.services.certification.certification import issue_if_due

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def _setup(app, courses_dir):
    with app.app_context():
        sync_courses(courses_dir)
        course = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
        user = User(email="ada@example.org", name="Ada Trainee", password_hash="x")
        db.session.add(user)
        db.session.commit()
        module_ids = list(
            db.session.scalars(
                select(Module.id).where(Module.course_id == course.id).order_by(Module.position)
            )
        )
        return user.id, course.id, module_ids


def _run_together(app, work, count=2):
    """Run work(index) in `count` threads, each in its own app context; return their results."""
    barrier = threading.Barrier(count, timeout=20)
    results, errors = [None] * count, []

    def target(index):
        try:
            with app.app_context():
                barrier.wait()
                results[index] = work(index)
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return results


def _certificates(app):
    with app.app_context():
        return db.session.scalars(select(Certificate)).all(), db.session.scalar(
            select(func.count(Certificate.id))
        )


def test_two_requests_completing_at_once_get_one_and_the_same_certificate(app, courses_dir):
    user_id, course_id, module_ids = _setup(app, courses_dir)
    with app.app_context():
        for module_id in module_ids:
            db.session.add(ModuleProgress(user_id=user_id, module_id=module_id, passed_at=NOW))
        db.session.commit()

    def complete(index):
        certificate = issue_if_due(user_id, course_id, now=NOW)
        return certificate.id, certificate.code

    first, second = _run_together(app, complete)

    rows, count = _certificates(app)
    assert first == second
    assert count == 1 and (rows[0].id, rows[0].code) == first


def test_passing_the_last_two_modules_at_once_still_issues_one_certificate(app, courses_dir):
    """Each request records its own pass and asks for the certificate before committing, as the
    quiz flow does: neither can see the other's pass until the other commits."""
    user_id, course_id, module_ids = _setup(app, courses_dir)

    def pass_and_ask(index):
        db.session.add(ModuleProgress(user_id=user_id, module_id=module_ids[index], passed_at=NOW))
        db.session.flush()
        certificate = issue_if_due(user_id, course_id, now=NOW)
        db.session.commit()
        return certificate and certificate.id

    results = _run_together(app, pass_and_ask)

    rows, count = _certificates(app)
    assert count == 1
    assert rows[0].id in results
    assert set(results) <= {rows[0].id, None}
