"""Staff create accounts: with a password they choose, or with one made and shown once."""

import re

from sqlalchemy import select

from lms.extensions import db
from lms.models import User
from tests.auth import form_token, make_user, post_form, sign_in


def html(response):
    return response.get_data(as_text=True)


def staff_client(app, client, roles=("staff",)):
    make_user(app, email="pat@example.org", name="Pat Staff", roles=roles)
    sign_in(client, "pat@example.org")
    return client


def test_staff_create_an_account_with_a_made_password_shown_once(app, client):
    staff_client(app, client)

    response = post_form(
        client,
        "/staff/users/new",
        {
            "name": "Sam Supervisor",
            "email": "Sam@Example.org",
            "roles": ["supervisor", "trainee"],
            "password": "",
        },
    )

    page = html(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert "<h1>Account created</h1>" in page
    assert "sam@example.org" in page and "Trainee, Supervisor" in page
    assert "This password is shown only this once." in page
    password = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sam@example.org"))
        assert user.role_names == {"supervisor", "trainee"}
    assert sign_in(app.test_client(), "sam@example.org", password).status_code == 302


def test_staff_create_an_account_with_a_chosen_password(app, client):
    staff_client(app, client)

    page = html(
        post_form(
            client,
            "/staff/users/new",
            {
                "name": "Tia",
                "email": "tia@example.org",
                "roles": ["trainee"],
                "password": "tia's own passphrase",
            },
        )
    )

    assert "<h1>Account created</h1>" in page and 'class="secret"' not in page
    assert sign_in(app.test_client(), "tia@example.org", "tia's own passphrase").status_code == 302


def test_the_staff_form_shows_problems_beside_their_fields(app, client):
    staff_client(app, client)
    make_user(app, email="taken@example.org")

    page = html(
        post_form(
            client,
            "/staff/users/new",
            {"name": "", "email": "taken@example.org", "password": "short"},
        )
    )

    assert 'id="name-error"><strong>Error:</strong> Enter your name' in page
    assert 'id="roles-error"><strong>Error:</strong> Choose at least one role.' in page
    assert 'id="password-error"><strong>Error:</strong> Choose a password of at least 10' in page
    page = html(
        post_form(
            client,
            "/staff/users/new",
            {"name": "T", "email": "taken@example.org", "roles": ["trainee"]},
        )
    )
    assert "An account already uses this email." in page


def test_only_an_admin_can_make_an_admin(app, client):
    staff_client(app, client)

    form = html(client.get("/staff/users/new"))
    page = html(
        post_form(
            client,
            "/staff/users/new",
            {"name": "Eve", "email": "eve@example.org", "roles": ["admin"]},
        )
    )

    assert 'value="admin"' not in form and 'value="staff"' in form
    assert "Only an admin can give the admin role. Choose another role." in page
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "eve@example.org")) is None
    admin = app.test_client()
    make_user(app, email="kim@example.org", roles=("admin",))
    sign_in(admin, "kim@example.org")
    assert 'value="admin"' in html(admin.get("/staff/users/new"))
    made = post_form(
        admin, "/staff/users/new", {"name": "Eve", "email": "eve@example.org", "roles": ["admin"]}
    )
    assert "<h1>Account created</h1>" in html(made)


def test_a_post_with_no_fields_at_all_gets_the_form_with_its_problems(app, client):
    # The token in its header, the body empty (or not a form): every field is missing, the roles
    # too, which WTForms then leaves as None rather than an empty list.
    staff_client(app, client)
    token = form_token(client, "/staff/users/new")

    for body, content_type in (("", "application/x-www-form-urlencoded"), ("{}", "text/plain")):
        response = client.post(
            "/staff/users/new",
            data=body,
            headers={"X-CSRFToken": token, "Content-Type": content_type},
        )

        page = html(response)
        assert response.status_code == 200
        assert 'id="roles-error"><strong>Error:</strong> Choose at least one role.' in page
        assert 'id="name-error"><strong>Error:</strong> Enter your name' in page
