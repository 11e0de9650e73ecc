"""Accounts for tests: make one in the database, and sign in through the pages as a browser does
(CSRF on: fetch the form, send its token back)."""

from urllib.parse import urlencode

from lms.services.people import accounts
from tests.conftest import csrf_token

PASSWORD = "a calm river at dawn"


def make_user(
    app, email="dana@example.org", name="Dana Trainee", roles=("trainee",), password=PASSWORD
):
    """Create an account (committed) and return its id."""
    with app.app_context():
        user, _ = accounts.create_account(email, name, list(roles), password)
        return user.id


def form_token(client, path):
    """The CSRF token of the form at `path`."""
    return csrf_token(client.get(path).get_data(as_text=True))


def post_form(client, path, data, page=None):
    """Fetch the form (at `page`, default `path`), then post `data` to `path` with its token."""
    return client.post(path, data={"csrf_token": form_token(client, page or path), **data})


def sign_in(client, email="dana@example.org", password=PASSWORD, next=None):
    path = "/sign-in" + ("?" + urlencode({"next": next}) if next else "")
    return post_form(client, path, {"email": email, "password": password}, page="/sign-in")
