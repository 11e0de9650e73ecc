"""Signing in: the same answer for a wrong password and an unknown email, and the throttle that
slows repeated failures down and then pauses them, counted per email typed."""

from datetime import UTC, datetime, timedelta

import pytest
from werkzeug import security

from lms.extensions import db
from lms.models import SignInThrottle
from lms.services.people import accounts, password_reset
from lms.services.people.accounts import SignInRefused

SECRET = "test-secret"
PASSWORD = "a calm river at dawn"
T0 = datetime(2026, 11, 21, 13, 50, tzinfo=UTC)
MISMATCH = "That email and password do not match. Check them and try again."
WAIT = "Too many tries. Wait 30 seconds, then try again."


def lock(time):
    return (
        "Sign-in for this email is paused for 15 minutes after too many tries. "
        f"Try again after {time}, or reset your password."
    )


@pytest.fixture
def dana(app_ctx):
    return accounts.register("Dana@Example.org ", "Dana Trainee", PASSWORD)


def refusal(email, password, now):
    with pytest.raises(SignInRefused) as caught:
        accounts.authenticate(email, password, now=now)
    return str(caught.value)


def throttle(email):
    return db.session.get(SignInThrottle, email, populate_existing=True)


def test_authenticate_accepts_the_right_password_whatever_the_email_case(dana):
    assert accounts.authenticate(" DANA@example.ORG", PASSWORD, now=T0).id == dana.id


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(dana):
    assert refusal("dana@example.org", "not the password", T0) == MISMATCH
    assert refusal("nobody@example.org", "not the password", T0) == MISMATCH


@pytest.mark.parametrize("email", ["dana@example.org", "nobody@example.org"])
def test_failures_slow_down_from_the_fifth_then_pause_at_the_tenth(dana, email):
    now = T0
    for _ in range(4):
        assert refusal(email, "wrong guess", now) == MISMATCH
        now += timedelta(seconds=1)
    assert refusal(email, "wrong guess", now) == WAIT  # the 5th failure
    # Within 30 seconds of the last failure, nothing is checked or counted, even the right password.
    assert refusal(email, PASSWORD, now + timedelta(seconds=29)) == WAIT
    assert throttle(email).failures == 5
    for _ in range(4):  # failures 6 to 9, each after the wait
        now += timedelta(seconds=30)
        assert refusal(email, "wrong guess", now) == WAIT
    now += timedelta(seconds=30)  # 13:52:34, so the pause ends at 14:07:34
    assert refusal(email, "wrong guess", now) == lock("9:08 AM EST")  # the 10th failure
    assert throttle(email).locked_until == now + timedelta(minutes=15)
    assert refusal(email, PASSWORD, now + timedelta(minutes=14)) == lock("9:08 AM EST")
    assert throttle(email).failures == 10

    after = now + timedelta(minutes=15)
    if email == "dana@example.org":
        assert accounts.authenticate(email, PASSWORD, now=after).id == dana.id
        assert throttle(email) is None
    else:  # the pause is over for the unknown email too: a fresh start
        assert refusal(email, "wrong guess", after) == MISMATCH
        assert throttle(email).failures == 1


def test_the_pause_message_names_the_minute_it_ends(app_ctx):
    db.session.add(SignInThrottle(email="x@example.org", failures=9, last_failure_at=T0))
    db.session.commit()

    assert refusal("x@example.org", "wrong guess", T0 + timedelta(seconds=30)) == lock(
        "9:06 AM EST"
    )


def test_success_clears_the_failure_count(dana):
    for second in range(4):
        refusal("dana@example.org", "wrong guess", T0 + timedelta(seconds=second))
    assert throttle("dana@example.org").failures == 4

    accounts.authenticate("dana@example.org", PASSWORD, now=T0 + timedelta(seconds=5))

    assert throttle("dana@example.org") is None
    assert refusal("dana@example.org", "wrong guess", T0 + timedelta(seconds=6)) == MISMATCH


def test_a_completed_reset_clears_the_pause(dana):
    db.session.add(
        SignInThrottle(
            email="dana@example.org",
            failures=10,
            last_failure_at=T0,
            locked_until=T0 + timedelta(minutes=15),
        )
    )
    db.session.commit()
    token = password_reset.make_reset_token(dana, SECRET, now=T0)

    password_reset.reset_password(
        token, "a brand new passphrase", SECRET, now=T0 + timedelta(minutes=1)
    )

    assert throttle("dana@example.org") is None
    user = accounts.authenticate("dana@example.org", "a brand new passphrase", now=T0)
    assert user.id == dana.id


def test_an_unknown_email_costs_a_password_check_too(dana, monkeypatch):
    checked = []

    def counting_check(password_hash, password):
        checked.append(password_hash.split(":")[0])
        return security.check_password_hash(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting_check)
    refusal("nobody@example.org", "a guess at a password", T0)
    refusal("dana@example.org", "a guess at a password", T0)

    assert checked == ["scrypt", "scrypt"]
