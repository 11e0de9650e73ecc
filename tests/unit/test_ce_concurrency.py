"""A CE module's quiz sent from two tabs at once is graded once and adds one CE entry."""

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import CEEntry, QuizAttempt
from lms.services.learning import attempts
from tests import cekit
from tests.unit.test_certificate_concurrency import NOW, _run_together, _setup


def test_a_pass_sent_from_two_tabs_at_once_adds_one_entry(app, courses_dir):
    user_id, _, _ = _setup(app, courses_dir)
    with app.app_context():
        cekit.grant_ce()
        _, _, attempt, questions, _ = attempts.start_attempt(
            user_id, "sample-course", "first-steps", NOW
        )
        right = {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}
        attempt_id, shown = attempt.id, attempts.order_digest(attempt)

    def send(index):
        graded, _ = attempts.submit_attempt(user_id, attempt_id, right, shown=shown, now=NOW)
        return graded.passed

    assert _run_together(app, send, count=4) == [True] * 4
    with app.app_context():
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
        assert db.session.scalar(select(func.count(CEEntry.id))) == 1
