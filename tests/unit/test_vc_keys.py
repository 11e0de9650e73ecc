"""Ed25519 Multikey key pairs: the key file, did:key, and the messages for a bad key file."""

import json
from datetime import UTC, datetime

import pytest

from lms.vc import keys

# did:key test vector from the W3C did:key method specification (Ed25519)
DID_KEY_VECTOR = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"


def test_a_generated_pair_writes_and_reads_back_the_same_key():
    kp = keys.generate()
    text = keys.to_json(kp, created=datetime(2026, 11, 21, 9, 30, tzinfo=UTC))
    fields = json.loads(text)
    assert fields["type"] == "Multikey"
    assert fields["created"] == "2026-11-21T09:30:00Z"
    assert fields["publicKeyMultibase"].startswith("z6Mk")
    assert fields["secretKeyMultibase"].startswith("z3u2")
    back = keys.from_json(text)
    assert back.id == kp.id and back.public_key == kp.public_key
    assert keys.secret_multibase(back) == keys.secret_multibase(kp)


def test_did_key_names_the_key_and_resolves_offline():
    kp = keys.generate()
    did = keys.did_key(kp)
    assert did == "did:key:" + keys.public_multibase(kp)
    assert kp.id == f"{did}#{keys.public_multibase(kp)}"
    assert keys.public_key_from_did_key(kp.id) == kp.public_key
    assert keys.public_key_from_did_key(did) == kp.public_key


def test_a_published_did_key_resolves_to_32_bytes():
    assert len(keys.public_key_from_did_key(DID_KEY_VECTOR)) == 32


def test_what_is_not_a_did_key_resolves_to_nothing():
    kp = keys.generate()
    assert keys.public_key_from_did_key("https://lms.example/issuer#key-1") is None
    assert keys.public_key_from_did_key("did:key:z6MkNOTBASE58!!") is None
    other = keys.public_multibase(keys.generate())
    assert keys.public_key_from_did_key(f"{keys.did_key(kp)}#{other}") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "The key file is not JSON (line 1, column 2"),
        ("[]", "The key file must hold one JSON object"),
        ('{"type": "JsonWebKey2020"}', 'The key file\'s "type" must be "Multikey".'),
        ('{"type": "Multikey", "id": "k"}', 'The key file has no "publicKeyMultibase"'),
    ],
)
def test_a_bad_key_file_says_what_to_fix(text, message):
    with pytest.raises(keys.KeyFileError) as raised:
        keys.from_json(text)
    assert str(raised.value).startswith(message)


def test_a_secret_that_belongs_to_another_key_is_refused():
    one, two = keys.generate(), keys.generate()
    fields = json.loads(keys.to_json(one))
    fields["secretKeyMultibase"] = keys.secret_multibase(two)
    with pytest.raises(keys.KeyFileError, match="does not belong to the public key"):
        keys.from_json(json.dumps(fields))


def test_a_key_that_is_not_ed25519_multikey_is_refused():
    with pytest.raises(keys.KeyFileError, match="must be a multibase string starting with 'z'"):
        keys.from_multibase("u6Mk")
    with pytest.raises(keys.KeyFileError, match="is not an Ed25519 Multikey"):
        keys.from_multibase("zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")
    with pytest.raises(keys.KeyFileError, match="not valid base58btc"):
        keys.from_multibase("z0OIl")
