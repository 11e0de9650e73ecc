"""What a graded attempt writes on the trainee's progress row for the module: read, active at the
grading, the best score so far, passed from the first pass on (a later failure never unsets it),
and the row made if it went missing after the quiz was opened; and the certificate the last pass
completes, also when the quiz was answered on a version that a publish replaced meanwhile."""

from datetime import timedelta

from sqlalchemy import delete, func, select

from lms.extensions import db
from lms.models import Certificate, ModuleProgress
from lms.services.authoring.publishing import sync_courses
from lms.services.learning import attempts, catalog
from tests.unit.test_certificate_concurrency import NOW, _setup


def _take(user_id, now, right, module="first-steps"):
    """Open a module's quiz and send one right or one wrong answer per question."""
    _, _, attempt, questions, _ = attempts.start_attempt(user_id, "sample-course", module, now)
    answers = {
        q.id: [c.id for c in q.choices if c.is_correct == right][: None if right else 1]
        for q in questions
    }
    graded, _ = attempts.submit_attempt(
        user_id, attempt.id, answers, shown=attempts.order_digest(attempt), now=now
    )
    return graded


def _row(user_id):
    db.session.expire_all()
    row = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == user_id))
    return row.read_at, row.last_activity_at, row.best_score, row.passed_at


def test_the_progress_row_keeps_the_first_pass_and_the_best_score(app, courses_dir):
    user_id, _, _ = _setup(app, courses_dir)
    later, last = NOW + timedelta(hours=1), NOW + timedelta(hours=2)
    with app.app_context():
        assert _take(user_id, NOW, right=False).score == 0
        assert _row(user_id) == (NOW, NOW, 0, None)

        assert _take(user_id, later, right=True).score == 100
        assert _row(user_id) == (NOW, later, 100, later)

        assert _take(user_id, last, right=False).score == 0
        assert _row(user_id) == (NOW, last, 100, later)


def test_a_progress_row_gone_since_the_quiz_was_opened_is_made_by_the_grading(app, courses_dir):
    user_id, _, module_ids = _setup(app, courses_dir)
    later = NOW + timedelta(minutes=20)
    with app.app_context():
        _, _, attempt, questions, _ = attempts.start_attempt(
            user_id, "sample-course", "first-steps", NOW
        )
        db.session.execute(delete(ModuleProgress))
        db.session.commit()
        right = {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}
        attempts.submit_attempt(user_id, attempt.id, right, now=later)

        row = db.session.scalar(select(ModuleProgress))
        assert (row.user_id, row.module_id, row.started_at) == (user_id, module_ids[0], later)
        assert _row(user_id) == (later, later, 100, later)


def test_the_last_pass_issues_the_certificate_on_a_version_replaced_meanwhile(app, courses_dir):
    user_id, course_id, _ = _setup(app, courses_dir)
    first_steps = courses_dir / "sample-course" / "01-first-steps.md"
    with app.app_context():
        assert _take(user_id, NOW, right=True, module="listening").passed
        _, opened, attempt, questions, _ = attempts.start_attempt(
            user_id, "sample-course", "first-steps", NOW
        )
        first_steps.write_text(first_steps.read_text().replace("Recovery is personal.", "Hope."))
        sync_courses(courses_dir)
        _, current, _ = catalog.current_module("sample-course", "first-steps")
        assert current.id != opened.id  # the attempt's version is no longer the current one

        right = {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}
        graded, certificate = attempts.submit_attempt(
            user_id, attempt.id, right, shown=attempts.order_digest(attempt), now=NOW
        )

        assert graded.passed and certificate is not None
        assert (certificate.user_id, certificate.course_id) == (user_id, course_id)
        assert db.session.scalar(select(func.count(Certificate.id))) == 1
