"""Sign-up never tells a stranger which addresses have accounts when it can tell the owner instead:
with email set up, the page answers the same whether or not the address is taken, and the owner
of the address gets the news by email."""

import re

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import User
from tests.auth import make_user, post_form
from tests.conftest import run_jobs
from tests.web.test_password_reset import inbox  # noqa: F401  (a real SMTP server started here)

PASSWORD = "a new and quiet passphrase"
TAKEN = "An account already uses this email. Sign in, or reset its password."


def sign_up(client, email):
    return post_form(client, "/sign-up", {"name": "Someone", "email": email, "password": PASSWORD})


def without_tokens(html):
    return re.sub(r'value="[^"]+"', "", html)


def test_with_email_a_taken_address_gets_the_same_answer_and_its_owner_an_email(app, inbox):  # noqa: F811
    make_user(app, email="dana@example.org")

    taken = sign_up(app.test_client(), "Dana@Example.org")
    new = sign_up(app.test_client(), "sam@example.org")

    assert taken.status_code == new.status_code == 200
    assert "<h1>Check your email</h1>" in taken.get_data(as_text=True)
    assert TAKEN not in taken.get_data(as_text=True)
    assert without_tokens(taken.get_data(as_text=True)) == without_tokens(
        new.get_data(as_text=True)
    )
    assert inbox.messages == []  # the worker sends them, not the request
    assert run_jobs(app) == 2
    mails = {recipients[0]: message for recipients, message in inbox.messages}
    assert set(mails) == {"dana@example.org", "sam@example.org"}
    to_owner = mails["dana@example.org"].get_content()
    assert "Someone tried to make a new account" in to_owner and "no new one was made" in to_owner
    assert "https://training.example.org/forgot-password" in to_owner
    to_new = mails["sam@example.org"].get_content()
    assert "Your account at" in to_new and "https://training.example.org/sign-in" in to_new
    assert mails["dana@example.org"]["Subject"] == mails["sam@example.org"]["Subject"]


def test_with_email_a_new_account_is_made_but_nobody_is_signed_in_by_the_form(app, inbox):  # noqa: F811
    client = app.test_client()

    sign_up(client, "sam@example.org")

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert client.get("/dashboard").status_code == 302  # sign in with the password chosen


def test_without_email_a_taken_address_is_said_plainly(app, client):
    make_user(app, email="dana@example.org")

    page = sign_up(client, "dana@example.org").get_data(as_text=True)

    assert TAKEN in page  # there is no other way to reach the owner: README, "Security decisions"
