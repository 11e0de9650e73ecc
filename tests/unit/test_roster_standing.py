"""roster_standing (lms/models/standing.py), the figures the roster sorts by, stays equal to a
recompute from module_progress and quiz_attempt after every kind of write: opening a module, a
quiz started and submitted, a module retired and brought back by a sync, an erasure, an account
deleted, bulk inserts and raw SQL; on tables made by create_all and by the migrations, which
fill it from the rows already there."""

import shutil
import threading
import time
from datetime import UTC, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import delete, event, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db
from lms.models import Course, Module, ModuleProgress, QuizAttempt, RosterStanding, User
from lms.services.authoring.publishing import sync_courses
from lms.services.learning import attempts, learning
from lms.services.people import erasure
from tests import roster_data as rd
from tests.conftest import _drop_everything
from tests.unit.test_certificate_concurrency import _run_together
from tests.unit.test_commands import empty_app  # noqa: F401  (an app on a database with no tables)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TABS = 8


def standing(user_id):
    """{course id: (started, passed, score sum, scores, last progress, last attempt)}."""
    s = RosterStanding
    return {
        course_id: tuple(figures)
        for course_id, *figures in db.session.execute(
            select(
                s.course_id, s.modules_started, s.modules_passed, s.score_sum, s.scores,
                s.last_progress_at, s.last_attempt_at,
            ).where(s.user_id == user_id)
        )
    }  # fmt: skip


def answers(questions, right=True):
    """Every question answered right, or each with one wrong choice."""
    if right:
        return {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}
    return {q.id: [c.id for c in q.choices if not c.is_correct][:1] for q in questions}


def take_quiz(user_id, module_slug, right, at):
    _, _, attempt, questions, _ = attempts.start_attempt(user_id, "sample-course", module_slug, at)
    shown = attempts.order_digest(attempt)
    attempts.submit_attempt(user_id, attempt.id, answers(questions, right), shown=shown, now=at)


def test_the_trainees_own_writes_keep_it_true(app_ctx, courses_dir):
    sync_courses(courses_dir)
    course_id = db.session.scalar(select(Course.id).where(Course.slug == "sample-course"))
    ada = rd.person("Ada Trainee")
    db.session.commit()
    assert standing(ada) == {}

    learning.open_module(ada, "sample-course", "first-steps", NOW)
    assert standing(ada) == {course_id: (1, 0, 0, 0, NOW, None)}
    assert rd.standing_mismatches() == []

    later = NOW + timedelta(minutes=30)
    _, _, attempt, _, _ = attempts.start_attempt(ada, "sample-course", "first-steps", later)
    assert standing(ada) == {course_id: (1, 0, 0, 0, later, None)}  # not submitted: no attempt
    take_quiz(ada, "first-steps", right=False, at=later)
    assert standing(ada)[course_id][1:] == (0, 0, 1, later, later)
    assert rd.standing_mismatches() == []

    passed_at = later + timedelta(hours=2)  # past the wait after a failure, if any
    take_quiz(ada, "first-steps", right=True, at=passed_at)
    assert standing(ada)[course_id] == (1, 1, 100, 1, passed_at, passed_at)
    learning.open_module(ada, "sample-course", "listening", passed_at + timedelta(hours=1))
    assert standing(ada)[course_id][:2] == (2, 1)
    assert rd.standing_mismatches() == []


def test_a_module_retired_and_brought_back_by_a_sync_counts_again(app_ctx, courses_dir, tmp_path):
    sync_courses(courses_dir)
    course_id = db.session.scalar(select(Course.id).where(Course.slug == "sample-course"))
    ada, bo = rd.person("Ada Trainee"), rd.person("Bo Trainee")
    db.session.commit()
    for user_id in (ada, bo):
        learning.open_module(user_id, "sample-course", "first-steps", NOW)
        take_quiz(user_id, "first-steps", right=True, at=NOW)
        learning.open_module(user_id, "sample-course", "listening", NOW + timedelta(hours=1))
    assert standing(ada)[course_id][:2] == (2, 1)

    first = courses_dir / "sample-course" / "01-first-steps.md"
    first.write_text(first.read_text().replace("(02-listening.md#open-questions)", "(course.md)"))
    shutil.move(courses_dir / "sample-course" / "02-listening.md", tmp_path / "kept.md")
    assert sync_courses(courses_dir).modules_retired == ["sample-course/listening"]
    assert standing(ada)[course_id] == (1, 1, 100, 1, NOW, NOW)  # listening's opening gone
    assert rd.standing_mismatches() == []

    shutil.move(tmp_path / "kept.md", courses_dir / "sample-course" / "02-listening.md")
    sync_courses(courses_dir)
    assert standing(bo)[course_id][:2] == (2, 1)
    assert rd.standing_mismatches() == []


def test_erasing_a_trainee_or_deleting_an_account_leaves_no_row(app_ctx, courses_dir):
    sync_courses(courses_dir)
    admin = rd.person("Alex Admin", roles=("admin",))
    ada, bo = rd.person("Ada Trainee"), rd.person("Bo Trainee")
    db.session.commit()
    for user_id in (ada, bo):
        learning.open_module(user_id, "sample-course", "first-steps", NOW)
        take_quiz(user_id, "first-steps", right=True, at=NOW)

    erasure.erase_trainee(admin, ada, now=NOW)
    assert standing(ada) == {} and standing(bo) != {}
    assert rd.standing_mismatches() == []

    # The app never deletes an account, but the database may: on PostgreSQL, which enforces the
    # foreign keys, the progress and the standing go with it (SQLite here leaves both).
    db.session.execute(delete(QuizAttempt).where(QuizAttempt.user_id == bo))
    db.session.execute(delete(User).where(User.id == bo))
    db.session.commit()
    assert rd.standing_mismatches() == []
    if db.engine.dialect.name == "postgresql":
        assert standing(bo) == {}


def test_bulk_inserts_and_raw_sql_keep_it_true(app_ctx):
    course_id, modules = rd.bulk_course(modules=4)
    other_id, others = rd.bulk_course("Other", modules=2, slug="other")
    cohort = rd.cohort("Everyone", course_id)
    supervisor = rd.person("Sue Supervisor", roles=("supervisor",))
    ids = rd.bulk_trainees(60, course_id, modules, [supervisor], cohort)
    db.session.commit()
    assert len(standing(ids[5])) == 1
    assert rd.standing_mismatches() == []

    # Rows in two courses in one statement; a best score raised; a module's rows moved; a
    # module retired and an attempt deleted, all as raw SQL would.
    db.session.execute(
        insert(ModuleProgress),
        [dict(user_id=user_id, module_id=others[0][0], started_at=NOW, last_activity_at=NOW,
              best_score=50) for user_id in ids[:10]],
    )  # fmt: skip
    db.session.execute(
        update(ModuleProgress).where(ModuleProgress.user_id == ids[3]).values(best_score=99)
    )
    db.session.execute(
        update(ModuleProgress)
        .where(ModuleProgress.module_id == others[0][0], ModuleProgress.user_id == ids[4])
        .values(module_id=others[1][0])
    )
    db.session.execute(update(Module).where(Module.id == modules[0][0]).values(retired_at=NOW))
    db.session.execute(text("DELETE FROM quiz_attempt WHERE user_id = :id"), {"id": ids[7]})
    db.session.commit()
    assert set(standing(ids[3])) == {course_id, other_id}
    assert rd.standing_mismatches() == []

    db.session.execute(update(Module).where(Module.id == modules[0][0]).values(retired_at=None))
    db.session.execute(delete(ModuleProgress).where(ModuleProgress.user_id.in_(ids[:20])))
    db.session.commit()
    assert rd.standing_mismatches() == []


def test_the_migration_fills_it_from_the_rows_already_there_and_keeps_it(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade(revision="0013l")
        course_id, modules = rd.bulk_course(modules=3)
        cohort = rd.cohort("Everyone", course_id)
        supervisor = rd.person("Sue Supervisor", roles=("supervisor",))
        ids = rd.bulk_trainees(30, course_id, modules, [supervisor], cohort)
        db.session.execute(update(Module).where(Module.id == modules[2][0]).values(retired_at=NOW))
        db.session.commit()
        db.session.remove()

        upgrade()
        filled = db.session.scalar(select(text("count(*)")).select_from(RosterStanding))
        assert filled > 0
        assert rd.standing_mismatches() == []

        rd.progress(ids[0], modules[0][0], passed=True, score=77, at=NOW)
        db.session.execute(update(Module).where(Module.id == modules[2][0]).values(retired_at=None))
        db.session.commit()
        assert rd.standing_mismatches() == []


def trigger_definitions():
    """{name: definition} of the database's own triggers and functions."""
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = (
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
            "UNION ALL SELECT proname, prosrc FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
        )
    return dict(db.session.execute(text(query)).all())


def test_the_migrations_make_the_triggers_create_all_makes(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade()
        migrated = trigger_definitions()
        db.session.remove()
        db.engine.dispose()
        _drop_everything(empty_app.config["SQLALCHEMY_DATABASE_URI"])
        db.create_all()

        assert trigger_definitions() == migrated
        assert {name for name in migrated if "roster_standing" in name} >= {
            "roster_standing_module_progress_update", "roster_standing_quiz_attempt_insert",
            "roster_standing_module_update",
        }  # fmt: skip


def test_writes_for_one_trainee_at_once_leave_it_true(app):
    """Eight transactions each record a module for the same trainee and course, and hold on before
    committing: each recompute must see the others' rows, not overwrite them."""
    with app.app_context():
        course_id, modules = rd.bulk_course(modules=TABS)
        ada = rd.person("Ada Trainee")
        db.session.commit()

    def record(index):
        rd.progress(ada, modules[index][0], passed=index % 2 == 0, score=60 + index, at=NOW)
        time.sleep(0.2)  # the others write meanwhile
        db.session.commit()

    _run_together(app, record, count=TABS)

    with app.app_context():
        assert rd.standing_mismatches() == []
        assert standing(ada)[course_id][:4] == (TABS, TABS // 2, sum(range(60, 60 + TABS)), TABS)


def test_an_upsert_of_progress_keeps_it_true(app_ctx):
    """INSERT ... ON CONFLICT DO UPDATE, as the quiz records a grade: on SQLite its conflict
    policy overrides a trigger's own (INSERT OR IGNORE there failed on the existing row)."""
    course_id, modules = rd.bulk_course(modules=2)
    ada = rd.person("Ada Trainee")
    rd.progress(ada, modules[0][0], at=NOW)
    db.session.commit()
    later = NOW + timedelta(hours=1)
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[db.engine.dialect.name]
    for module_id, _ in modules:  # the first row exists, the second does not
        upsert = insert(ModuleProgress).values(
            user_id=ada, module_id=module_id, started_at=later, last_activity_at=later,
            best_score=90, passed_at=later,
        )  # fmt: skip
        db.session.execute(
            upsert.on_conflict_do_update(
                index_elements=["user_id", "module_id"],
                set_={
                    key: upsert.excluded[key]
                    for key in ("best_score", "passed_at", "last_activity_at")
                },
            )  # fmt: skip
        )
    db.session.commit()

    assert standing(ada) == {course_id: (2, 2, 180, 2, later, None)}
    assert rd.standing_mismatches() == []


def test_a_quiz_graded_while_another_tab_notes_the_module_deadlocks_nothing(app, courses_dir):
    """One tab submits a quiz while another notes activity on the same module (the module page
    after a few idle minutes). Both write the progress row and, through the trigger, the
    standing: taken in the same order, one waits for the other and both succeed. (Grading
    before writing progress took them in the opposite order: PostgreSQL found a deadlock.)"""
    with app.app_context():
        sync_courses(courses_dir)
        ada = rd.person("Ada Trainee")
        db.session.commit()
        learning.open_module(ada, "sample-course", "first-steps", NOW)
        later = NOW + timedelta(minutes=30)
        _, _, attempt, questions, _ = attempts.start_attempt(
            ada, "sample-course", "first-steps", later
        )
        attempt_id, shown = attempt.id, attempts.order_digest(attempt)
        right = answers(questions)
    wrote, touching = threading.Event(), threading.Event()
    submitter = []

    def hold_after_first_write(conn, cursor, statement, parameters, context, executemany):
        # In the submitting thread only: after its first write, let the other tab start its
        # own and get stuck behind it before this transaction goes on.
        writes = statement.lstrip().upper().startswith(("UPDATE", "INSERT"))
        if threading.current_thread() in submitter and writes and not wrote.is_set():
            wrote.set()
            touching.wait(10)
            time.sleep(0.5)

    def work(index):
        if index == 0:
            submitter.append(threading.current_thread())
            attempts.submit_attempt(ada, attempt_id, right, shown=shown, now=later)
        else:
            wrote.wait(10)
            touching.set()
            learning.open_module(ada, "sample-course", "first-steps", later + timedelta(hours=1))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", hold_after_first_write)
    try:
        _run_together(app, work, count=2)
    finally:
        event.remove(engine, "after_cursor_execute", hold_after_first_write)

    with app.app_context():
        assert db.session.get(QuizAttempt, attempt_id).passed is True
        assert rd.standing_mismatches() == []
