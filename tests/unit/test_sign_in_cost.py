"""Every failed sign-in does the same work, whatever the state of the account behind the email:
one password-hash check, of the method and cost real passwords use. Measured by recording which
check ran (not by the clock), so the test says why the timing is the same."""

import pytest
from werkzeug import security

from lms.config import load_settings
from lms.extensions import db
from lms.services.people import accounts
from lms.services.people.accounts import SignInRefused, password_method

PASSWORD = "a calm river at dawn"
MISMATCH = "That email and password do not match. Check them and try again."


@pytest.fixture
def checks(monkeypatch):
    """The method and cost of every password-hash check, in order."""
    seen = []

    def recording(pwhash, password):
        seen.append(pwhash.split("$", 1)[0])
        return security.check_password_hash(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", recording)
    return seen


@pytest.fixture
def accounts_in_every_state(app_ctx):
    accounts.register("real@example.org", "Real Person", PASSWORD)
    accounts.add_accounts_without_password(
        [("imported@example.org", "Imported Person")], ["trainee"]
    )
    erased = accounts.register("erased@example.org", "Erased Person", PASSWORD)
    db.session.commit()
    # As erasure.erase_trainee leaves an account: no usable password, marked erased.
    erased.password_hash, erased.erased_at = "!erased", erased.created_at
    db.session.commit()


@pytest.mark.parametrize(
    "email",
    ["real@example.org", "imported@example.org", "erased@example.org", "nobody@example.org"],
)
def test_every_failed_sign_in_runs_one_full_cost_hash_check(accounts_in_every_state, checks, email):
    with pytest.raises(SignInRefused, match=MISMATCH):
        accounts.authenticate(email, "a wrong guess at it")

    assert checks == [password_method()]


def test_an_imported_account_cannot_be_entered_with_any_password(accounts_in_every_state, checks):
    # Its placeholder hash is never checked at all, so not even its own random password works.
    with pytest.raises(SignInRefused, match=MISMATCH):
        accounts.authenticate("imported@example.org", "")

    assert checks == [password_method()]


def test_the_right_password_still_signs_in(accounts_in_every_state, checks):
    user = accounts.authenticate("real@example.org", PASSWORD)

    assert user.email == "real@example.org"
    assert checks == [password_method()]


def test_a_deployed_app_hashes_at_the_full_cost(app, tmp_path, monkeypatch):
    # Only an app's own settings (the tests') lower the cost; no environment variable does.
    monkeypatch.setenv("PASSWORD_METHOD", "plain")
    monkeypatch.setenv("LMS_PASSWORD_METHOD", "plain")
    assert "PASSWORD_METHOD" not in load_settings(str(tmp_path))
    del app.config["PASSWORD_METHOD"]
    with app.app_context():
        user = accounts.register("full@example.org", "Full Cost", PASSWORD)
        assert password_method() == accounts.PASSWORD_METHOD == "scrypt:32768:8:1"
        assert user.password_hash.startswith("scrypt:32768:8:1$")
