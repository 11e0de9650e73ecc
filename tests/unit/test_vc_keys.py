"""Ed25519 Multikey key pairs: their multibase text, did:key, and the messages for a bad key."""

import pytest

from lms.vc import keys

# did:key test vector from the W3C did:key method specification (Ed25519)
DID_KEY_VECTOR = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"


def test_a_generated_pair_writes_and_reads_back_the_same_key():
    kp = keys.generate()
    public, secret = keys.public_multibase(kp), keys.secret_multibase(kp)
    assert public.startswith("z6Mk") and secret.startswith("z3u2")
    back = keys.from_multibase(public, secret, key_id="key-1")
    assert back.id == "key-1" and back.public_key == kp.public_key
    assert keys.secret_multibase(back) == secret
    assert keys.from_multibase(public).id == kp.id  # a public key alone is named by its did:key


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


def test_a_secret_that_belongs_to_another_key_is_refused():
    one, two = keys.generate(), keys.generate()
    with pytest.raises(keys.KeyFileError, match="does not belong to the public key"):
        keys.from_multibase(keys.public_multibase(one), keys.secret_multibase(two))


def test_a_public_key_alone_has_no_secret_to_write():
    public_only = keys.from_multibase(keys.public_multibase(keys.generate()))
    with pytest.raises(keys.KeyFileError, match="only a public key"):
        keys.secret_multibase(public_only)


def test_a_key_that_is_not_ed25519_multikey_is_refused():
    with pytest.raises(keys.KeyFileError, match="must be a multibase string starting with 'z'"):
        keys.from_multibase("u6Mk")
    with pytest.raises(keys.KeyFileError, match="is not an Ed25519 Multikey"):
        keys.from_multibase("zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")
    with pytest.raises(keys.KeyFileError, match="not valid base58btc"):
        keys.from_multibase("z0OIl")
