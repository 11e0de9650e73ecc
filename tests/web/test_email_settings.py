"""A holder's email settings: switching off reminders and digests (User.quiet_emails); essential
emails are always sent (tested in tests/unit/test_reminders.py)."""

import re

import pytest

from lms.extensions import db
from lms.models import User
from tests.auth import make_user
from tests.conftest import csrf_token, sign_in_as

SAVED = "Your email settings are saved."
CHOOSE = "Choose which emails you want: all of them, or only the essential ones."


def html(response):
    return response.get_data(as_text=True)


def quiet(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).quiet_emails


def save(client, choice):
    token = csrf_token(html(client.get("/account/emails")))
    data = {"csrf_token": token} if choice is None else {"csrf_token": token, "emails": choice}
    return client.post("/account/emails", data=data)


def checked(page):
    [value] = [
        re.search(r'value="([^"]+)"', tag)[1]
        for tag in re.findall(r"<input[^>]*>", page)
        if 'name="emails"' in tag and "checked" in tag
    ]
    return value


@pytest.fixture
def holder(app, client):
    user_id = make_user(app)
    sign_in_as(client, user_id)
    return user_id


def test_all_emails_are_on_until_switched_off_and_back_on(app, client, holder):
    page = html(client.get("/account/emails"))
    assert "<h1>Email settings</h1>" in page
    assert checked(page) == "all"

    saved = save(client, "essential")
    assert saved.status_code == 302 and saved.headers["Location"] == "/account/emails"
    assert quiet(app, holder) is True
    page = html(client.get("/account/emails"))
    assert SAVED in page and checked(page) == "essential"

    save(client, "all")
    assert quiet(app, holder) is False


@pytest.mark.parametrize("choice", [None, "", "some"])
def test_a_choice_that_is_not_offered_is_refused_beside_the_field(app, client, holder, choice):
    response = save(client, choice)

    assert response.status_code in (200, 422)
    assert CHOOSE in html(response) and "Error: " in html(response)
    assert quiet(app, holder) is False


def test_a_choice_with_a_nul_is_refused(app, client, holder):
    response = save(client, "essential\x00")

    assert response.status_code == 422 and quiet(app, holder) is False


def test_a_hostile_choice_is_not_shown_back(app, client, holder):
    response = save(client, "<script>alert(1)</script>")

    assert CHOOSE in html(response) and "<script>alert(1)" not in html(response)


def test_the_account_page_links_to_email_settings(client, holder):
    assert 'href="/account/emails">Email settings</a>' in html(client.get("/account/password"))


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/account/emails")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
