"""Sessions end when they should: sign-out, a new password and a reset end them everywhere (a
copied cookie stops working), and a session ends by itself when idle or too old."""

from datetime import timedelta

from sqlalchemy import delete, select, update

from lms.extensions import db
from lms.models import User, UserRole, UserSession
from lms.models.types import utcnow
from lms.services.people import accounts, password_reset
from tests.auth import PASSWORD, make_user, post_form, sign_in
from tests.statements import recorded_statements
from tests.web.test_email_settings import checked

NEW_PASSWORD = "a brand new passphrase"


def signed_in(client):
    """Does this client reach a signed-in page, or is it sent to sign in?"""
    response = client.get("/dashboard")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def copy_of(app, client):
    """Another browser holding a copy of this client's session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in_client(app):
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


def age_sessions(app, idle=timedelta(0), age=timedelta(0)):
    """Move every session's last request `idle` and its sign-in `age` into the past."""
    with app.app_context():
        now = utcnow()
        db.session.execute(
            update(UserSession).values(last_seen_at=now - idle, created_at=now - age - idle)
        )
        db.session.commit()


def test_after_sign_out_a_copied_cookie_no_longer_signs_in(app):
    make_user(app)
    client = signed_in_client(app)
    thief = copy_of(app, client)
    assert signed_in(thief)  # the copy works while the session lasts

    post_form(client, "/sign-out", {}, page="/dashboard")

    assert not signed_in(client)
    assert not signed_in(thief)
    response = thief.get("/dashboard")
    assert response.headers["Location"].startswith("/sign-in")


def test_a_password_change_signs_out_every_other_session_but_not_this_one(app):
    make_user(app)
    laptop, phone = signed_in_client(app), signed_in_client(app)
    stolen = copy_of(app, phone)

    response = post_form(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert "Your password has been changed." in laptop.get("/dashboard").get_data(as_text=True)
    assert signed_in(laptop)
    assert not signed_in(phone)
    assert not signed_in(stolen)


def test_a_password_reset_signs_out_every_session(app):
    user_id = make_user(app)
    laptop, phone = signed_in_client(app), signed_in_client(app)
    with app.app_context():
        token = password_reset.make_reset_token(db.session.get(User, user_id), "test-secret")

    other = app.test_client()
    response = post_form(other, f"/reset-password/{token}", {"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert not signed_in(laptop)
    assert not signed_in(phone)


def test_a_new_password_set_from_the_command_line_signs_out_every_session(app):
    make_user(app)
    client = signed_in_client(app)

    with app.app_context():
        accounts.ensure_user("dana@example.org", "Dana Trainee", ["trainee"], NEW_PASSWORD)

    assert not signed_in(client)


def test_an_idle_session_ends_after_the_configured_minutes(app):
    app.config["LMS_SESSION_IDLE_MINUTES"] = 20
    make_user(app)
    client = signed_in_client(app)

    age_sessions(app, idle=timedelta(minutes=19))
    assert signed_in(client)  # and that request counts as activity

    age_sessions(app, idle=timedelta(minutes=21))
    assert not signed_in(client)
    assert "/sign-in?next=/dashboard" in client.get("/dashboard").headers["Location"]


def test_a_session_ends_after_its_lifetime_however_active(app):
    app.config["LMS_SESSION_MAX_HOURS"] = 8
    make_user(app)
    client = signed_in_client(app)

    age_sessions(app, age=timedelta(hours=7, minutes=59))
    assert signed_in(client)

    age_sessions(app, age=timedelta(hours=8, minutes=1))
    assert not signed_in(client)


def test_activity_is_written_at_most_every_few_minutes(app):
    make_user(app)
    client = signed_in_client(app)
    age_sessions(app, idle=timedelta(minutes=1))

    def writes(statements):
        return [s for s in statements if s.startswith("UPDATE user_session SET last_seen_at=")]

    with recorded_statements(app) as statements:
        for _ in range(3):
            assert signed_in(client)
        assert writes(statements) == []  # seen a minute ago: nothing to write

        age_sessions(app, idle=timedelta(minutes=6))
        assert signed_in(client)
        assert signed_in(client)
    assert len(writes(statements)) == 1
    with app.app_context():
        last_seen = db.session.scalar(select(UserSession.last_seen_at))
    assert utcnow() - last_seen < timedelta(minutes=1)


def test_an_erased_account_is_signed_out(app):
    user_id = make_user(app)
    client = signed_in_client(app)
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(erased_at=utcnow()))
        db.session.commit()

    assert not signed_in(client)


def test_the_database_holds_a_digest_not_the_cookie_token(app):
    make_user(app)
    client = signed_in_client(app)

    with client.session_transaction() as session:
        token = session["_sid"]
    with app.app_context():
        [stored] = db.session.scalars(select(UserSession.id)).all()
    assert token and stored != token and len(stored) == 64


def test_expired_sessions_are_deleted_when_anyone_signs_in(app):
    make_user(app)
    make_user(app, email="sam@example.org", name="Sam")
    signed_in_client(app)
    age_sessions(app, idle=timedelta(hours=1))

    sign_in(app.test_client(), email="sam@example.org")

    with app.app_context():
        [(user_email,)] = db.session.execute(
            select(User.email).join(UserSession, UserSession.user_id == User.id)
        ).all()
    assert user_email == "sam@example.org"


def test_checking_the_session_is_the_query_that_loads_the_account(app):
    make_user(app)
    client = signed_in_client(app)
    with recorded_statements(app) as sent:
        assert client.get("/healthz").status_code == 200

    statements = [" ".join(statement.split()) for statement in sent]
    touching_sessions = [s for s in statements if "user_session" in s]
    loading_accounts = [s for s in statements if "FROM user_account" in s]
    assert len(touching_sessions) == 1 and touching_sessions == loading_accounts
    assert "JOIN user_session" in touching_sessions[0]


# The account's query is built once per worker (services/people/sessions.py); these check that each
# request still reads the session and the roles afresh, as another worker changes them.


def test_a_session_row_deleted_elsewhere_ends_the_session_on_the_next_request(app):
    make_user(app)
    client = signed_in_client(app)
    assert signed_in(client)
    with app.app_context():  # as another worker signing this person out would
        db.session.execute(delete(UserSession))
        db.session.commit()

    response = client.get("/dashboard")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_role_removed_takes_effect_on_the_next_request(app):
    user_id = make_user(app, roles=("trainee", "staff"))
    client = signed_in_client(app)
    assert client.get("/staff/").status_code == 200
    with app.app_context():  # as an admin on another worker would
        db.session.execute(
            delete(UserRole).where(UserRole.user_id == user_id, UserRole.role == "staff")
        )
        db.session.commit()

    response = client.get("/staff/")

    assert response.status_code == 403
    assert "Your account cannot open this page." in response.get_data(as_text=True)
    assert signed_in(client)  # still signed in, as a trainee


def test_the_signed_in_account_carries_every_role_and_its_current_details(app):
    user_id = make_user(app, roles=("trainee", "supervisor", "staff"))
    client = signed_in_client(app)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Dana Trainee" in page
    assert "Hours to review" in page and "Staff tools" in page  # supervisor's and staff's links
    assert "Course workspace" not in page  # an author's link: not one of the roles
    with app.app_context():  # as the person, or an admin, on another worker would
        db.session.execute(
            update(User).where(User.id == user_id).values(name="Dana Q", quiet_emails=True)
        )
        db.session.execute(delete(UserRole).where(UserRole.user_id == user_id))
        db.session.commit()

    page = client.get("/dashboard").get_data(as_text=True)
    emails = client.get("/account/emails").get_data(as_text=True)

    assert "Dana Q" in page
    assert "Hours to review" not in page and "Staff tools" not in page  # no role left
    assert checked(emails) == "essential"
