"""Shared pieces for the signed-credential tests: an app whose issuer has its own key ring and
address, reading a served status list, and checking a credential as a verifier would."""

import json

import pytest

from lms import clock
from lms.services.credentials import keyring, status
from lms.vc import checking, status_list

BASE_URL = "https://training.example.org"


@pytest.fixture
def issuer(app, tmp_path):
    """This test's own key ring (rotating it touches no other test) and site address."""
    app.config["LMS_ISSUER_KEYS"] = str(tmp_path / "issuer-keys.json")
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


def check(document, config, today=None):
    """lms.vc.checking's report on `document`, with the keyring's keys and our status lists."""
    return checking.check_credential(
        document, keyring.public_key_for(config), bit_of_entry, today or clock.today()
    )


def bit_of_entry(entry):
    return bit_of({"credentialStatus": entry})
