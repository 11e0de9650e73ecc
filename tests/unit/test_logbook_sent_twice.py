"""A logbook form sent twice (a double tap, a resubmission after a slow network) makes one entry:
practice hours and CE entries, one after the other and two at the same moment; a form sent again
with other values, or without a token, is another entry. And the migration that adds the key."""

import threading

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from lms.extensions import db
from lms.models import CEEntry, CEEvidence, PracticeSession
from lms.services.authoring.publishing import sync_courses
from lms.services.logbook import ce, practice
from tests import cekit
from tests.requirementkit import NOW, TODAY, make_people
from tests.unit.test_commands import empty_app  # noqa: F401 (a fixture)

TOKEN = "kV3q8X0b2m9QyZ1c4d5e6f7g8h9i0j1k"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def log_practice(user_id, submission=TOKEN, hours="1.5", notes=""):
    return practice.log_session(
        user_id, TODAY, hours, "Group facilitation", notes, now=NOW, submission=submission
    )


def log_ce(user_id, submission=TOKEN, title="Ethics in peer work", data=cekit.PDF):
    return ce.log_entry(
        user_id, title, "State Peer Network", cekit.TODAY, "1.5", "ethics", "certificate.pdf",
        data, now=cekit.NOW, submission=submission,
    )  # fmt: skip


def test_the_same_practice_form_twice_logs_one_session(app_ctx):
    ada = make_people()["ada"]

    first = log_practice(ada.id)
    second = log_practice(ada.id)

    assert second.id == first.id
    assert count(PracticeSession) == 1


def test_practice_sent_again_with_other_values_or_without_a_token_is_another_session(app_ctx):
    people = make_people()
    ada, bo = people["ada"], people["bo"]

    log_practice(ada.id)
    log_practice(ada.id, hours="2")  # Back, changed the hours, sent the same form again
    log_practice(ada.id, submission=None)
    log_practice(ada.id, submission=None)
    log_practice(bo.id)  # a token is only ever compared with its own person's

    assert count(PracticeSession) == 5


def test_the_same_ce_form_twice_logs_one_entry_and_keeps_one_evidence_file(app_ctx, courses_dir):
    sync_courses(courses_dir)
    ada = make_people()["ada"]
    cekit.give_renewal_rule()

    first = log_ce(ada.id)
    second = log_ce(ada.id)
    log_ce(ada.id, data=cekit.image())  # the same form with another file: another entry

    assert second.id == first.id
    assert (count(CEEntry), count(CEEvidence)) == (2, 2)


def _at_once(app, work, count=2):
    """Run work() in `count` threads at once, each in its own app context (its own session and
    connection, as two requests served at once); their results, or the errors they raised."""
    barrier = threading.Barrier(count, timeout=20)
    results, errors = [], []

    def target():
        try:
            with app.app_context():
                barrier.wait()
                results.append(work())
        except Exception as error:  # reported by the caller's assertion
            errors.append(error)

    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def test_the_same_forms_arriving_at_the_same_moment_make_one_entry_each(app, courses_dir):
    with app.app_context():
        sync_courses(courses_dir)
        ada_id = make_people()["ada"].id
        cekit.give_renewal_rule()

    sessions, errors = _at_once(app, lambda: log_practice(ada_id).id)
    assert not errors, errors
    entries, errors = _at_once(app, lambda: log_ce(ada_id).id)
    assert not errors, errors

    with app.app_context():
        assert (count(PracticeSession), count(CEEntry), count(CEEvidence)) == (1, 1, 1)
        assert set(sessions) == {db.session.scalar(select(PracticeSession.id))}
        assert set(entries) == {db.session.scalar(select(CEEntry.id))}


def test_upgrading_keeps_the_entries_logged_before_without_a_key(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade(revision="0014r")
        for statement in (
            "INSERT INTO user_account (id, email, name, password_hash, created_at, quiet_emails)"
            " VALUES (1, 'a@example.org', 'A', 'x', '2026-01-01 00:00:00', false)",
            *(
                "INSERT INTO practice_session (id, user_id, session_date, minutes, kind, activity,"
                f" notes, status, logged_at) VALUES ({i}, 1, '2026-01-01', 60, 'work',"
                " 'Group facilitation', '', 'pending', '2026-01-01 12:00:00')"
                for i in (101, 102)
            ),
            *(
                "INSERT INTO ce_entry (id, user_id, source, title, provider, completed_on,"
                f" minutes, category, status, logged_at) VALUES ({i}, 1, 'logged', 'T', 'P',"
                " '2026-01-01', 90, 'ethics', 'pending', '2026-01-01 12:00:00')"
                for i in (101, 102)
            ),
        ):
            db.session.execute(text(statement))
        db.session.commit()

        upgrade()

        for table in ("practice_session", "ce_entry"):
            rows = db.session.execute(
                text(f"SELECT id, submission_key FROM {table} ORDER BY id")  # noqa: S608
            ).all()
            assert [tuple(row) for row in rows] == [(101, None), (102, None)], table
        # Two arrivals of one form still end in one row on the upgraded database (the ids above
        # are out of the way of those the database gives).
        first = log_practice(1)
        assert log_practice(1).id == first.id
        assert count(PracticeSession) == 3
        db.session.remove()
