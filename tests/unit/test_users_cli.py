"""`lms users create` and `lms users reset-link`."""

import re

from sqlalchemy import select

from lms.extensions import db
from lms.models import User
from lms.services.people import accounts, password_reset


def test_create_prints_a_made_password_that_signs_in(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Sam@Example.org",
            "--name",
            "Sam Supervisor",
            "--role",
            "supervisor",
            "--role",
            "staff",
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Created the account of Sam Supervisor <sam@example.org> (staff, supervisor)." in (
        result.output
    )
    password = re.search(r"hand it over privately\): (\S+)", result.output).group(1)
    with app.app_context():
        assert accounts.authenticate("sam@example.org", password).role_names == {
            "staff",
            "supervisor",
        }


def test_create_with_a_password_prints_none(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "t@example.org",
            "--name",
            "T",
            "--role",
            "trainee",
            "--password",
            "a calm river at dawn",
        ]
    )

    assert result.exit_code == 0 and "Password" not in result.output


def test_create_explains_a_bad_role_email_or_password_and_exits_1(app, runner):
    bad_role = runner.invoke(
        args=["users", "create", "--email", "t@example.org", "--name", "T", "--role", "boss"]
    )
    bad_details = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "nope",
            "--name",
            "T",
            "--role",
            "trainee",
            "--password",
            "qwertyuiop",
        ]
    )

    assert bad_role.exit_code == 1
    assert (
        "Error: roles: There is no role 'boss': use one of trainee, supervisor, author, staff, "
        "admin." in bad_role.output
    )
    assert bad_details.exit_code == 1
    assert "Error: email: Enter an email address in the form name@example.org." in (
        bad_details.output
    )
    assert "Error: password: That password is one of the most common ones" in bad_details.output
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_create_refuses_a_taken_email(app, runner):
    args = ["users", "create", "--email", "t@example.org", "--name", "T", "--role", "trainee"]
    assert runner.invoke(args=args).exit_code == 0

    again = runner.invoke(args=[*args[:-1], "admin"])

    assert again.exit_code == 1
    assert "Error: email: An account already uses this email." in again.output


def test_reset_link_prints_a_path_or_a_full_link(app, runner):
    runner.invoke(
        args=["users", "create", "--email", "t@example.org", "--name", "Tia", "--role", "trainee"]
    )

    path_only = runner.invoke(args=["users", "reset-link", "T@example.org"])
    app.config["LMS_BASE_URL"] = "https://training.example.org"
    full = runner.invoke(args=["users", "reset-link", "t@example.org"])
    missing = runner.invoke(args=["users", "reset-link", "nobody@example.org"])

    assert path_only.exit_code == 0
    assert "Reset link for Tia <t@example.org>; it works for one hour, once:" in path_only.output
    assert "LMS_BASE_URL is not set" in path_only.output
    path = path_only.stdout.strip()
    assert path.startswith("/reset-password/")
    assert full.stdout.strip().startswith("https://training.example.org/reset-password/")
    with app.app_context():
        token = path.rsplit("/", 1)[1]
        assert password_reset.user_from_reset_token(token, app.config["SECRET_KEY"]).name == "Tia"
    assert missing.exit_code == 1
    assert "Error: no account uses nobody@example.org." in missing.output
