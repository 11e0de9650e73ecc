"""Two syncs at once take turns: one change is published once, with one "course.synced" event.

Each thread has its own app context, so its own session and connection, as two `lms courses sync`
runs (or a terminal and the browser's Publish) would. The first sync is held just after it has
read what is published, until the second has started; without the lock both read the old state
and both published the change.
"""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from lms import create_app
from lms.content.model import ContentError
from lms.extensions import db
from lms.models import AuditEvent, ModuleVersion
from lms.services.authoring import publishing
from lms.services.authoring.publishing import sync_courses


def _synced_events():
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "course.synced")
    )


def test_two_syncs_of_one_change_publish_it_once(app, courses_dir, monkeypatch):
    with app.app_context():
        sync_courses(courses_dir)
        versions_before = db.session.scalar(select(func.count(ModuleVersion.id)))
    module = courses_dir / "sample-course" / "01-first-steps.md"
    module.write_text(module.read_text().replace("Recovery is personal.", "Recovery is yours."))

    first_has_read = threading.Event()
    second_started = threading.Event()
    add_version = publishing._add_version

    def held_add_version(*args, **kwargs):
        # Only the first sync gets here before the second starts: it has read the published
        # state and is about to write the new version.
        if not first_has_read.is_set():
            first_has_read.set()
            second_started.wait(timeout=10)
            time.sleep(0.3)  # give the second sync time to reach the database; not measured
        return add_version(*args, **kwargs)

    monkeypatch.setattr(publishing, "_add_version", held_add_version)
    reports, errors = {}, []

    def run(name, wait_for=None, announce=None):
        try:
            if wait_for is not None:
                wait_for.wait(timeout=10)
            with app.app_context():
                if announce is not None:
                    announce.set()
                reports[name] = sync_courses(courses_dir)
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=("first",)),
        threading.Thread(target=run, args=("second", first_has_read, second_started)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert reports["first"].versions_added == ["sample-course/first-steps v2"]
    assert not reports["second"].changed
    with app.app_context():
        assert db.session.scalar(select(func.count(ModuleVersion.id))) == versions_before + 1
        assert _synced_events() == 2  # the first publication, and this change once


def test_a_sync_waits_for_a_transaction_that_has_written_already(app, courses_dir):
    """A sync inside a transaction that already holds SQLite's write lock keeps it and goes on."""
    with app.app_context():
        sync_courses(courses_dir)
        db.session.add(AuditEvent(action="test.write", summary="a write before the sync"))
        db.session.flush()
        report = sync_courses(courses_dir)
        assert not report.changed
        assert _synced_events() == 1


def test_on_sqlite_a_sync_that_cannot_get_the_write_lock_says_another_sync_is_running(
    app, courses_dir
):
    """SQLite waits only up to the driver's timeout for its write lock (here 0.1 s, to be quick);
    then the sync refuses with a message instead of a "database is locked" traceback."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL waits for the advisory lock instead")
        url = db.engine.url
    impatient = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": str(url),
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.1}},
            "SECRET_KEY": "test-secret",
        }
    )
    holder = sqlite3.connect(url.database)
    holder.execute("BEGIN IMMEDIATE")  # another sync, mid-publication
    try:
        with impatient.app_context():
            with pytest.raises(ContentError) as refused:
                sync_courses(courses_dir, "courses")
            assert [str(p) for p in refused.value.problems] == [
                "courses: another sync is publishing courses right now: try again when it has "
                "finished"
            ]
            assert _synced_events() == 0
            db.engine.dispose()
    finally:
        holder.rollback()
        holder.close()
