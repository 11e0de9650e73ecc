"""Password-reset tokens: signed, single-use, good for one hour."""

from datetime import UTC, datetime, timedelta

import pytest

from lms.services.people import accounts, password_reset
from lms.services.people.accounts import AccountError
from lms.services.people.password_reset import ResetLinkInvalid

SECRET = "test-secret"
PASSWORD = "a calm river at dawn"
T0 = datetime(2026, 11, 21, 13, 50, tzinfo=UTC)
USED = "This link has already been used, or it is not complete. Ask for a new link."
EXPIRED = (
    "This link has expired: links to choose a new password work for one hour. Ask for a new link."
)


@pytest.fixture
def dana(app_ctx):
    return accounts.register("Dana@Example.org ", "Dana Trainee", PASSWORD)


def test_a_reset_token_works_once(dana):
    token = password_reset.make_reset_token(dana, SECRET)

    assert password_reset.user_from_reset_token(token, SECRET).id == dana.id
    password_reset.reset_password(token, "a brand new passphrase", SECRET)

    with pytest.raises(ResetLinkInvalid, match="already been used"):
        password_reset.reset_password(token, "yet another passphrase", SECRET)
    assert accounts.authenticate("dana@example.org", "a brand new passphrase").id == dana.id


def test_a_reset_token_expires_after_an_hour(dana):
    token = password_reset.make_reset_token(dana, SECRET, now=T0)

    hour = T0 + timedelta(hours=1)
    assert password_reset.user_from_reset_token(token, SECRET, now=hour).id == dana.id
    with pytest.raises(ResetLinkInvalid) as caught:
        password_reset.user_from_reset_token(token, SECRET, now=hour + timedelta(seconds=1))
    assert str(caught.value) == EXPIRED
    with pytest.raises(ResetLinkInvalid):
        password_reset.user_from_reset_token(
            token, SECRET, max_age=60, now=T0 + timedelta(minutes=2)
        )


def test_a_reset_token_stops_working_when_the_password_changes(dana):
    token = password_reset.make_reset_token(dana, SECRET)

    accounts.change_password(dana, PASSWORD, "a new long passphrase")

    with pytest.raises(ResetLinkInvalid) as caught:
        password_reset.user_from_reset_token(token, SECRET)
    assert str(caught.value) == USED


@pytest.mark.parametrize("mangle", [lambda t: t[:-2], lambda t: "x" + t, lambda t: "garbage"])
def test_a_tampered_reset_token_is_refused(dana, mangle):
    token = password_reset.make_reset_token(dana, SECRET)

    with pytest.raises(ResetLinkInvalid, match="already been used, or it is not complete"):
        password_reset.user_from_reset_token(mangle(token), SECRET)
    with pytest.raises(ResetLinkInvalid):
        password_reset.user_from_reset_token(token, "another-secret")


def test_a_reset_with_a_weak_password_changes_nothing_and_keeps_the_link(dana):
    token = password_reset.make_reset_token(dana, SECRET)

    with pytest.raises(AccountError) as caught:
        password_reset.reset_password(token, "dana@example.org", SECRET)

    assert caught.value.problems == {
        "password": "Your password cannot be your email address. Choose something different."
    }
    assert password_reset.user_from_reset_token(token, SECRET).id == dana.id


def test_staff_cannot_get_a_reset_link_for_an_admin(app_ctx):
    staff, _ = accounts.create_account("pat@example.org", "Pat", ["staff"], PASSWORD)
    accounts.create_account("alex@example.org", "Alex", ["admin"], PASSWORD)

    with pytest.raises(AccountError) as caught:
        password_reset.reset_token_for_email("alex@example.org", SECRET, granted_by=staff)
    with pytest.raises(accounts.NoSuchAccount):
        password_reset.reset_token_for_email("nobody@example.org", SECRET, granted_by=staff)

    assert caught.value.problems == {
        "email": "Only an admin can make a reset link for an admin account. Ask an admin."
    }
