"""An admin erases a trainee while the trainee's passing quiz submission is on its way: both take
the trainee's account row before anything else, so one waits for the other, and neither is
refused with a deadlock (PostgreSQL). A submission arriving after the erasure is refused as not
found, and writes nothing.

The moment is made, not hoped for: the submission stops right after writing its progress row,
the erasure starts then, and the submission goes on only once the erasure waits for a lock (or
has finished). Before the fix the erasure took the account, waited for the progress row, and the
submission, issuing the certificate, waited for the account.
"""

import threading

import pytest
from sqlalchemy import event, func, select, text

from lms.extensions import db
from lms.models import Module, ModuleProgress, QuizAttempt, User
from lms.services.learning import attempts
from lms.services.people import erasure
from tests.records import person, publish
from tests.unit.test_certificate_concurrency import NOW

WAIT = 30  # seconds: a bound on each wait below, so that a broken test ends; never asserted


def _trainee_one_pass_from_a_certificate(courses_dir):
    """(admin id, trainee id, attempt id, its order digest, right answers): the trainee has passed
    every module of the sample course but the last, whose quiz is open."""
    course = publish(courses_dir)
    admin = person("alex@example.org", "Alex Admin", "admin")
    ada = person("ada@example.org", "Ada Trainee")
    modules = db.session.execute(
        select(Module.id, Module.slug)
        .where(Module.course_id == course.id)
        .order_by(Module.position)
    ).all()
    for module_id, _ in modules[:-1]:
        db.session.add(ModuleProgress(user_id=ada.id, module_id=module_id, passed_at=NOW))
    db.session.commit()
    last = modules[-1].slug
    _, _, attempt, questions, _ = attempts.start_attempt(ada.id, "sample-course", last, NOW)
    right = {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}
    return admin.id, ada.id, attempt.id, attempts.order_digest(attempt), right


def _lock_wait_of(pid):
    """What the backend `pid` waits for ("Lock" while it waits for a row), from a connection of
    its own."""
    with db.engine.connect() as connection:
        return connection.execute(
            text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar()


def test_an_erasure_during_a_passing_submission_waits_for_it_and_neither_fails(app, courses_dir):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks and deadlocks are PostgreSQL's; SQLite writes one at a time")
        admin_id, ada_id, attempt_id, shown, right = _trainee_one_pass_from_a_certificate(
            courses_dir
        )

    progress_written, erasure_done = threading.Event(), threading.Event()
    erasure_pid, submitter, results, errors = [], [], {}, []

    def stop_after_the_progress_row(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() not in submitter or not statement.startswith(
            "INSERT INTO module_progress"
        ):
            return  # only the submission stops, and only there
        progress_written.set()
        for _ in range(WAIT * 20):  # until the erasure waits for a row, or is done
            if erasure_done.is_set() or (erasure_pid and _lock_wait_of(erasure_pid[0]) == "Lock"):
                return
            threading.Event().wait(0.05)

    def submit():
        submitter.append(threading.get_ident())
        try:
            with app.app_context():
                attempt, certificate = attempts.submit_attempt(
                    ada_id, attempt_id, right, shown=shown, now=NOW
                )
                results["submission"] = (attempt.score, certificate is not None)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            progress_written.set()

    def erase():
        try:
            with app.app_context():
                # The connection the erasure will run on (its transaction begins here).
                erasure_pid.append(db.session.scalar(text("SELECT pg_backend_pid()")))
                progress_written.wait(WAIT)
                erasure.erase_trainee(admin_id, ada_id, now=NOW)
                results["erasure"] = "erased"
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            erasure_done.set()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", stop_after_the_progress_row)
    try:
        threads = [threading.Thread(target=erase), threading.Thread(target=submit)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=3 * WAIT)
    finally:
        event.remove(engine, "after_cursor_execute", stop_after_the_progress_row)

    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    assert results == {"submission": (100, True), "erasure": "erased"}
    with app.app_context():
        assert db.session.get(User, ada_id).erased_at is not None
        for model in (ModuleProgress, QuizAttempt):
            assert (
                db.session.scalar(
                    select(func.count()).select_from(model).where(model.user_id == ada_id)
                )
                == 0
            )


def test_a_submission_arriving_after_the_erasure_is_not_found_and_writes_nothing(
    app_ctx, courses_dir
):
    admin_id, ada_id, attempt_id, shown, right = _trainee_one_pass_from_a_certificate(courses_dir)
    erasure.erase_trainee(admin_id, ada_id, now=NOW)

    with pytest.raises(LookupError):
        attempts.submit_attempt(ada_id, attempt_id, right, shown=shown, now=NOW)

    assert (
        db.session.scalar(
            select(func.count()).select_from(ModuleProgress).where(ModuleProgress.user_id == ada_id)
        )
        == 0
    )
