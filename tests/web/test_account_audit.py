"""The audit log records what happens to an account's keys: who created an account with which
roles, a password changed or set through a reset link, and who made a reset link for whom (a
link signs its holder in). A sign-up grants nothing and is not recorded."""

import re

from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent
from lms.services.people import accounts
from tests.auth import PASSWORD, make_user, post_form, sign_in
from tests.conftest import sign_in_as

NEW_PASSWORD = "a brand new calm password"


def events(app):
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(e.action, e.actor_id, e.subject_id, e.summary) for e in rows]


def test_creating_an_account_records_who_gave_which_roles(app):
    admin = make_user(app, email="alex@example.org", name="Alex Admin", roles=("admin",))
    client = app.test_client()
    sign_in_as(client, admin)

    post_form(client, "/staff/users/new", {
        "email": "sam@example.org", "name": "Sam Supervisor", "roles": ["supervisor"],
        "password": "a long enough password here",
    })  # fmt: skip

    made = [e for e in events(app) if e[0] == "account.created"]
    # Sam by the admin; the admin, made on the command line, is not recorded.
    assert [(actor, summary) for _, actor, _, summary in made] == [
        (admin, "Account created with the roles supervisor"),
    ]
    staff_log = app.test_client()
    sign_in_as(staff_log, admin)
    page = staff_log.get("/staff/audit").get_data(as_text=True)
    assert "Account created" in page and "Account created with the roles supervisor" in page


def test_signing_up_records_nothing(app):
    post_form(app.test_client(), "/sign-up", {
        "email": "new@example.org", "name": "New Person", "password": "a long enough password",
    })  # fmt: skip
    with app.app_context():
        assert accounts.user_by_email("new@example.org").name == "New Person"
    assert [e for e in events(app) if e[0] == "account.created"] == []


def test_a_changed_password_is_recorded_without_the_password(app, client):
    dana = make_user(app)
    sign_in(client)

    post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
    })  # fmt: skip

    assert events(app)[-1] == ("password.changed", dana, dana, "Password changed by its owner")
    # A refused change records nothing.
    post_form(client, "/account/password", {
        "current_password": "wrong", "new_password": NEW_PASSWORD + " again",
    })  # fmt: skip
    assert [e[0] for e in events(app)].count("password.changed") == 1
    assert NEW_PASSWORD not in str(events(app))


def test_a_reset_link_made_by_staff_and_used_is_recorded(app, client):
    dana = make_user(app)
    pat = make_user(app, email="pat@example.org", name="Pat Staff", roles=("staff",))
    sign_in(client, "pat@example.org")

    page = post_form(client, "/staff/reset-link", {"email": "dana@example.org"}).get_data(True)
    path = re.search(r'<code class="secret">http://localhost(/reset-password/[^<]+)</code>', page)
    assert events(app)[-1][:3] == ("password.reset_link_made", pat, dana)

    post_form(app.test_client(), path.group(1), {"password": NEW_PASSWORD})

    assert events(app)[-1] == ("password.reset", dana, dana, "Password set through a reset link")
    assert path.group(1).split("/")[-1] not in str(events(app))  # the link itself is not kept
