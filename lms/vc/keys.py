"""Ed25519 key pairs as Multikey: their multibase text, did:key identifiers, and reading them back.

A Multikey public key is base58btc of the multicodec prefix 0xed01 and the 32 key bytes
("z6Mk..."); the secret key uses prefix 0x8026 and the 32-byte seed.

cryptography is imported by the functions that make or read a secret key, not at the top: its
OpenSSL bindings are 7 MB and 30 ms of a web worker's start-up (issue 13), and only issuing,
checking and the key commands need them (proof.py does the same for checking a signature).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lms.vc.multibase import b58decode, b58encode

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PUBLIC_PREFIX = b"\xed\x01"
SECRET_PREFIX = b"\x80\x26"


class KeyFileError(ValueError):
    """A key ring or multibase key that cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class KeyPair:
    id: str
    private_key: Ed25519PrivateKey | None
    public_key: bytes


def _raw_public(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes_raw()


def _raw_seed(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes_raw()


def public_multibase_of(public_key: bytes) -> str:
    return "z" + b58encode(PUBLIC_PREFIX + public_key)


def _with_did_id(private_key: Ed25519PrivateKey | None, public_key: bytes) -> KeyPair:
    multibase = public_multibase_of(public_key)
    return KeyPair(f"did:key:{multibase}#{multibase}", private_key, public_key)


def generate() -> KeyPair:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # see the top

    private_key = Ed25519PrivateKey.generate()
    return _with_did_id(private_key, _raw_public(private_key))


def public_multibase(kp: KeyPair) -> str:
    return public_multibase_of(kp.public_key)


def secret_multibase(kp: KeyPair) -> str:
    if kp.private_key is None:
        raise KeyFileError("This key pair has only a public key; there is no secret to write.")
    return "z" + b58encode(SECRET_PREFIX + _raw_seed(kp.private_key))


def _decode(text: str, prefix: bytes, what: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise KeyFileError(f"The {what} must be a multibase string starting with 'z'.")
    try:
        raw = b58decode(text[1:])
    except ValueError as error:
        raise KeyFileError(f"The {what} is not valid base58btc: {error}.") from None
    if raw[:2] != prefix or len(raw) != 34:
        raise KeyFileError(
            f"The {what} is not an Ed25519 Multikey (expected prefix {prefix.hex()} and 32 "
            f"key bytes); make a new key ring with `lms keys generate`."
        )
    return raw[2:]


def from_multibase(public: str, secret: str | None = None, key_id: str | None = None) -> KeyPair:
    public_key = _decode(public, PUBLIC_PREFIX, "public key (publicKeyMultibase)")
    private_key = None
    if secret is not None:
        seed = _decode(secret, SECRET_PREFIX, "secret key (secretKeyMultibase)")
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # see top

        private_key = Ed25519PrivateKey.from_private_bytes(seed)
        if _raw_public(private_key) != public_key:
            raise KeyFileError(
                "The secret key does not belong to the public key beside it in the key ring; "
                "restore both from the same backup or generate a new pair."
            )
    if key_id is None:
        return _with_did_id(private_key, public_key)
    return KeyPair(key_id, private_key, public_key)


def did_key(kp: KeyPair) -> str:
    return "did:key:" + public_multibase(kp)


def public_key_from_did_key(did_url: str) -> bytes | None:
    """The Ed25519 key a did:key URL names, read from the URL itself; None if it is not one."""
    if not isinstance(did_url, str) or not did_url.startswith("did:key:z6Mk"):
        return None
    did, _, fragment = did_url.partition("#")
    multibase = did[len("did:key:") :]
    if fragment and fragment != multibase:
        return None
    try:
        return _decode(multibase, PUBLIC_PREFIX, "did:key")
    except KeyFileError:
        return None
