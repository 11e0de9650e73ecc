"""Two people changing the workspace at the same moment. Saving the same file from the same
revision: one save wins, the other meets the conflict, never a silent overwrite. Creating the same
course: one is created, the other is told the slug is taken. Each thread has its own app context,
so its own session and connection, as two browsers would."""

import threading
import time
from contextlib import suppress

from lms.extensions import db
from lms.services.workspace import files, store
from lms.services.workspace.errors import Conflict, WorkspaceError
from tests.workspacekit import ready_course


def test_two_saves_at_once_from_one_revision_make_one_revision_and_one_conflict(app, monkeypatch):
    path = "01-introduction.md"
    with app.app_context():
        ready_course()
        text, base = files.open_file(store.course_by_slug("my-course"), path)
    first_checked = threading.Event()
    second_started = threading.Event()
    put = store.put

    def held_put(*args, **kwargs):
        # The first save has checked the revision and is about to write: hold it until the
        # second save has started, so both would have passed the check without the lock.
        if not first_checked.is_set():
            first_checked.set()
            second_started.wait(timeout=10)
            time.sleep(0.3)  # give the second save time to reach the database; not measured
        return put(*args, **kwargs)

    monkeypatch.setattr(store, "put", held_put)
    outcomes, errors = {}, []

    def save(name, wait_for=None, announce=None):
        try:
            if wait_for is not None:
                wait_for.wait(timeout=10)
            with app.app_context():
                course = store.course_by_slug("my-course")
                files.open_file(course, path)  # the editor's page loaded the file first
                if announce is not None:
                    announce.set()
                files.save_text(course, path, f"{name}'s text", base)
                outcomes[name] = "saved"
        except Conflict as conflict:
            outcomes[name] = conflict
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [
        threading.Thread(target=save, args=("first",)),
        threading.Thread(target=save, args=("second", first_checked, second_started)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert outcomes["first"] == "saved"
    conflict = outcomes["second"]
    assert isinstance(conflict, Conflict)
    assert (conflict.theirs.text, conflict.theirs.revision) == ("first's text", base + 1)
    with app.app_context():
        course = store.course_by_slug("my-course")
        assert files.open_file(course, path) == ("first's text", base + 1)
        db.session.remove()


def test_two_people_creating_one_slug_at_once_make_one_course_and_one_message(app, monkeypatch):
    # Both look for the slug before either adds it, as two staff pressing "Create" together do:
    # the database's unique slug decides, and the second is told, not shown an error page.
    both_looked = threading.Barrier(2, timeout=10)
    course_by_slug = store.course_by_slug

    def looked_together(slug):
        found = course_by_slug(slug)
        with suppress(threading.BrokenBarrierError):  # later calls: nobody else is looking
            both_looked.wait()
        return found

    monkeypatch.setattr(store, "course_by_slug", looked_together)
    outcomes, errors = [], []

    def create(author):
        try:
            with app.app_context():
                files.create_course("new-course", author_id=None, title=author)
                outcomes.append("created")
                db.session.remove()
        except WorkspaceError as refused:
            outcomes.append(str(refused))
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=create, args=(name,)) for name in ("Ana", "Ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(outcomes) == [
        "created",
        "the workspace already has a course 'new-course': choose another slug",
    ]
    with app.app_context():
        course = course_by_slug("new-course")
        assert sorted(store.live_files(course)) == ["01-introduction.md", "course.md"]
        db.session.remove()
