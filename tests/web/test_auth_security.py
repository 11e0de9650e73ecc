"""The protections around accounts: CSRF tokens, the session cookie and its renewal on sign-in,
where `next` may lead, and names shown as text."""

import re

import pytest
from sqlalchemy import func, select

from lms import create_app
from lms.extensions import db
from lms.models import User
from tests.auth import PASSWORD, make_user, sign_in
from tests.xss import assert_no_script


def html(response):
    return response.get_data(as_text=True)


def header(page):
    return page[page.index("<header") : page.index("</header>")]


@pytest.mark.parametrize(
    ("next_value", "location"),
    [
        ("/courses/sample-course/?tab=modules", "/courses/sample-course/?tab=modules"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/path", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
        ("http:/evil.example", "/dashboard"),
    ],
)
def test_next_only_leads_to_a_page_on_this_site(app, client, next_value, location):
    make_user(app)

    response = sign_in(client, next=next_value)

    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_signing_in_starts_a_new_session(app, client):
    make_user(app)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"

    sign_in(client)

    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"]


def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(app, client):
    make_user(app)

    sign_up = client.post(
        "/sign-up", data={"name": "Eve", "email": "eve@example.org", "password": PASSWORD}
    )
    sign_in_response = client.post(
        "/sign-in", data={"email": "dana@example.org", "password": PASSWORD}
    )

    assert sign_up.status_code == 400 and sign_in_response.status_code == 400
    assert "Go back, reload the page and try again." in html(sign_up)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert "Sign out" not in html(client.get("/"))


def test_the_session_cookie_is_httponly_and_samesite_lax(app, client):
    make_user(app)

    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]

    assert response.status_code == 302 and cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_in_production_the_session_cookie_is_also_secure(monkeypatch, app):
    del app.config["PASSWORD_METHOD"]  # hashed at the full cost, the only one production accepts
    make_user(app)
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_SECRET_KEY", "p" * 64)
    monkeypatch.setenv("LMS_BASE_URL", "https://training.example.org")
    monkeypatch.setenv("LMS_ISSUER_KEYS", app.config["LMS_ISSUER_KEYS"])
    monkeypatch.setenv("LMS_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_QUEUE_FILE", app.config["LMS_QUEUE_FILE"])  # one machine
    production = create_app()
    client = production.test_client()

    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]

    assert response.status_code == 302
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with production.app_context():
        db.engine.dispose()


def test_a_name_with_markup_is_shown_as_text(app, client):
    make_user(app, name="<script>alert(1)</script>")

    sign_in(client)
    page = html(client.get("/"))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in header(page)
    assert_no_script(page, "home page", page=True, allow_tags=("form", "input", "button"))


def test_every_account_page_has_one_h1_and_a_label_for_every_input(app, client):
    make_user(app, email="pat@example.org", roles=("staff",))
    pages = {path: html(client.get(path)) for path in ("/sign-up", "/sign-in", "/forgot-password")}
    sign_in(client, "pat@example.org")
    for path in ("/account/password", "/staff/users/new", "/staff/reset-link"):
        pages[path] = html(client.get(path))

    for path, page in pages.items():
        assert len(re.findall(r"<h1[ >]", page)) == 1, path
        assert '<html lang="en">' in page
        inputs = re.findall(r"<input [^>]*>", page)
        for tag in inputs:
            if 'type="hidden"' in tag:
                continue
            input_id = re.search(r'id="([^"]+)"', tag).group(1)
            assert f'<label for="{input_id}">' in page, (path, tag)
        assert_no_script(page, path, page=True, allow_tags=("form", "input", "button"))
