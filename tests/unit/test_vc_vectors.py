"""lms.vc.proof against the W3C vc-di-eddsa test vectors for eddsa-rdfc-2022, step by step
(tests/vectors/README.md says where each file comes from)."""

import hashlib
import json

import pytest

from lms.vc import keys, proof
from lms.vc.multibase import b58decode
from tests.unit.vckit import W3C, no_network, text, vector_loader  # noqa: F401 (fixture)

# every step runs with the socket guard on: the contexts come from the bundle, not the web
pytestmark = pytest.mark.usefixtures("no_network")

LOADER = vector_loader()
SIGNED = json.loads(text(W3C / "signedDataInt.json"))
UNSIGNED = proof.unsecured(SIGNED)
KEY_FILE = json.loads(text(W3C / "keyPair.json"))


def vector_key():
    return keys.from_multibase(KEY_FILE["publicKeyMultibase"], KEY_FILE["privateKeyMultibase"])


def test_the_key_pair_round_trips_through_multikey():
    kp = vector_key()
    assert keys.public_multibase(kp) == KEY_FILE["publicKeyMultibase"]
    assert keys.secret_multibase(kp) == KEY_FILE["privateKeyMultibase"]


def test_the_proof_configuration_is_the_published_one():
    config = proof.proof_config(SIGNED["proof"], SIGNED["@context"])
    assert config == json.loads(text(W3C / "proofConfigDataInt.json"))


def test_the_canonical_proof_configuration_matches_byte_for_byte():
    canonical = proof.canonical_proof_config(SIGNED["proof"], SIGNED["@context"], LOADER)
    assert canonical == text(W3C / "proofCanonDataInt.txt")


def test_the_proof_hash_matches():
    canonical = proof.canonical_proof_config(SIGNED["proof"], SIGNED["@context"], LOADER)
    assert proof.sha256(canonical).hex() == text(W3C / "proofHashDataInt.txt")


def test_the_combined_hash_is_proof_hash_then_document_hash():
    combined = proof.hash_data(SIGNED["proof"], UNSIGNED, LOADER)
    assert combined.hex() == text(W3C / "combinedHashDataInt.txt")
    document_hash = hashlib.sha256(proof.canonical_document(UNSIGNED, LOADER).encode()).digest()
    assert combined[32:] == document_hash


def test_the_signature_matches_in_hex_and_in_base58():
    signed = proof.sign(
        UNSIGNED,
        vector_key(),
        SIGNED["proof"]["verificationMethod"],
        SIGNED["proof"]["created"],
        loader=LOADER,
    )
    value = signed["proof"]["proofValue"]
    assert value == text(W3C / "sigBTC58DataInt.txt")
    assert b58decode(value[1:]).hex() == text(W3C / "sigHexDataInt.txt")


def test_signing_the_unsigned_document_gives_the_published_signed_document():
    signed = proof.sign(
        UNSIGNED,
        vector_key(),
        SIGNED["proof"]["verificationMethod"],
        SIGNED["proof"]["created"],
        loader=LOADER,
    )
    assert json.dumps(signed, indent=2) == text(W3C / "signedDataInt.json")
    assert "proof" not in UNSIGNED  # sign() returns a new dict


def test_the_published_signed_document_verifies():
    public = vector_key().public_key
    result = proof.verify_proof(SIGNED, lambda method: public, loader=LOADER)
    assert result.ok, result.reason
    assert result.verification_method == SIGNED["proof"]["verificationMethod"]
    assert result.created == "2023-02-24T23:36:38Z"


def test_a_context_a_test_loader_served_is_still_refused_by_the_servers_loader():
    """pyld's shared context cache must not let the examples context in through the back door."""
    proof.canonical_document(UNSIGNED, LOADER)
    result = proof.verify_proof(SIGNED, lambda method: vector_key().public_key)
    assert result.reason == (
        "a context is not bundled: https://www.w3.org/ns/credentials/examples/v2"
    )
