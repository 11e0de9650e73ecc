"""Several tabs at once: a module opened for the first time gets one progress row (the unique
(user_id, module_id) never surfaces as a 500), and one attempt sent from two tabs is graded once,
the other tab being told rather than shown the winner's score as its own.
"""

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import ModuleProgress, QuizAttempt
from lms.services.learning import attempts, learning
from tests.unit.test_certificate_concurrency import NOW, _run_together, _setup

TABS = 8


def test_first_openings_at_once_all_succeed_with_one_progress_row(app, courses_dir):
    user_id, _, module_ids = _setup(app, courses_dir)

    def open_first_module(index):
        _, version, progress = learning.open_module(user_id, "sample-course", "first-steps", NOW)
        return version.module_id, progress.modules[0].state

    results = _run_together(app, open_first_module, count=TABS)

    assert results == [(module_ids[0], "reading")] * TABS
    with app.app_context():
        rows = db.session.scalar(select(func.count(ModuleProgress.id)))
        row = db.session.scalar(select(ModuleProgress))
    assert rows == 1
    assert (row.user_id, row.module_id, row.started_at) == (user_id, module_ids[0], NOW)


def test_first_quiz_openings_at_once_all_succeed(app, courses_dir):
    user_id, _, _ = _setup(app, courses_dir)

    def open_quiz(index):
        return attempts.start_attempt(user_id, "sample-course", "first-steps", NOW)[1].module_id

    results = _run_together(app, open_quiz, count=TABS)

    assert len(set(results)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(ModuleProgress.id))) == 1


def test_a_quiz_opened_again_in_several_tabs_at_once_gets_one_new_attempt(app, courses_dir):
    # The module was read and its first attempt sent, so no row is written on opening it again:
    # nothing made the tabs take turns, and each made an open attempt of its own (its own order,
    # its own draw from a pool), where a reload promises the one open attempt back.
    user_id, _, _ = _setup(app, courses_dir)
    with app.app_context():
        _, _, first, questions, _ = attempts.start_attempt(
            user_id, "sample-course", "first-steps", NOW
        )
        wrong = {q.id: [c.id for c in q.choices if not c.is_correct][:1] for q in questions}
        attempts.submit_attempt(
            user_id, first.id, wrong, shown=attempts.order_digest(first), now=NOW
        )

    def open_quiz(index):
        return attempts.start_attempt(user_id, "sample-course", "first-steps", NOW)[2].id

    results = _run_together(app, open_quiz, count=TABS)

    with app.app_context():
        open_attempts = db.session.scalars(
            select(QuizAttempt.id).where(QuizAttempt.submitted_at.is_(None))
        ).all()
    assert len(open_attempts) == 1
    assert results == open_attempts * TABS


def test_one_attempt_sent_from_two_tabs_at_once_is_graded_once_and_the_other_is_told(
    app, courses_dir
):
    user_id, _, _ = _setup(app, courses_dir)
    with app.app_context():
        _, _, attempt, questions, _ = attempts.start_attempt(
            user_id, "sample-course", "first-steps", NOW
        )
        shown = attempts.order_digest(attempt)
        right = {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}
        wrong = {q.id: [c.id for c in q.choices if not c.is_correct][:1] for q in questions}
        attempt_id = attempt.id

    def send(index):
        try:
            graded, _ = attempts.submit_attempt(
                user_id, attempt_id, (right, wrong)[index], shown=shown, now=NOW
            )
            return ("graded", graded.score)
        except attempts.AlreadySubmitted as already:
            return ("told", already.attempt.score)

    results = _run_together(app, send)

    with app.app_context():
        stored = db.session.get(QuizAttempt, attempt_id)
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
    assert sorted(results) == [("graded", stored.score), ("told", stored.score)]
    assert stored.score in (0, 100)


def test_an_attempt_is_refused_when_the_order_it_claims_is_not_its_own(app, courses_dir):
    user_id, _, _ = _setup(app, courses_dir)
    with app.app_context():
        _, _, attempt, questions, _ = attempts.start_attempt(
            user_id, "sample-course", "first-steps", NOW
        )
        right = {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}

        with pytest.raises(attempts.FormMismatch):
            attempts.submit_attempt(user_id, attempt.id, right, shown="0" * 32, now=NOW)
        assert db.session.get(QuizAttempt, attempt.id).submitted_at is None
