"""verify_file: reading the file (size, UTF-8, JSON, an object), then the checks in the words a
person reads, for our credentials (key ring, status lists in the database) and other issuers'."""

import copy
import json
from datetime import UTC, datetime

import pytest

from lms.extensions import db
from lms.models import CredentialStatusList
from lms.services.credentials import verifying
from lms.services.credentials.verifying import verify_file
from tests.credentialkit import (
    NOW,
    as_bytes,
    configure,
    did_key_credential,
    did_web_credential,
    ours,
    store_status_list,
)
from tests.unit.vckit import no_network  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture
def config(app_ctx, tmp_path):
    config = configure(app_ctx, tmp_path)
    store_status_list(config)
    return config


def words(result):
    return {check.name: check.words for check in result.checks}


def test_our_credential_is_valid_and_says_who_signed_it(config):
    result = verify_file(as_bytes(ours(config)), config, NOW)
    assert result.verdict == verifying.VALID
    assert result.ours
    assert result.issuer_name == "Peer Support Academy"
    assert result.issuer_id == "did:web:training.example.org"
    assert result.achievement_name == "Peer Support Foundations"
    assert result.credential_name == "Certified Peer Supporter"
    assert result.holder_name == "Ada O'Neill"
    assert [label for label, _ in result.labelled()] == [
        "Format", "Signature", "Dates", "Revocation",
    ]  # fmt: skip
    assert result.summary == (
        "This credential is valid: Signed by Peer Support Academy, not altered, "
        "expires on November 21, 2028, not revoked."
    )


def test_a_credential_signed_by_a_retired_key_still_verifies(config, tmp_path):
    from lms.services.credentials import keyring

    signed = ours(config)
    keyring.add_key(config["LMS_ISSUER_KEYS"])
    assert verify_file(as_bytes(signed), config, NOW).verdict == verifying.VALID


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["credentialSubject"].update(name="Someone Else"),
        lambda d: d["credentialSubject"]["achievement"].update(name="Advanced Practice"),
        lambda d: d["issuer"].update(name="Another Academy"),
        lambda d: d.update(validUntil="2099-01-01T00:00:00Z"),
        lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
        lambda d: d["credentialStatus"].update(statusListIndex="12"),
        lambda d: d.update(name="Something else"),
        lambda d: d["proof"].update(created="2020-01-01T00:00:00Z"),
    ],
)
def test_every_tampered_field_breaks_the_signature(config, change):
    document = copy.deepcopy(ours(config))
    change(document)
    result = verify_file(as_bytes(document), config, NOW)
    assert result.verdict == verifying.NOT_VALID
    assert words(result)["proof"] == (
        "The signature does not match: the credential was altered after signing"
    )
    assert result.summary.startswith("This credential is not valid: The signature does not match")


def test_a_revoked_credential(config):
    store_status_list(config, revoked=[94567])
    result = verify_file(as_bytes(ours(config)), config, NOW)
    assert result.verdict == verifying.NOT_VALID
    assert words(result)["status"] == "revoked"
    assert result.summary == "This credential is not valid: revoked."


def test_expired_and_not_yet_valid(config):
    signed = as_bytes(ours(config))
    result = verify_file(signed, config, datetime(2028, 11, 22, tzinfo=UTC))
    assert result.verdict == verifying.NOT_VALID
    assert words(result)["dates"] == "expired on November 21, 2028"
    result = verify_file(signed, config, datetime(2026, 11, 20, tzinfo=UTC))
    assert result.verdict == verifying.NOT_VALID
    assert words(result)["dates"] == "not valid until 4:30 AM EST on November 21, 2026"


def test_not_yet_valid_is_told_on_the_programs_day_not_the_utc_date(config):
    """validFrom 02:00 UTC on November 21 is 9 PM on November 20 in New York (LMS_TIMEZONE):
    checked at 8:30 PM there, the credential is not valid until 9 PM that same evening."""
    config["LMS_TIMEZONE"] = "America/New_York"
    signed = as_bytes(ours(config, validFrom="2026-11-21T02:00:00Z"))
    evening = datetime(2026, 11, 21, 1, 30, tzinfo=UTC)
    result = verify_file(signed, config, evening)
    assert result.verdict == verifying.NOT_VALID
    assert words(result)["dates"] == "not valid until 9:00 PM EST on November 20, 2026"
    assert result.summary == (
        "This credential is not valid: not valid until 9:00 PM EST on November 20, 2026."
    )
    config["LMS_TIMEZONE"] = "Asia/Tokyo"
    result = verify_file(signed, config, evening)
    assert words(result)["dates"] == "not valid until 11:00 AM JST on November 21, 2026"
    config["LMS_TIMEZONE"] = "America/New_York"
    assert verify_file(signed, config, datetime(2026, 11, 21, 2, tzinfo=UTC)).verdict == (
        verifying.VALID
    )


def test_our_status_list_missing_is_not_checked_here(config):
    result = verify_file(as_bytes(ours(config, number=7)), config, NOW)
    assert result.verdict == verifying.NOT_CHECKED
    assert words(result)["status"].startswith("could not check revocation here")


def test_a_list_of_ours_never_served_is_read_as_it_would_be_served(app_ctx, tmp_path):
    config = configure(app_ctx, tmp_path)  # list 1 exists for the site but has no row yet
    result = verify_file(as_bytes(ours(config)), config, NOW)
    assert result.verdict == verifying.VALID
    assert words(result)["status"] == "not revoked"
    assert db.session.get(CredentialStatusList, 1).document  # signed and kept, as when served


def test_a_list_never_served_without_our_key_ring_is_not_checked_here(app_ctx, tmp_path):
    config = configure(app_ctx, tmp_path)
    signed = as_bytes(ours(config))
    app_ctx.config["LMS_ISSUER_KEYS"] = ""  # the key ring is gone: the list cannot be signed
    result = verify_file(signed, config, NOW)
    assert words(result)["status"].startswith("could not check revocation here")
    row = db.session.get(CredentialStatusList, 1, populate_existing=True)
    assert row is None or row.document is None  # no list was stored unsigned


def test_without_a_base_url_the_lists_under_the_development_address_are_ours(app_ctx, tmp_path):
    """Credentials made without LMS_BASE_URL point at the development address, and so does the
    check; lists under the old address are no longer ours (never judged by a request's host)."""
    config = configure(app_ctx, tmp_path)
    store_status_list(config, revoked=[94567])
    signed_before = as_bytes(ours(config))
    app_ctx.config["LMS_BASE_URL"] = ""
    signed_now = as_bytes(ours(config))

    assert b"http://127.0.0.1:5000/credentials/status/1" in signed_now
    assert words(verify_file(signed_now, config, NOW))["status"] == "revoked"
    assert words(verify_file(signed_before, config, NOW))["status"].startswith(
        "could not check revocation here"
    )


def test_another_issuers_did_key_credential_verifies_offline(config):
    result = verify_file(as_bytes(did_key_credential()), config, NOW)
    assert result.verdict == verifying.VALID
    assert not result.ours
    assert result.issuer_name == "Elsewhere Recovery Network"
    assert words(result)["proof"] == "Signed by Elsewhere Recovery Network, not altered"
    assert words(result)["status"] == "has no revocation status list"


def test_another_issuers_did_web_credential_cannot_be_checked_here(config):
    result = verify_file(as_bytes(did_web_credential()), config, NOW)
    assert result.verdict == verifying.NOT_CHECKED
    assert words(result)["proof"] == (
        "cannot check the signature here: the issuer's key did:web:badges.elsewhere.example#key-1 "
        "is not on this server and this server does not fetch from the internet"
    )
    assert words(result)["status"].startswith("could not check revocation here")
    assert result.summary.startswith(
        "Nothing wrong was found, but this server could not check everything: cannot check"
    )


def test_a_context_this_server_does_not_hold(config):
    document = did_key_credential()
    document["@context"].append("https://elsewhere.example/context.json")
    result = verify_file(as_bytes(document), config, NOW)
    assert result.verdict == verifying.NOT_CHECKED
    assert words(result)["proof"] == (
        "cannot check the signature here: the credential uses a JSON-LD context this server "
        "does not hold (https://elsewhere.example/context.json) and this server does not fetch "
        "from the internet"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty. Choose the credential's .json file, or paste its text."),
        (
            b'{"issuer": "x",\n  "name": }',
            "The file is not valid JSON: line 2, column 11: Expecting value. Was it changed or "
            "cut short? Use the file as it was downloaded.",
        ),
        (
            b"%PDF-1.7\n\xe2\xe3\xcf\xd3",
            "The file is not UTF-8 text (byte 10 cannot be read), so it is not a credential. "
            "Choose the .json file of the credential, not a PDF or an image.",
        ),
        (
            b"[1, 2]",
            "The file holds a list, not a credential: a credential is one JSON object, "
            "starting with {.",
        ),
        (
            b'"text"',
            "The file holds a string, not a credential: a credential is one JSON object, "
            "starting with {.",
        ),
        (
            b"3",
            "The file holds a number, not a credential: a credential is one JSON object, "
            "starting with {.",
        ),
        (b"[" * 100_000, "The file's JSON is nested too deeply to be a credential."),
        (b"9" * 5000, "The file holds a number too long to be part of a credential."),
    ],
)
def test_files_that_are_not_credentials(config, data, message):
    result = verify_file(data, config, NOW)
    assert result.verdict == verifying.UNREADABLE
    assert result.problem == message
    assert result.summary == message


def test_a_too_large_file(config):
    result = verify_file(b" " * (verifying.MAX_BYTES + 1), config, NOW)
    assert result.verdict == verifying.UNREADABLE
    assert result.problem == (
        "The file is larger than 1 MB, so it is not a credential: a credential file is a few "
        "kilobytes. Choose the credential's .json file."
    )
    assert verify_file(b" " * verifying.MAX_BYTES, config, NOW).problem != result.problem


def test_a_byte_order_mark_is_accepted(config):
    result = verify_file(b"\xef\xbb\xbf" + as_bytes(ours(config)), config, NOW)
    assert result.verdict == verifying.VALID


@pytest.mark.parametrize(
    ("change", "check", "expected"),
    [
        (lambda d: d.update(issuer=42), "structure", "it names no issuer"),
        (lambda d: d.update(credentialSubject=[]), "structure", "it has no credentialSubject"),
        (lambda d: d.update(type="OpenBadgeCredential"), "structure", "its type must include"),
        (
            lambda d: d.update({"@context": "https://www.w3.org/ns/credentials/v2"}),
            "structure",
            "its @context must be a list",
        ),
        (lambda d: d.update(validUntil=20281121), "dates", "its validUntil is not a date and time"),
        (lambda d: d.update(validFrom="yesterday"), "dates", "its validFrom is not a date"),
        (lambda d: d.update(proof=[1, 2]), "proof", "The proof is not a single proof object"),
        (lambda d: d["proof"].update(proofValue=7), "proof", "The proof value is not"),
        (lambda d: d.update(credentialStatus="revoked"), "status", "its status uses a kind"),
    ],
)
def test_wrong_types_are_named(config, change, check, expected):
    document = copy.deepcopy(ours(config))
    change(document)
    result = verify_file(as_bytes(document), config, NOW)
    assert result.verdict in (verifying.NOT_VALID, verifying.NOT_CHECKED)
    assert expected in words(result)[check]


def test_names_from_the_credential_are_shortened_and_wrong_types_ignored(config):
    document = did_key_credential(name="x" * 500)
    document["issuer"]["name"] = ["not", "a", "name"]
    result = verify_file(as_bytes(document), config, NOW)
    assert result.issuer_name is None
    assert len(result.credential_name) == verifying.MAX_SHOWN
    assert result.credential_name.endswith("…")


def test_the_holders_email_is_never_shown(config):
    document = did_key_credential()
    document["credentialSubject"].pop("name")
    document["credentialSubject"]["identifier"] = [
        {"type": "IdentityObject", "identityHash": "ada@example.org", "hashed": False}
    ]
    result = verify_file(as_bytes(document), config, NOW)
    assert result.holder_name is None
    assert "ada@example.org" not in json.dumps(result.__dict__, default=str)
