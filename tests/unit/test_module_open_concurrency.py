"""A module opened for the first time from several tabs at once: every request gets the page, and
the trainee has one progress row for it (the unique (user_id, module_id) never surfaces as a 500).
"""

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import ModuleProgress
from lms.services import learning
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
        return learning.start_attempt(user_id, "sample-course", "first-steps", NOW)[1].module_id

    results = _run_together(app, open_quiz, count=TABS)

    assert len(set(results)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(ModuleProgress.id))) == 1
