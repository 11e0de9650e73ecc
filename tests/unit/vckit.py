"""Shared pieces for the signed-credential tests: the vector files, a loader that also serves
the test-only contexts, an OpenBadgeCredential to sign, and a guard that fails on any socket."""

import json
import socket
from pathlib import Path

import pytest

from lms.vc import loader

VECTORS = Path(__file__).parent.parent / "vectors"
W3C = VECTORS / "w3c-vc-di-eddsa"
OB = VECTORS / "openbadges"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
DATA_INTEGRITY_V1 = "https://w3id.org/security/data-integrity/v1"


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def vector_loader():
    contexts = VECTORS / "contexts"
    return loader.loader_with(
        {
            EXAMPLES_V2: json.loads(text(contexts / "credentials-examples-v2.jsonld")),
            DATA_INTEGRITY_V1: json.loads(text(contexts / "data-integrity-v1.jsonld")),
        }
    )


def open_badge(issuer_id: str, valid_until: str | None = "2028-11-21T00:00:00-05:00") -> dict:
    """A credential shaped like the ones lms issues for a certificate (its validUntil the start
    of the expiry day in New York, the tests' program zone)."""
    document = {
        "@context": [loader.VC_CONTEXT, loader.OB_CONTEXT],
        "id": "urn:uuid:0b8f1c9e-3d1a-4a57-9a4c-5b1f0e2d7c11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": "Peer Support Academy"},
        "validFrom": "2026-11-21T09:30:00Z",
        "name": "Certified Peer Supporter",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Ada O'Neill",
            "achievement": {
                "id": "https://lms.example/achievements/peer-support-foundations",
                "type": ["Achievement"],
                "name": "Peer Support Foundations",
                "description": "Completed the course and passed every quiz.",
                "criteria": {"narrative": "Pass all module quizzes and 20 supervised hours."},
            },
        },
        "credentialStatus": {
            "id": "https://lms.example/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://lms.example/status/1",
        },
    }
    if valid_until:
        document["validUntil"] = valid_until
    return document


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens a connection or resolves a name."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network use attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
