"""Shared pieces for the signed-credential tests: an app whose issuer has its own key ring and
address, reading a served status list, checking a credential as a verifier would; and, for the
verifying tests, credentials made with lms.vc and the key ring directly: ours (signed by this
site's key, revocation bit in our status list 1) and other issuers' (did:key, did:web)."""

import json
import shutil
from datetime import UTC, date, datetime, time

import pytest

from lms import clock
from lms.extensions import db
from lms.models import CredentialStatusList
from lms.services import program_day
from lms.services.credentials import keyring, status
from lms.vc import checking, keys, proof, status_list
from tests.unit.vckit import open_badge

BASE_URL = "https://training.example.org"
TODAY = date(2026, 12, 1)
NOW = datetime.combine(TODAY, time(12), tzinfo=UTC)  # the moment the checks are made at
INDEX = 94567
SIGNED_AT = "2026-11-21T09:30:00Z"


def own_ring(app, tmp_path):
    """A copy of the test run's key ring for this test alone, so that rotating it touches no
    other test; copied, not made, since the run's ring is made once (tests/conftest.py)."""
    path = tmp_path / "issuer-keys.json"
    shutil.copyfile(app.config["LMS_ISSUER_KEYS"], path)
    app.config["LMS_ISSUER_KEYS"] = str(path)


@pytest.fixture
def issuer(app, tmp_path):
    """This test's own key ring (own_ring) and site address."""
    own_ring(app, tmp_path)
    app.config["LMS_BASE_URL"] = BASE_URL
    app.config["LMS_ISSUER_NAME"] = "Peer Support Academy"
    return app.config


def served_list(number):
    return json.loads(status.served_document(number))


def bit_of(document):
    """Is this credential's bit set in the status list as served now?"""
    entry = document["credentialStatus"]
    number = int(entry["statusListCredential"].rsplit("/", 1)[1])
    encoded = served_list(number)["credentialSubject"]["encodedList"]
    return status_list.is_set(encoded, int(entry["statusListIndex"]))


def check(document, config, now=None):
    """lms.vc.checking's report on `document`, with the keyring's keys and our status lists."""
    return checking.check_credential(
        document,
        keyring.public_key_for(config),
        bit_of_entry,
        now or clock.now(),
        zone=program_day.zone(),
    )


def bit_of_entry(entry):
    return bit_of({"credentialStatus": entry})


def configure(app, tmp_path):
    """Point the app at a key ring of its own (own_ring) and a real address (the issuer's
    did:web)."""
    app.config["LMS_BASE_URL"] = BASE_URL
    own_ring(app, tmp_path)
    return app.config


def status_url(config, number=1):
    return f"{keyring.base_url(config)}/credentials/status/{number}"


def ours(config, index=INDEX, number=1, **changes):
    """One of our credentials, signed with our current key; `changes` go in before signing."""
    document = open_badge(keyring.issuer_did(config))
    document["credentialStatus"] = {
        "id": f"{status_url(config, number)}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": status_url(config, number),
    }
    document.update(changes)
    key, method = keyring.signing_key(config)
    return proof.sign(document, key, method, SIGNED_AT)


def store_status_list(config, revoked=(), number=1):
    """Our status list `number`, signed, as the status list service keeps it."""
    listed = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": status_url(config, number),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keyring.issuer_did(config),
        "validFrom": SIGNED_AT,
        "credentialSubject": {
            "id": status_url(config, number) + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status_list.encode(revoked),
        },
    }
    key, method = keyring.signing_key(config)
    signed = proof.sign(listed, key, method, SIGNED_AT)
    row = db.session.get(CredentialStatusList, number) or CredentialStatusList(number=number)
    row.document = json.dumps(signed)
    db.session.add(row)
    db.session.commit()


def did_key_credential(**changes):
    """Another issuer's credential, signed with a did:key: verifiable offline."""
    key = keys.generate()
    document = open_badge(keys.did_key(key))
    document.pop("credentialStatus")
    document["issuer"]["name"] = "Elsewhere Recovery Network"
    document.update(changes)
    return proof.sign(document, key, key.id, SIGNED_AT)


def did_web_credential():
    """Another issuer's credential whose key lives at a did:web we will not fetch."""
    key = keys.generate()
    issuer = "did:web:badges.elsewhere.example"
    document = open_badge(issuer)
    document["issuer"]["name"] = "Elsewhere Recovery Network"
    document["credentialStatus"]["statusListCredential"] = "https://badges.elsewhere.example/s/1"
    return proof.sign(document, key, issuer + "#key-1", SIGNED_AT)


def as_bytes(document):
    return json.dumps(document, indent=2).encode()
