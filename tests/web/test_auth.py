"""Sign-up, sign-in (and its throttle), sign-out, changing a password, CSRF and the session cookie,
through the pages with CSRF on."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from lms import create_app
from lms.extensions import db
from lms.models import SignInThrottle, User
from tests.auth import PASSWORD, make_user, post_form, sign_in

MISMATCH = "That email and password do not match. Check them and try again."
WAIT = "Too many tries. Wait 30 seconds, then try again."


def html(response):
    return response.get_data(as_text=True)


def users(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def header(page):
    return page[page.index("<header") : page.index("</header>")]


def error_beside(page, field, message):
    """True when `message` is shown as the error of `field`, and the input points at it."""
    shown = f'<p class="field-error" id="{field}-error"><strong>Error:</strong> {message}</p>'
    described = re.search(
        rf'<input aria-describedby="[^"]*{field}-error" aria-invalid="true"', page
    )
    return shown in page and described is not None


# --- sign-up ----------------------------------------------------------------------------------


def test_sign_up_makes_a_trainee_and_signs_them_in(app, client):
    response = post_form(
        client,
        "/sign-up",
        {"name": "Dana Trainee", "email": "Dana@Example.org", "password": PASSWORD},
    )

    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    page = html(client.get("/dashboard"))
    assert "Welcome, Dana Trainee. Your account is ready." in page
    assert "Dana Trainee" in header(page) and "Sign out" in header(page)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.role_names) == ("dana@example.org", {"trainee"})


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": ""}, "email", "Enter your email address."),
        (
            {"email": "dana-at-example.org"},
            "email",
            "Enter an email address in the form name@example.org.",
        ),
        ({"name": ""}, "name", "Enter your name, as you would like it shown on your certificate."),
        (
            {"password": "too short"},
            "password",
            "Choose a password of at least 10 characters. "
            "A short sentence you will remember works well.",
        ),
        (
            {"password": "password123"},
            "password",
            "That password is one of the most common ones, so it is easy to guess. "
            "Choose a different one: a short sentence you will remember works well.",
        ),
        (
            {"password": "dana@example.org"},
            "password",
            "Your password cannot be your email address. Choose something different.",
        ),
    ],
)
def test_sign_up_shows_each_problem_beside_its_field(app, client, data, field, message):
    form = {"name": "Dana", "email": "dana@example.org", "password": PASSWORD, **data}

    response = post_form(client, "/sign-up", form)

    page = html(response)
    assert response.status_code == 200
    assert error_beside(page, field, message), page
    assert len(re.findall("<h1", page)) == 1
    assert users(app) == 0


def test_a_form_with_fields_left_out_gets_messages_not_an_error(app, client):
    for path in ("/sign-up", "/sign-in"):
        response = post_form(client, path, {})

        assert response.status_code == 200
        assert error_beside(html(response), "email", "Enter your email address.")
    assert users(app) == 0


def test_sign_up_with_a_taken_email_says_so(app, client):
    make_user(app)

    page = html(
        post_form(
            client,
            "/sign-up",
            {"name": "D", "email": "DANA@example.org", "password": "another long pass"},
        )
    )

    assert error_beside(
        page, "email", "An account already uses this email. Sign in, or reset its password."
    )


def test_with_registration_off_staff_create_accounts(app, client):
    app.config["LMS_OPEN_REGISTRATION"] = False

    page = html(client.get("/sign-up"))
    form = {"name": "D", "email": "d@example.org", "password": PASSWORD}
    response = post_form(client, "/sign-up", form, page="/sign-in")

    assert "<h1>Accounts are made by staff</h1>" in page
    assert "ask your program staff to make an account for you" in page
    assert "Sign up" not in header(page) and "Sign up" not in html(client.get("/sign-in"))
    assert response.status_code == 403 and "<h1>Accounts are made by staff</h1>" in html(response)
    assert users(app) == 0


def test_registration_is_on_unless_the_setting_says_0(monkeypatch, app):
    monkeypatch.setenv("LMS_OPEN_REGISTRATION", "0")
    closed = create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.delenv("LMS_OPEN_REGISTRATION")
    open_ = create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert closed.config["LMS_OPEN_REGISTRATION"] is False
    assert open_.config["LMS_OPEN_REGISTRATION"] is True


# --- sign-in ----------------------------------------------------------------------------------


def test_sign_in_leads_to_my_learning_and_shows_the_person_in_the_header(app, client):
    make_user(app, roles=("trainee",))

    response = sign_in(client, "  DANA@example.org", PASSWORD)

    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    top = header(html(client.get("/")))
    assert "Dana Trainee" in top and "Change password" in top and "Sign out" in top
    assert "Staff tools" not in top and "Sign in" not in top


def test_each_person_lands_on_the_page_of_their_work(app):
    landings = {
        ("trainee",): "/dashboard",
        ("trainee", "staff"): "/dashboard",  # their own learning comes first
        ("staff",): "/staff/",
        ("admin", "supervisor"): "/staff/",
        ("author",): "/staff/workspace/",
        ("supervisor",): "/supervise/",
        ("supervisor", "author"): "/staff/workspace/",
    }
    for number, (roles, landing) in enumerate(landings.items()):
        email = f"person{number}@example.org"
        make_user(app, email=email, name=f"Person {number}", roles=roles)
        client = app.test_client()
        response = sign_in(client, email)
        assert response.headers["Location"] == landing, roles
        assert client.get(landing).status_code == 200, roles
        # Signed in already, the sign-in page sends them to the same place.
        assert client.get("/sign-in").headers["Location"] == landing, roles


def test_staff_see_staff_tools_in_the_header(app, client):
    make_user(app, email="pat@example.org", name="Pat Staff", roles=("staff",))

    sign_in(client, "pat@example.org")

    assert 'href="/staff/">Staff tools<' in header(html(client.get("/")))


def test_wrong_password_and_unknown_email_get_identical_pages(app, client):
    make_user(app)

    wrong_password = sign_in(client, "dana@example.org", "not my password")
    unknown_email = sign_in(client, "nobody@example.org", "not my password")

    def shape(response, email):
        page = re.sub(r'value="[^"]*\.[^"]*\.[^"]*"', "TOKEN", html(response))  # CSRF tokens
        return response.status_code, response.headers.get("Location"), page.replace(email, "EMAIL")

    assert shape(wrong_password, "dana@example.org") == shape(unknown_email, "nobody@example.org")
    assert MISMATCH in html(wrong_password)
    assert wrong_password.status_code == 200


def test_empty_sign_in_fields_say_what_to_type(client):
    page = html(sign_in(client, "", ""))

    assert error_beside(page, "email", "Enter your email address.")
    assert error_beside(page, "password", "Enter your password.")


@pytest.mark.parametrize("email", ["dana@example.org", "nobody@example.org"])
def test_the_fifth_failure_asks_to_wait_and_the_tenth_pauses(app, client, email):
    make_user(app)
    for _ in range(4):
        assert MISMATCH in html(sign_in(client, email, "wrong guess"))

    assert WAIT in html(sign_in(client, email, "wrong guess"))
    assert WAIT in html(sign_in(client, email, PASSWORD))  # right or not: not checked while waiting

    with app.app_context():  # the wait is over, and this is the 9th failure so far
        row = db.session.get(SignInThrottle, email)
        row.failures, row.last_failure_at = 9, datetime(2026, 1, 1, tzinfo=UTC)
        db.session.commit()
    page = html(sign_in(client, email, "wrong guess"))
    assert re.search(
        r"Sign-in for this email is paused for 15 minutes after too many tries\. "
        r"Try again after \d\d?:\d\d [AP]M E[SD]T, or reset your password\.",
        page,
    ), page
    with app.app_context():  # a pause ending at a known time shows that time
        db.session.get(SignInThrottle, email).locked_until = datetime(2999, 1, 1, 14, 5, tzinfo=UTC)
        db.session.commit()
    # 14:05 UTC is 9:05 AM in New York (LMS_TIMEZONE), the time people read everywhere
    assert "Try again after 9:05 AM EST, or reset your password." in html(
        sign_in(client, email, PASSWORD)
    )
    assert "Sign out" not in html(client.get("/"))


def test_a_successful_sign_in_clears_the_failures(app, client):
    make_user(app)
    for _ in range(4):
        sign_in(client, "dana@example.org", "wrong guess")

    assert sign_in(client).status_code == 302

    with app.app_context():
        assert db.session.get(SignInThrottle, "dana@example.org") is None


# --- sign-out ---------------------------------------------------------------------------------


def test_sign_out_is_a_post_with_a_token(app, client):
    make_user(app)
    sign_in(client)
    home = html(client.get("/"))

    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400  # no CSRF token: still signed in
    assert "Sign out" in html(client.get("/"))
    token = re.search(
        r'action="/sign-out">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', home
    ).group(1)
    response = client.post("/sign-out", data={"csrf_token": token})

    assert response.status_code == 302
    page = html(client.get("/"))
    assert "You have signed out." in page
    assert "Sign in" in header(page) and "Sign out" not in header(page)
    assert client.get("/account/password").status_code == 302  # back to signing in


# --- changing a password ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        (
            "wrong current",
            "a new long passphrase",
            "current_password",
            "That is not your current password. Type it again, or sign out and use "
            "“Forgot your password?” to choose a new one.",
        ),
        (PASSWORD, "too short", "new_password", "Choose a password of at least 10 characters."),
        (
            PASSWORD,
            "1234567890",
            "new_password",
            "That password is one of the most common ones, so it is easy to guess.",
        ),
    ],
)
def test_change_password_shows_each_problem(app, client, current, new, field, message):
    make_user(app)
    sign_in(client)

    page = html(
        post_form(client, "/account/password", {"current_password": current, "new_password": new})
    )

    assert re.search(rf'id="{field}-error"><strong>Error:</strong> {re.escape(message)}', page)
    assert f'aria-describedby="{field}-hint {field}-error" aria-invalid="true"' in page or (
        f'aria-describedby="{field}-error" aria-invalid="true"' in page
    )


def test_change_password_then_sign_in_with_the_new_one(app, client):
    make_user(app)
    sign_in(client)

    response = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a new long passphrase"},
    )

    assert response.status_code == 302
    assert "Your password has been changed." in html(client.get("/"))
    other = app.test_client()
    assert MISMATCH in html(sign_in(other, password=PASSWORD))
    assert sign_in(other, password="a new long passphrase").status_code == 302


def test_change_password_needs_signing_in(client):
    response = client.get("/account/password")

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/account/password"
