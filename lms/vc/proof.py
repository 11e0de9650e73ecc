"""DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa §3.3): sign a
credential and verify one, with each step exposed so tests can compare it with the vectors.

Steps: canonicalise the document without its proof and the proof options (with the document's
@context) by RDFC-1.0; SHA-256 each; sign proofConfigHash || documentHash with Ed25519; write
the signature as multibase base58btc ("z...").
"""

import hashlib
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cachetools import LRUCache

from lms.vc.keys import KeyPair, public_key_from_did_key
from lms.vc.loader import ContextNotBundled, document_loader
from lms.vc.multibase import b58decode, b58encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
# pyld (with lxml) is imported in the functions that canonicalise, not at the top: it is about
# 170 modules and 0.4 s of a web worker's start-up, and only signing and checking need it. The
# same goes for cryptography (7 MB), which checking a signature needs (keys.py signs).


class ProofError(ValueError):
    """The document cannot be signed as asked; the message says why."""


@dataclass(frozen=True)
class ProofCheck:
    ok: bool
    reason: str
    verification_method: str | None = None
    created: str | None = None
    # a short fixed word for code to branch on: "ok", "no-proof", "unsupported", "not-issuer",
    # "unknown-key", "altered", "context", "malformed"
    problem: str = "ok"


# pyld caches resolved contexts by URL in one cache shared by every loader, so a context that
# a test loader served would later be taken from the cache without asking our loader. One cache
# per loader keeps "only what this loader serves" true.
_CONTEXT_CACHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _resolver(loader):
    from pyld.context_resolver import ContextResolver  # loaded when used (see the top)

    if loader not in _CONTEXT_CACHES:
        _CONTEXT_CACHES[loader] = LRUCache(maxsize=100)
    return ContextResolver(_CONTEXT_CACHES[loader], loader)


def canonicalize(document: dict, loader=document_loader) -> str:
    """RDFC-1.0 canonical N-Quads (pyld calls the algorithm URDNA2015)."""
    from pyld import jsonld  # loaded when used (see the top)

    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader,
        "contextResolver": _resolver(loader),
    }
    return jsonld.normalize(document, options)


def unsecured(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "proof"}


def proof_config(proof: dict, context) -> dict:
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    config["@context"] = context
    return config


def canonical_document(document: dict, loader=document_loader) -> str:
    return canonicalize(unsecured(document), loader)


def canonical_proof_config(proof: dict, context, loader=document_loader) -> str:
    return canonicalize(proof_config(proof, context), loader)


def sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def hash_data(proof: dict, document: dict, loader=document_loader) -> bytes:
    """proofConfigHash || documentHash: the 64 bytes that are signed."""
    config = canonical_proof_config(proof, document.get("@context"), loader)
    return sha256(config) + sha256(canonical_document(document, loader))


def xsd_datetime(moment: datetime) -> str:
    """A moment as credentials write it (XML Schema dateTime in UTC, to the second):
    2026-11-21T09:30:00Z. The one place that formats a credential's, a proof's or a key's time."""
    if moment.tzinfo is None:
        raise ProofError("A credential's times must carry a time zone (UTC).")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def xsd_datetime_with_offset(moment: datetime) -> str:
    """A moment as written where its own zone's offset matters to a reader (a credential's
    validUntil, the start of a day in the issuer's zone): 2027-11-21T00:00:00-05:00, Z when the
    offset is zero. The same instant as xsd_datetime's form, with the local date and time kept."""
    if moment.tzinfo is None:
        raise ProofError("A credential's times must carry a time zone (UTC).")
    written = moment.replace(microsecond=0).isoformat()
    return written.removesuffix("+00:00") + "Z" if written.endswith("+00:00") else written


def _timestamp(created: datetime | str) -> str:
    return created if isinstance(created, str) else xsd_datetime(created)


def sign(
    document: dict,
    key: KeyPair,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
    loader=document_loader,
) -> dict:
    """A copy of `document` with a DataIntegrityProof (eddsa-rdfc-2022) added."""
    if key.private_key is None:
        raise ProofError("This key pair has no secret key, so it cannot sign.")
    if "proof" in document:
        raise ProofError("The document already has a proof; sign the unsigned document.")
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": _timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    signature = key.private_key.sign(hash_data(proof, document, loader))
    return {**document, "proof": {**proof, "proofValue": "z" + b58encode(signature)}}


def issuer_id(document: dict) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _controller(verification_method: str) -> str:
    return verification_method.partition("#")[0]


def _not_bundled(error: BaseException) -> ContextNotBundled | None:
    # pyld wraps the loader's exception (sometimes twice); find ours in the chain.
    seen = error
    while seen is not None:
        if isinstance(seen, ContextNotBundled):
            return seen
        seen = seen.__cause__ or getattr(seen, "cause", None) or seen.__context__
    return None


def verify_proof(
    document: dict,
    public_key_for: Callable[[str], bytes | None],
    loader=document_loader,
) -> ProofCheck:
    """Check the document's proof; never raises for a bad document, says why in `reason`."""
    proof = document.get("proof") if isinstance(document, dict) else None
    if proof is None:
        return ProofCheck(False, "no proof", problem="no-proof")
    if not isinstance(proof, dict):
        return ProofCheck(False, "the proof is not a single proof object", problem="malformed")
    method = proof.get("verificationMethod")
    created = proof.get("created")
    method = method if isinstance(method, str) else None
    created = created if isinstance(created, str) else None

    def failed(reason: str, problem: str) -> ProofCheck:
        return ProofCheck(False, reason, method, created, problem)

    if proof.get("type") != PROOF_TYPE:
        return failed(f"unsupported proof type {proof.get('type')}", "unsupported")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return failed(f"unsupported cryptosuite {proof.get('cryptosuite')}", "unsupported")
    if method is None:
        return failed("the proof names no verification method", "malformed")
    if _controller(method) != issuer_id(document):
        return failed("the proof's verification method is not the issuer's", "not-issuer")
    public_key = public_key_for(method) or public_key_from_did_key(method)
    if public_key is None:
        return failed(f"the issuer's key {method} is not known here", "unknown-key")
    from pyld import jsonld  # loaded when used (see the top)

    value = proof.get("proofValue")
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError
        signature = b58decode(value[1:])
    except ValueError:
        return failed("the proof value is not a base58btc multibase signature", "altered")
    try:
        data = hash_data(proof, document, loader)
    except jsonld.JsonLdError as error:
        missing = _not_bundled(error)
        if missing is not None:
            return failed(f"a context is not bundled: {missing.url}", "context")
        return failed(f"the credential is not valid JSON-LD: {error}", "malformed")
    from cryptography.exceptions import InvalidSignature  # loaded when used (see the top)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return failed(
            "the signature does not match: the credential was altered after signing", "altered"
        )
    return ProofCheck(True, "signature matches", method, created)
