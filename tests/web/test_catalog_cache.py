"""Each worker's copy of the published catalog: reused while the catalog version stands, dropped
on the next request after any publish, by any worker or instance on the same database."""

import dataclasses
import shutil

import pytest
from sqlalchemy import delete, select

from lms import create_app
from lms.extensions import db
from lms.models import CatalogVersion
from lms.services.authoring.publishing import sync_courses
from lms.services.learning import catalog, catalog_version
from lms.services.people import accounts
from tests.conftest import sign_in_as
from tests.statements import recorded_statements
from tests.unit.coursekit import ROLE_PLAY, ROLE_PLAY_FILE

MODULE = "/courses/sample-course/first-steps"


@pytest.fixture
def trainee(app, courses_dir):
    with app.app_context():
        sync_courses(courses_dir)
        user = accounts.ensure_user("dana@example.org", "Dana", ["trainee"], "a-long-passphrase")
        return user.id


@pytest.fixture
def other_worker(app):
    """A second app on the same database, as another gunicorn worker or instance would be."""
    other = create_app(dict(app.config))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def publish_edit(app, courses_dir, old, new):
    path = courses_dir / "sample-course" / "01-first-steps.md"
    path.write_text(path.read_text().replace(old, new))
    with app.app_context():
        sync_courses(courses_dir)


def test_a_publish_through_one_worker_is_served_by_another_on_its_next_request(
    app, other_worker, courses_dir, trainee
):
    reader = sign_in_as(other_worker.test_client(), trainee)
    page = reader.get(MODULE).get_data(as_text=True)
    assert "Recovery is personal." in page
    assert "Recovery is personal." in reader.get(MODULE).get_data(as_text=True)  # cached now

    publish_edit(app, courses_dir, "Recovery is personal.", "Recovery is one's own.")

    page = reader.get(MODULE).get_data(as_text=True)
    assert "Recovery is one&#39;s own." in page or "Recovery is one's own." in page
    assert "Recovery is personal." not in page


def test_the_course_page_lists_a_module_as_published_last_on_another_worker(
    app, other_worker, courses_dir, trainee
):
    reader = sign_in_as(other_worker.test_client(), trainee)
    # The second view takes the module rows kept rendered (web/learn/module_list.py).
    for _ in range(2):
        page = reader.get("/courses/sample-course/").get_data(as_text=True)
        assert ">First Steps</a>" in page and "15 min · " in page

    publish_edit(
        app, courses_dir, "title: First Steps\nminutes: 15", "title: Taking Steps\nminutes: 25"
    )

    page = reader.get("/courses/sample-course/").get_data(as_text=True)
    assert ">Taking Steps</a>" in page and "25 min · " in page
    assert ">First Steps</a>" not in page and "15 min · " not in page


def test_a_retired_course_is_gone_from_another_worker_on_its_next_request(
    app, other_worker, courses_dir, trainee
):
    reader = other_worker.test_client()
    assert reader.get("/courses/sample-course/").status_code == 200
    others = courses_dir.parent / "others"
    shutil.copytree(courses_dir / "sample-course", others / "another-course")
    with app.app_context():
        sync_courses(others)  # a courses folder without the course retires it
    assert reader.get("/courses/sample-course/").status_code == 404


def test_the_copy_is_reused_until_the_version_moves(app, trainee):
    with app.app_context():
        first = catalog.published_courses()[0][0]
        db.session.commit()  # a new transaction reads the version again
        assert catalog.published_courses()[0][0] is first
        catalog_version.bump()
        db.session.commit()
        assert catalog.published_courses()[0][0] is not first


def test_the_copy_holds_frozen_snapshots_not_session_objects(app, trainee):
    with app.app_context():
        course, version, _ = catalog.current_module("sample-course", "first-steps")
        for item in (course, version, version.questions[0], version.questions[0].choices[0]):
            assert dataclasses.is_dataclass(item)
            assert not hasattr(item, "_sa_instance_state")  # nothing a session could hold
        with pytest.raises(dataclasses.FrozenInstanceError):
            course.title = "Changed"
        assert isinstance(version.objectives, tuple)
        with pytest.raises(TypeError):
            course.training_hours["total"] = 1


def test_the_version_is_read_once_a_transaction_even_when_the_read_begins_it(app, trainee):
    with app.app_context():
        db.session.commit()  # no transaction open: the version's read begins one
        with recorded_statements(app) as statements:
            first = catalog_version.current()
            assert catalog_version.current() == first
            assert len(statements) == 1, statements
            db.session.commit()
            assert catalog_version.current() == first
            assert catalog_version.current() == first
        assert len(statements) == 2, statements  # the next transaction reads it again, once


def test_the_version_row_is_made_by_the_first_bump_when_missing(app):
    with app.app_context():
        db.session.execute(delete(CatalogVersion))
        db.session.commit()
        assert catalog_version.current() == 0
        catalog_version.bump()
        catalog_version.bump()
        db.session.commit()
        assert db.session.scalar(select(CatalogVersion.version)) == 2
        assert catalog_version.current() == 2


def test_a_sync_that_changes_the_catalog_bumps_the_version_and_one_that_does_not_does_not(
    app, courses_dir
):
    with app.app_context():
        before = catalog_version.current()
        sync_courses(courses_dir)
        sync_courses(courses_dir)  # nothing changed: nothing written, workers keep their copy
        db.session.commit()
        assert catalog_version.current() == before + 1


def with_a_live_session(courses_dir):
    """The sample course, its certificate requiring a live session with a skills checklist."""
    folder = courses_dir / "sample-course"
    (folder / "sessions").mkdir()
    (folder / ROLE_PLAY_FILE).write_text(ROLE_PLAY)
    course_md = folder / "course.md"
    course_md.write_text(
        course_md.read_text().replace(
            "  valid_for_months: 12\n",
            "  valid_for_months: 12\n  requires:\n    sessions: [role-play]\n"
            "    skills_checklists: [role-play]\n",
        )
    )


def republish_session(app, courses_dir, old, new):
    path = courses_dir / "sample-course" / ROLE_PLAY_FILE
    path.write_text(path.read_text().replace(old, new))
    with app.app_context():
        sync_courses(courses_dir)


def test_a_live_session_republished_or_set_back_is_served_by_another_worker_next(
    app, other_worker, courses_dir
):
    with_a_live_session(courses_dir)
    with app.app_context():
        sync_courses(courses_dir)
        user = accounts.ensure_user("dana@example.org", "Dana", ["trainee"], "a-long-passphrase")
    reader = sign_in_as(other_worker.test_client(), user.id)
    page = "/courses/sample-course/"
    assert "Attend the live session “Role-play”" in reader.get(page).get_data(as_text=True)

    republish_session(app, courses_dir, "title: Role-play\n", "title: Listening role-play\n")
    republish_session(
        app, courses_dir, "- [ ] Asks open questions.\n", "- [ ] Asks.\n- [ ] Waits.\n"
    )
    text = reader.get(page).get_data(as_text=True)
    assert "Attend the live session “Listening role-play”" in text
    assert "0 of 3 skills demonstrated" in text

    # Back to the first text: no new version, the first made current again.
    republish_session(
        app, courses_dir, "- [ ] Asks.\n- [ ] Waits.\n", "- [ ] Asks open questions.\n"
    )
    republish_session(app, courses_dir, "title: Listening role-play\n", "title: Role-play\n")
    text = reader.get(page).get_data(as_text=True)
    assert "Attend the live session “Role-play”" in text
    assert "0 of 2 skills demonstrated" in text
