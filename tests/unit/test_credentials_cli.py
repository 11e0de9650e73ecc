"""`lms credentials verify FILE`: the checks one a line, the verdict, and the exit code (0 valid,
1 not valid or not fully checked, 2 not a credential)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from lms.extensions import db
from tests.credentialkit import (
    as_bytes,
    configure,
    did_web_credential,
    ours,
    store_status_list,
)


@pytest.fixture
def config(app, tmp_path, clock):
    clock.freeze(datetime(2026, 12, 1, 12, tzinfo=UTC))
    with app.app_context():
        config = configure(app, tmp_path)
        store_status_list(config)
    return config


def run(runner, path="-", data=None):
    return runner.invoke(args=["credentials", "verify", str(path)], input=data)


def test_a_valid_credential_from_a_file(app, runner, config, tmp_path):
    with app.app_context():
        path = tmp_path / "credential.json"
        path.write_bytes(as_bytes(ours(config)))
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Format: pass: an Open Badges 3.0 credential",
        "Signature: pass: Signed by Peer Support Academy, not altered",
        "Dates: pass: expires on November 21, 2028",
        "Revocation: pass: not revoked",
        "Issuer: Peer Support Academy (did:web:training.example.org, this site)",
        "Achievement: Peer Support Foundations",
        "Awarded to: Ada O'Neill",
        "This credential is valid: Signed by Peer Support Academy, not altered, expires on "
        "November 21, 2028, not revoked.",
    ]


def test_a_revoked_credential_from_standard_input(app, runner, config):
    with app.app_context():
        store_status_list(config, revoked=[94567])
        data = as_bytes(ours(config))
    result = run(runner, "-", data)
    assert result.exit_code == 1
    assert "Revocation: FAIL: revoked" in result.output
    assert result.output.splitlines()[-1] == "This credential is not valid: revoked."


def test_another_issuers_did_web_credential_is_not_checked_here(app, runner, config):
    result = run(runner, "-", as_bytes(did_web_credential()))
    assert result.exit_code == 1
    assert (
        "Signature: not checked here: cannot check the signature here: the issuer's key "
        "did:web:badges.elsewhere.example#key-1 is not on this server" in result.output
    )
    assert "Nothing wrong was found, but this server could not check everything" in result.output


def test_broken_json_exits_2_with_the_line_and_column(app, runner, config):
    result = run(runner, "-", b'{\n  "issuer": ,\n}')
    assert result.exit_code == 2
    assert "Error: The file is not valid JSON: line 2, column 13: Expecting value." in (
        result.output
    )


def test_a_file_that_does_not_exist(app, runner, config, tmp_path):
    result = run(runner, tmp_path / "missing.json")
    assert result.exit_code == 2
    assert "No such file or directory" in result.output


def test_our_credential_without_the_database_schema_says_what_to_do(app, runner, config):
    with app.app_context():
        data = as_bytes(ours(config))
        db.session.execute(text("DROP TABLE credential_status_list"))
        db.session.commit()
    result = run(runner, "-", data)
    assert result.exit_code == 1
    assert "Revocation could not be checked against this site's status lists:" in result.output
    assert "run `lms db upgrade` first" in result.output
