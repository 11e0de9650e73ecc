"""Our own error pages when the database fails: a 503 with Retry-After while it cannot be reached
(SQLite file gone, PostgreSQL refusing connections), and our 500 page when a request leaves the
session needing a rollback. Gunicorn's bare "Internal Server Error" is never what people see."""

import sqlite3

import psycopg
import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from lms import create_app
from lms.extensions import db
from lms.models import User
from lms.web.access import public
from tests.auth import make_user
from tests.conftest import sign_in_as

TRY_AGAIN = "Please try again in a minute."


def _app(url, tmp_path):
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "LMS_COURSES_DIR": str(tmp_path),
        }  # fmt: skip
    )


def _assert_try_again_page(response):
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert "The site is not available right now" in page and TRY_AGAIN in page
    assert "Need help right now?" in page  # our page, with the crisis line at its foot


@pytest.fixture
def vanishing_sqlite(tmp_path):
    """An app on a SQLite file in its own folder, with one account; and a function that takes
    the folder away, as an unmounted disk or a deleted file would."""
    folder = tmp_path / "data"
    folder.mkdir()
    app = _app(f"sqlite:///{folder / 'lms.db'}", tmp_path)
    with app.app_context():
        db.create_all()
    user_id = make_user(app)

    def take_away():
        folder.rename(tmp_path / "gone")
        db.engine.dispose()  # open connections would still reach the moved file

    yield app, user_id, take_away
    with app.app_context():
        db.engine.dispose()


def test_a_sqlite_database_that_goes_away_gets_the_try_again_page(vanishing_sqlite):
    app, user_id, take_away = vanishing_sqlite
    client = sign_in_as(app.test_client(), user_id)
    assert client.get("/dashboard").status_code == 200
    with app.app_context():
        take_away()

    _assert_try_again_page(client.get("/dashboard"))
    _assert_try_again_page(app.test_client().get("/"))


def test_a_database_that_goes_away_in_the_middle_of_a_request_gets_the_try_again_page(
    vanishing_sqlite,
):
    app, user_id, take_away = vanishing_sqlite

    @public
    def read_twice():
        db.session.scalar(select(User.id))
        db.session.commit()  # hands its connection back to the pool, which take_away closes
        take_away()
        db.session.scalar(select(User.email))
        return "unreachable"

    app.add_url_rule("/read-twice", view_func=read_twice)
    client = sign_in_as(app.test_client(), user_id)

    _assert_try_again_page(client.get("/read-twice"))


def test_a_postgresql_server_refusing_connections_gets_the_try_again_page(tmp_path):
    app = _app("postgresql+psycopg://postgres@127.0.0.1:9/lms?connect_timeout=2", tmp_path)
    client = app.test_client()
    with client.session_transaction() as session:  # a signed-in cookie; its row cannot be read
        session["_user_id"] = "1"
        session["_sid"] = "token-of-a-session-row"

    _assert_try_again_page(client.get("/dashboard"))
    json = client.get("/account/data.json")
    assert json.status_code == 503 and json.json["message"].endswith(TRY_AGAIN)


def test_an_error_that_leaves_the_session_needing_a_rollback_gets_our_500_page(app):
    user_id = make_user(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error handler answers

    @public
    def duplicate_account():
        db.session.add(User(email="dana@example.org", name="Twin", password_hash="x"))
        db.session.flush()  # IntegrityError: the session now refuses to query until rolled back

    app.add_url_rule("/duplicate", view_func=duplicate_account)
    client = sign_in_as(app.test_client(), user_id)  # the page header would load this account

    response = client.get("/duplicate")

    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page and "Need help right now?" in page
    assert client.get("/dashboard").status_code == 200  # the next request is served as usual


def test_a_connection_lost_after_the_page_was_made_still_sends_the_page(app):
    # The page is ready, then the connection dies before the request ends (PostgreSQL restarted
    # or failed over, its backend terminated): the ROLLBACK that ends every request cannot reach
    # the database. Before, that error escaped the request's teardown and gunicorn answered with
    # its bare "Internal Server Error" in place of the page.
    user_id = make_user(app)

    @public
    def read_then_lose_the_connection():
        name = db.session.scalar(select(User.name))  # opens the request's transaction
        db.session.connection().connection.dbapi_connection.close()
        return f"made for {name}"

    app.add_url_rule("/read-then-lose", view_func=read_then_lose_the_connection)
    client = sign_in_as(app.test_client(), user_id)

    response = client.get("/read-then-lose")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "made for Dana Trainee"
    assert client.get("/dashboard").status_code == 200  # the pool gives the next request a live one


@pytest.mark.parametrize(
    "driver_error",
    [
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.SerializationFailure("could not serialize access"),
        sqlite3.OperationalError("database is locked"),
    ],
    ids=["deadlock", "serialization", "sqlite-locked"],
)
def test_a_request_that_lost_a_conflict_is_told_to_send_it_again_not_that_the_site_is_down(
    app, driver_error
):
    # Found erasing a trainee while they submitted quizzes on PostgreSQL: the loser of a
    # deadlock was told "We cannot reach our records", and "Nothing you saved before has been
    # lost", which says nothing of what they had just sent.
    user_id = make_user(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @public
    def lose_a_conflict():
        db.session.execute(update(User).where(User.id == user_id).values(name="Changed"))
        raise OperationalError("UPDATE user_account ...", {}, driver_error)

    app.add_url_rule("/conflict", view_func=lose_a_conflict)
    client = sign_in_as(app.test_client(), user_id)

    response = client.get("/conflict")

    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "That did not go through" in page and "was not saved. Go back and send it again" in page
    assert "Need help right now?" in page
    with app.app_context():  # what the request had written was rolled back
        assert db.session.get(User, user_id).name == "Dana Trainee"
