"""The Open Badges 3.0 implementation guide's signed example ("Linked Data Proof Test Vector
for Open Badges 3.0", 1EdTech/openbadges-specification ob_v3p0/impl/linked-data-proof-ob.html).

What reproduces byte for byte: the canonical document and the canonical proof configuration
(the guide's document-canon.txt and proof-canon.txt), and the Ed25519 signature and proof value
from the published private key over the published "data to sign".

What does not, and why: the guide's hashes (proof hash 3cf3c265..., document hash d994aebd...)
and so its data to sign, signature and proofValue were carried over unchanged from the guide's
earlier edition, which used the VC 1.1 context (issuanceDate) and data-integrity/v1 (where
cryptosuite is a plain string). The proof hash is exactly SHA-256 of today's proof-canon.txt
with the cryptosuite written as a plain string, which the test below shows. So the printed
VC 2.0 credential does not verify under eddsa-rdfc-2022 with today's contexts, and no correct
implementation can make it verify. Also, as printed its @context lists data-integrity/v1 after
credentials/v2, which a JSON-LD 1.1 processor must reject (it redefines protected terms); the
canonical forms the guide includes are those of the credential without that third context.
"""

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.vc import keys, loader, proof
from lms.vc.multibase import b58decode, b58encode
from tests.unit.vckit import (  # noqa: F401 (fixture)
    DATA_INTEGRITY_V1,
    OB,
    no_network,
    text,
    vector_loader,
)

pytestmark = pytest.mark.usefixtures("no_network")

OLD_OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"
# The guide names the OB context by its old URL; it is served here with the bundled 3.0.3 file,
# whose terms give exactly the guide's document-canon.txt.
LOADER = loader.loader_with(
    {OLD_OB_CONTEXT: loader.bundled_document(loader.OB_CONTEXT)}
    | {DATA_INTEGRITY_V1: vector_loader()(DATA_INTEGRITY_V1)["document"]}
)

PUBLIC_HEX = "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"
PRIVATE_HEX = (
    "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"
    "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"
)
PUBLIC_MULTIBASE = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
SECRET_MULTIBASE_64 = (
    "zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx"
)
PROOF_HASH = "3cf3c265b6c8ebb29b4d5ea310b87d2f31c79b633eff8af561d2e8c97a85c8cb"
DOCUMENT_HASH = "d994aebd5e53f4af4495dbe9e1155410bae683811107c26acf83671075c163b3"
SIGNATURE = (
    "17a898a91832fa58bd66433e18dc8256522bcf84382994c395c23c26cba71ff8"
    "060a2587390e5ed20c4decec45c0c0c9eec1f7d2d1ce91e1ffc992983a74a300"
)
PROOF_VALUE = (
    "zUSD5bjo6mYV1n9i9E6ZwUiHuj4JyZDjCDfDqoJcPi9XJrc9LYstik9mdBvutdwBdquWXjWrwJDVGJrAarvRs8uD"
)

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2", OLD_OB_CONTEXT],
    "id": "http://example.com/credentials/3527",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {
        "id": "https://example.edu/issuers/565049",
        "type": ["Profile"],
        "url": "https://www.imsglobal.org",
        "name": "Example Corp",
    },
    "validFrom": "2010-01-01T00:00:00Z",
    "name": "Teamwork Badge",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.com/achievements/21st-century-skills/teamwork",
            "type": ["Achievement"],
            "criteria": {
                "narrative": "Team members are nominated for this badge by their peers and "
                "recognized upon review by Example Corp management."
            },
            "description": "This badge recognizes the development of the capacity to "
            "collaborate within a group environment.",
            "name": "Teamwork",
        },
    },
}
PROOF = {
    "type": "DataIntegrityProof",
    "created": "2010-01-01T19:23:24Z",
    "verificationMethod": "https://example.edu/issuers/565049#" + PUBLIC_MULTIBASE,
    "cryptosuite": "eddsa-rdfc-2022",
    "proofPurpose": "assertionMethod",
    "proofValue": PROOF_VALUE,
}


def test_the_published_key_pair_is_the_multikey_the_guide_prints():
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(PRIVATE_HEX)[:32])
    kp = keys.KeyPair("guide", private, bytes.fromhex(PUBLIC_HEX))
    assert keys.public_multibase(kp) == PUBLIC_MULTIBASE
    # the guide's secretKeyMultibase is the older 64-byte form (seed and public key)
    assert b58decode(SECRET_MULTIBASE_64[1:])[2:].hex() == PRIVATE_HEX


def test_the_canonical_document_matches_the_guide_byte_for_byte():
    assert proof.canonical_document(CREDENTIAL, LOADER) == text(OB / "document-canon.txt")


def test_the_canonical_proof_matches_the_guide_byte_for_byte():
    canonical = proof.canonical_proof_config(PROOF, CREDENTIAL["@context"], LOADER)
    assert canonical == text(OB / "proof-canon.txt")


def test_the_published_signature_and_proof_value_reproduce_from_the_published_key():
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(PRIVATE_HEX)[:32])
    signature = private.sign(bytes.fromhex(PROOF_HASH + DOCUMENT_HASH))
    assert signature.hex() == SIGNATURE
    assert b58decode(PROOF_VALUE[1:]).hex() == SIGNATURE


def test_the_guides_proof_hash_is_that_of_its_earlier_data_integrity_v1_edition():
    canonical = text(OB / "proof-canon.txt")
    assert hashlib.sha256(canonical.encode()).hexdigest() != PROOF_HASH
    plain = canonical.replace(
        '"eddsa-rdfc-2022"^^<https://w3id.org/security#cryptosuiteString>', '"eddsa-rdfc-2022"'
    )
    assert hashlib.sha256(plain.encode()).hexdigest() == PROOF_HASH


def test_the_printed_credential_therefore_does_not_verify_and_says_so():
    result = proof.verify_proof(
        {**CREDENTIAL, "proof": PROOF}, lambda method: bytes.fromhex(PUBLIC_HEX), loader=LOADER
    )
    assert not result.ok
    assert result.reason == (
        "the signature does not match: the credential was altered after signing"
    )


def test_the_printed_context_list_is_refused_in_plain_words():
    printed = {**CREDENTIAL, "@context": [*CREDENTIAL["@context"], DATA_INTEGRITY_V1]}
    result = proof.verify_proof(
        {**printed, "proof": PROOF}, lambda method: bytes.fromhex(PUBLIC_HEX), loader=LOADER
    )
    assert not result.ok
    assert result.problem == "malformed"
    assert result.reason.startswith("the credential is not valid JSON-LD")


def test_signing_the_guides_credential_with_its_key_verifies_here():
    kp = keys.from_multibase(
        PUBLIC_MULTIBASE, "z" + b58encode(b"\x80\x26" + bytes.fromhex(PRIVATE_HEX)[:32])
    )
    method, created = PROOF["verificationMethod"], PROOF["created"]
    signed = proof.sign(CREDENTIAL, kp, method, created, loader=LOADER)
    assert proof.verify_proof(signed, lambda method: kp.public_key, loader=LOADER).ok
