"""check_credential: the ordered checks and the words a person reads on the verify page."""

import copy
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from lms.vc import keys, proof, status_list
from lms.vc.checking import check_credential
from tests.unit.vckit import no_network, open_badge  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("no_network")

KEY = keys.generate()
SIGNED = proof.sign(open_badge(keys.did_key(KEY)), KEY, KEY.id, "2026-11-21T09:30:00Z")
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")  # the program's zone the dates are told in


def no_keys(method):
    return None


def not_revoked(entry):
    return False


def report_of(document, status=not_revoked, now=NOW, public_key_for=no_keys, zone=NEW_YORK):
    report = check_credential(document, public_key_for, status, now, zone=zone)
    return report, {check.name: check for check in report.checks}


def test_a_good_credential_passes_every_check_in_order():
    report, checks = report_of(SIGNED)
    assert report.ok
    assert [check.name for check in report.checks] == ["structure", "proof", "dates", "status"]
    assert checks["proof"].words == "Signed by Peer Support Academy, not altered"
    assert checks["dates"].words == "expires on November 21, 2028"
    assert checks["status"].words == "not revoked"


def test_the_status_callback_gets_the_entry_and_a_revoked_bit_says_revoked():
    seen = []
    encoded = status_list.encode([94567])

    def from_list(entry):
        seen.append(entry)
        return status_list.is_set(encoded, int(entry["statusListIndex"]))

    report, checks = report_of(SIGNED, status=from_list)
    assert not report.ok
    assert checks["status"].words == "revoked"
    assert seen == [SIGNED["credentialStatus"]]


def test_a_status_list_that_cannot_be_read_here():
    report, checks = report_of(SIGNED, status=lambda entry: None)
    assert not report.ok
    assert checks["status"].words.startswith("could not check revocation here")
    assert checks["status"].unchecked and not report.failed


def test_an_altered_credential():
    document = copy.deepcopy(SIGNED)
    document["credentialSubject"]["name"] = "Someone Else"
    report, checks = report_of(document)
    assert not report.ok
    assert checks["proof"].words == (
        "The signature does not match: the credential was altered after signing"
    )


def test_expired_and_not_yet_valid():
    _, checks = report_of(SIGNED, now=datetime(2028, 11, 22, tzinfo=UTC))
    assert not checks["dates"].ok
    assert checks["dates"].words == "expired on November 21, 2028"
    _, checks = report_of(SIGNED, now=datetime(2026, 11, 20, tzinfo=UTC))
    assert checks["dates"].words == "not valid until 4:30 AM EST on November 21, 2026"


def test_a_credential_from_an_issuer_we_cannot_resolve_offline():
    issuer = "https://elsewhere.example/issuer"
    signed = proof.sign(open_badge(issuer), KEY, issuer + "#key-1", "2026-11-21T09:30:00Z")
    report, checks = report_of(signed)
    assert not report.ok
    assert checks["proof"].words == (
        "cannot check the signature here: the issuer's key https://elsewhere.example/issuer#key-1 "
        "is not on this server and this server does not fetch from the internet"
    )
    report, checks = report_of(signed, public_key_for={issuer + "#key-1": KEY.public_key}.get)
    assert checks["proof"].ok


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.pop("proof"), "it has no proof (it was never signed)"),
        (lambda d: d.pop("issuer"), "it names no issuer"),
        (lambda d: d.pop("credentialSubject"), "it has no credentialSubject"),
        (lambda d: d.update(type=["VerifiableCredential"]), "its type must include OpenBadge"),
        (
            lambda d: d.update({"@context": list(reversed(d["@context"]))}),
            "its @context must be a list whose first entry is https://www.w3.org/ns/credentials/v2",
        ),
    ],
)
def test_structure_problems_are_named(change, words):
    document = copy.deepcopy(SIGNED)
    change(document)
    report, checks = report_of(document)
    assert not report.ok
    assert [check.name for check in report.checks] == ["structure"]
    assert words in checks["structure"].words


@pytest.mark.parametrize("not_an_object", [[], "text", 3, None])
def test_json_that_is_not_an_object(not_an_object):
    report, checks = report_of(not_an_object)
    assert not report.ok
    assert checks["structure"].words == "this is not a credential: it must be one JSON object"


@pytest.mark.parametrize(
    ("valid_until", "last_valid", "first_expired", "shown"),
    [
        # Written with the issuer's offset (midnight in New York, as lms now signs it) or in Z
        # (midnight UTC, as lms signed it before): each ends at the instant it names, which is
        # told in the program's zone (New York): the day alone when that day begins there.
        (
            "2028-11-21T00:00:00-05:00", "2028-11-21T04:59:59Z", "2028-11-21T05:00:00Z",
            "on November 21, 2028",
        ),
        (
            "2028-11-21T00:00:00Z", "2028-11-20T23:59:59Z", "2028-11-21T00:00:00Z",
            "at 7:00 PM EST on November 20, 2028",
        ),
        (
            "2028-11-21T00:00:00+09:00", "2028-11-20T14:59:59Z", "2028-11-20T15:00:00Z",
            "at 10:00 AM EST on November 20, 2028",
        ),
        # No offset, which VC 2.0 does not allow: read as UTC rather than refused
        (
            "2028-11-21T00:00:00", "2028-11-20T23:59:59Z", "2028-11-21T00:00:00Z",
            "at 7:00 PM EST on November 20, 2028",
        ),
    ],
)  # fmt: skip
def test_a_credential_ends_at_the_moment_its_valid_until_names(
    valid_until, last_valid, first_expired, shown
):
    signed = proof.sign(
        open_badge(keys.did_key(KEY), valid_until=valid_until), KEY, KEY.id, "2026-11-21T09:30:00Z"
    )
    _, checks = report_of(signed, now=datetime.fromisoformat(last_valid))
    assert checks["dates"].ok
    assert checks["dates"].words == f"expires {shown}"
    _, checks = report_of(signed, now=datetime.fromisoformat(first_expired))
    assert not checks["dates"].ok
    assert checks["dates"].words == f"expired {shown}"


def test_a_credential_is_valid_from_the_moment_its_valid_from_names():
    _, checks = report_of(SIGNED, now=datetime(2026, 11, 21, 9, 29, 59, tzinfo=UTC))
    assert checks["dates"].words == "not valid until 4:30 AM EST on November 21, 2026"
    _, checks = report_of(SIGNED, now=datetime(2026, 11, 21, 9, 30, tzinfo=UTC))
    assert checks["dates"].ok


def test_not_yet_valid_reads_the_program_day_and_time_not_the_utc_date():
    """02:00 UTC on November 21 is 9 PM on November 20 in New York: the day the program reads."""
    document = open_badge(keys.did_key(KEY))
    document["validFrom"] = "2026-11-21T02:00:00Z"
    signed = proof.sign(document, KEY, KEY.id, "2026-11-21T02:00:00Z")
    evening = datetime(2026, 11, 21, 1, 30, tzinfo=UTC)  # 8:30 PM on November 20 in New York
    _, checks = report_of(signed, now=evening)
    assert not checks["dates"].ok
    assert checks["dates"].words == "not valid until 9:00 PM EST on November 20, 2026"
    _, checks = report_of(signed, now=evening, zone=ZoneInfo("Asia/Tokyo"))
    assert checks["dates"].words == "not valid until 11:00 AM JST on November 21, 2026"
    _, checks = report_of(signed, now=datetime(2026, 11, 21, 2, tzinfo=UTC))
    assert checks["dates"].ok


def test_a_valid_until_where_a_clock_change_skips_midnight_reads_as_its_day():
    """Santiago skips from midnight to 1 AM on September 6, 2026: lms writes that day's start as
    01:00-03:00, which is still the day alone."""
    santiago = ZoneInfo("America/Santiago")
    document = open_badge(keys.did_key(KEY), valid_until="2026-09-06T01:00:00-03:00")
    document["validFrom"] = "2026-01-05T09:30:00Z"
    signed = proof.sign(document, KEY, KEY.id, "2026-01-05T09:30:00Z")
    _, checks = report_of(signed, now=datetime(2026, 9, 1, tzinfo=UTC), zone=santiago)
    assert checks["dates"].words == "expires on September 6, 2026"
