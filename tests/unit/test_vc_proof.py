"""Signing and verifying our own OpenBadgeCredential: the round trip, and every kind of
tampering failing with the reason a person would be shown."""

import copy
from datetime import UTC, datetime

import pytest
from pyld import jsonld

from lms.vc import keys, proof
from lms.vc.loader import ContextNotBundled, document_loader
from tests.unit.vckit import no_network, open_badge  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("no_network")

ALTERED = "the signature does not match: the credential was altered after signing"
KEY = keys.generate()
ISSUER = keys.did_key(KEY)
SIGNED = proof.sign(open_badge(ISSUER), KEY, KEY.id, datetime(2026, 11, 21, 9, 30, tzinfo=UTC))


def unknown(method):
    return None


def verify(document):
    return proof.verify_proof(document, unknown)


def test_a_signed_credential_verifies_offline_from_its_did_key():
    result = verify(SIGNED)
    assert result.ok and result.reason == "signature matches"
    assert SIGNED["proof"]["created"] == "2026-11-21T09:30:00Z"
    assert SIGNED["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert SIGNED["proof"]["proofPurpose"] == "assertionMethod"
    assert SIGNED["proof"]["verificationMethod"] == f"{ISSUER}#{keys.public_multibase(KEY)}"


def test_a_key_known_to_the_caller_is_used():
    other = keys.generate()
    issuer = "https://lms.example/issuer"
    signed = proof.sign(open_badge(issuer), other, issuer + "#key-1", "2026-11-21T09:30:00Z")
    assert not verify(signed).ok
    known = {issuer + "#key-1": other.public_key}
    assert proof.verify_proof(signed, known.get).ok


@pytest.mark.parametrize("field", sorted(set(SIGNED) - {"proof", "@context"}))
def test_changing_any_top_level_field_breaks_the_signature(field):
    document = copy.deepcopy(SIGNED)
    document[field] = "changed" if field != "issuer" else {**document["issuer"], "name": "Other"}
    result = verify(document)
    assert not result.ok
    assert result.reason == ALTERED


def test_changing_a_nested_field_breaks_the_signature():
    document = copy.deepcopy(SIGNED)
    document["credentialSubject"]["achievement"]["name"] = "Advanced Peer Support"
    assert verify(document).reason == ALTERED


def test_an_added_field_breaks_the_signature():
    document = copy.deepcopy(SIGNED)
    document["description"] = "Also a qualified counsellor."
    assert verify(document).reason == ALTERED


def test_a_changed_proof_value_breaks_the_signature():
    document = copy.deepcopy(SIGNED)
    value = document["proof"]["proofValue"]
    document["proof"]["proofValue"] = value[:-2] + ("22" if value[-2:] != "22" else "33")
    assert verify(document).reason == ALTERED


def test_a_proof_value_that_is_not_multibase_is_named():
    document = copy.deepcopy(SIGNED)
    document["proof"]["proofValue"] = "not-a-signature"
    assert verify(document).reason == "the proof value is not a base58btc multibase signature"


def test_a_changed_created_date_breaks_the_signature():
    document = copy.deepcopy(SIGNED)
    document["proof"]["created"] = "2026-11-22T09:30:00Z"
    assert verify(document).reason == ALTERED


def test_a_verification_method_of_another_issuer_is_refused():
    document = copy.deepcopy(SIGNED)
    stranger = keys.generate()
    document["proof"]["verificationMethod"] = stranger.id
    assert verify(document).reason == "the proof's verification method is not the issuer's"


def test_another_key_of_the_same_issuer_does_not_match():
    issuer = "https://lms.example/issuer"
    signed = proof.sign(open_badge(issuer), KEY, issuer + "#key-1", "2026-11-21T09:30:00Z")
    signed["proof"]["verificationMethod"] = issuer + "#key-2"
    other = keys.generate().public_key
    assert proof.verify_proof(signed, lambda method: other).reason == ALTERED


def test_an_issuer_whose_key_is_not_known_here():
    issuer = "https://elsewhere.example/issuer"
    signed = proof.sign(open_badge(issuer), KEY, issuer + "#key-1", "2026-11-21T09:30:00Z")
    assert verify(signed).reason == (
        "the issuer's key https://elsewhere.example/issuer#key-1 is not known here"
    )


def test_a_missing_proof():
    assert verify(proof.unsecured(SIGNED)).reason == "no proof"


def test_another_cryptosuite():
    document = copy.deepcopy(SIGNED)
    document["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    assert verify(document).reason == "unsupported cryptosuite ecdsa-rdfc-2019"


def test_a_context_that_is_not_bundled_is_named_not_fetched():
    document = copy.deepcopy(SIGNED)
    document["@context"] = [*document["@context"], "https://evil.example/context.jsonld"]
    result = verify(document)
    assert not result.ok
    assert result.reason == "a context is not bundled: https://evil.example/context.jsonld"


def test_the_loader_refuses_an_unknown_url_and_says_why():
    with pytest.raises(ContextNotBundled) as raised:
        document_loader("https://www.w3.org/2018/credentials/v1")
    assert str(raised.value) == (
        "The context https://www.w3.org/2018/credentials/v1 is not bundled with this server, "
        "and this server never fetches from the internet, so a credential that uses it cannot "
        "be checked here."
    )


def test_signing_refuses_a_naive_time_and_a_public_only_key():
    with pytest.raises(proof.ProofError, match="time zone"):
        proof.sign(open_badge(ISSUER), KEY, KEY.id, datetime(2026, 11, 21))
    public_only = keys.from_multibase(keys.public_multibase(KEY))
    with pytest.raises(proof.ProofError, match="no secret key"):
        proof.sign(open_badge(ISSUER), public_only, KEY.id, "2026-11-21T09:30:00Z")
    with pytest.raises(proof.ProofError, match="already has a proof"):
        proof.sign(SIGNED, KEY, KEY.id, "2026-11-21T09:30:00Z")


def test_pyld_default_loader_is_never_used(monkeypatch):
    """pyld falls back to a requests/aiohttp loader when none is passed; ours is always passed."""

    def refuse(url, options=None):
        raise AssertionError(f"pyld's default loader was asked for {url}")

    monkeypatch.setattr(jsonld, "_default_document_loader", refuse)
    signed = proof.sign(open_badge(ISSUER), KEY, KEY.id, "2026-11-21T09:30:00Z")
    assert verify(signed).ok
