"""What a graded attempt writes on the trainee's progress row for the module: read, active at the
grading, the best score so far, passed from the first pass on (a later failure never unsets it),
and the row made if it went missing after the quiz was opened."""

from datetime import timedelta

from sqlalchemy import delete, select

from lms.extensions import db
from lms.models import ModuleProgress
from lms.services import attempts
from tests.unit.test_certificate_concurrency import NOW, _setup


def _take(user_id, now, right):
    """Open the first module's quiz and send one right or one wrong answer per question."""
    _, _, attempt, questions, _ = attempts.start_attempt(
        user_id, "sample-course", "first-steps", now
    )
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
