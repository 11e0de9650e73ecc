"""The accounts service: creating accounts, the password rules, changing a password."""

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import lms
from lms.extensions import db
from lms.models import User
from lms.services.people import accounts
from lms.services.people.accounts import AccountError, SignInRefused

PASSWORD = "a calm river at dawn"
T0 = datetime(2026, 11, 21, 13, 50, tzinfo=UTC)
MISMATCH = "That email and password do not match. Check them and try again."


@pytest.fixture
def dana(app_ctx):
    return accounts.register("Dana@Example.org ", "Dana Trainee", PASSWORD)


def refusal(email, password, now):
    with pytest.raises(SignInRefused) as caught:
        accounts.authenticate(email, password, now=now)
    return str(caught.value)


# --- creating accounts ----------------------------------------------------------------------------


def test_register_makes_a_trainee_with_an_scrypt_hash_and_a_normalised_email(dana):
    user = db.session.scalar(select(User))

    assert user.email == "dana@example.org"
    assert user.role_names == {"trainee"}
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("email", "name", "password", "field", "message"),
    [
        ("", "Dana", PASSWORD, "email", "Enter your email address."),
        (
            "dana.example.org",
            "Dana",
            PASSWORD,
            "email",
            "Enter an email address in the form name@example.org.",
        ),
        (
            "dana@example",
            "Dana",
            PASSWORD,
            "email",
            "Enter an email address in the form name@example.org.",
        ),
        (
            "dana@example.org",
            "  ",
            PASSWORD,
            "name",
            "Enter your name, as you would like it shown on your certificate.",
        ),
        (
            "dana@example.org",
            "D" * 201,
            PASSWORD,
            "name",
            "Shorten your name to 200 characters or fewer.",
        ),
        (
            "dana@example.org",
            "Dana",
            "too short",
            "password",
            "Choose a password of at least 10 characters. "
            "A short sentence you will remember works well.",
        ),
        (
            "dana@example.org",
            "Dana",
            "Password123",
            "password",
            "That password is one of the most common ones, so it is easy to guess. "
            "Choose a different one: a short sentence you will remember works well.",
        ),
        (
            "dana@example.org",
            "Dana",
            "QWERTYUIOP",
            "password",
            "That password is one of the most common ones, so it is easy to guess. "
            "Choose a different one: a short sentence you will remember works well.",
        ),
        (
            "dana@example.org",
            "Dana",
            "Dana@Example.org",
            "password",
            "Your password cannot be your email address. Choose something different.",
        ),
    ],
)
def test_register_refuses_each_rule_with_its_message(
    app_ctx, email, name, password, field, message
):
    with pytest.raises(AccountError) as caught:
        accounts.register(email, name, password)

    assert caught.value.problems == {field: message}
    assert db.session.scalar(select(User)) is None


def test_ten_characters_are_long_enough(app_ctx):
    assert accounts.register("dana@example.org", "Dana", "short pass").id


def test_register_reports_every_problem_at_once(app_ctx):
    with pytest.raises(AccountError) as caught:
        accounts.register("nope", "", "1234567890")

    assert set(caught.value.problems) == {"email", "name", "password"}


def test_an_email_can_have_only_one_account(dana):
    with pytest.raises(AccountError) as caught:
        accounts.register("DANA@example.org", "Another Dana", "another long passphrase")

    assert caught.value.problems == {
        "email": "An account already uses this email. Sign in, or reset its password."
    }
    assert len(db.session.scalars(select(User)).all()) == 1


def test_the_common_password_list_ships_with_the_package_and_says_where_it_came_from():
    path = Path(lms.__file__).parent / "data" / "common_passwords.txt"
    text = path.read_text("utf-8")
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())

    assert "data/*.txt" in pyproject["tool"]["setuptools"]["package-data"]["lms"]
    assert text.startswith("# ") and "Where it came from" in text
    common = accounts.common_passwords()
    assert len(common) > 500
    assert sum(len(p) >= 10 for p in common) > 400
    assert all(p == p.lower() for p in common)
    assert {"password", "1234567890", "qwertyuiop", "iloveyou123"} <= common


def test_create_account_without_a_password_makes_one_that_signs_in(app_ctx):
    user, generated = accounts.create_account("sam@example.org", "Sam", ["supervisor", "staff"])

    assert len(generated) == 14 and generated.count("-") == 2
    assert user.role_names == {"supervisor", "staff"}
    assert accounts.authenticate("sam@example.org", generated, now=T0).id == user.id


def test_create_account_checks_roles(app_ctx):
    staff, _ = accounts.create_account("pat@example.org", "Pat", ["staff"], PASSWORD)
    admin, _ = accounts.create_account("alex@example.org", "Alex", ["admin"], PASSWORD)

    with pytest.raises(AccountError) as unknown:
        accounts.create_account("a@example.org", "A", ["boss"], PASSWORD)
    with pytest.raises(AccountError) as none:
        accounts.create_account("a@example.org", "A", [], PASSWORD)
    with pytest.raises(AccountError) as not_allowed:
        accounts.create_account("a@example.org", "A", ["admin"], PASSWORD, granted_by=staff)

    assert unknown.value.problems == {
        "roles": "There is no role 'boss': use one of trainee, supervisor, author, staff, admin."
    }
    assert none.value.problems == {"roles": "Choose at least one role."}
    assert not_allowed.value.problems == {
        "roles": "Only an admin can give the admin role. Choose another role."
    }
    made, _ = accounts.create_account("b@example.org", "B", ["admin"], PASSWORD, granted_by=admin)
    assert made.role_names == {"admin"}


# --- changing a password --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        (
            "wrong current",
            "a new long passphrase",
            "current_password",
            "That is not your current password. Type it again, or sign out and use “Forgot your "
            "password?” to choose a new one.",
        ),
        (
            PASSWORD,
            "too short",
            "new_password",
            "Choose a password of at least 10 characters. "
            "A short sentence you will remember works well.",
        ),
        (
            PASSWORD,
            "iloveyou123",
            "new_password",
            "That password is one of the most common ones, so it is easy to guess. "
            "Choose a different one: a short sentence you will remember works well.",
        ),
    ],
)
def test_change_password_refuses_with_a_message(dana, current, new, field, message):
    before = dana.password_hash
    with pytest.raises(AccountError) as caught:
        accounts.change_password(dana, current, new)

    assert caught.value.problems == {field: message}
    assert dana.password_hash == before


def test_change_password_sets_the_new_one(dana):
    accounts.change_password(dana, PASSWORD, "a new long passphrase")

    assert refusal("dana@example.org", PASSWORD, T0) == MISMATCH
    assert accounts.authenticate("dana@example.org", "a new long passphrase", now=T0).id == dana.id
