"""The issuer's key ring: made outside production on first use, rotated by `lms keys generate`
(old keys keep only their public half and still verify), refused with messages when broken."""

import json
import os
import stat
from datetime import UTC, datetime

import pytest

from lms.services.credentials import keyring
from lms.vc import proof

DOCUMENT = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": None,
    "credentialSubject": {"id": "urn:example:subject"},
}


def settings(tmp_path, **more):
    return {
        "LMS_ENV": "testing",
        "LMS_BASE_URL": "https://training.example.org",
        "LMS_ISSUER_KEYS": str(tmp_path / "ring.json"),
        **more,
    }


def signed(config):
    key, method = keyring.signing_key(config)
    document = dict(DOCUMENT, issuer=keyring.issuer_did(config))
    return proof.sign(document, key, method, "2026-11-29T00:00:00Z")


@pytest.mark.parametrize(
    ("base", "did"),
    [
        ("https://training.example.org", "did:web:training.example.org"),
        ("http://127.0.0.1:5000", "did:web:127.0.0.1%3A5000"),
        ("https://example.org/peer/lms", "did:web:example.org:peer:lms"),
    ],
)
def test_the_issuer_is_the_sites_did_web(base, did):
    assert keyring.issuer_did({"LMS_BASE_URL": base}) == did


def test_without_a_base_url_credentials_point_at_the_quick_start_address():
    assert keyring.issuer_did({"LMS_BASE_URL": ""}) == "did:web:127.0.0.1%3A5000"


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_outside_production_a_ring_is_made_on_first_use_readable_by_owner_and_group(tmp_path):
    config = settings(tmp_path)

    key, method = keyring.signing_key(config)

    assert mode(tmp_path / "ring.json") == 0o640
    assert method == f"did:web:training.example.org#{key.id}"
    assert key.id.startswith("key-")
    assert keyring.signing_key(config)[0].id == key.id  # the same key next time


def test_production_never_makes_a_key(tmp_path):
    config = settings(tmp_path, LMS_ENV="production")

    with pytest.raises(keyring.SigningKeyMissing, match="does not exist: run `lms keys generate"):
        keyring.signing_key(config)
    assert not (tmp_path / "ring.json").exists()


def test_rotation_keeps_old_public_keys_so_old_credentials_still_verify(tmp_path):
    config = settings(tmp_path)
    old_credential = signed(config)
    old_key = keyring.signing_key(config)[0]

    new_key = keyring.add_key(tmp_path / "ring.json", now=datetime(2027, 1, 2, tzinfo=UTC))

    saved = json.loads((tmp_path / "ring.json").read_text())["keys"]
    assert [entry["id"] for entry in saved] == [old_key.id, new_key.id]
    assert "secretKeyMultibase" not in saved[0]  # the retired key keeps its public half only
    assert "secretKeyMultibase" in saved[1]
    assert new_key.id.startswith("key-2027-01-02-")
    assert keyring.signing_key(config)[0].id == new_key.id
    lookup = keyring.public_key_for(config)
    assert proof.verify_proof(old_credential, lookup).ok
    assert proof.verify_proof(signed(config), lookup).ok
    methods = [m["id"] for m in keyring.did_document(config)["verificationMethod"]]
    assert methods == [keyring.verification_method(config, k) for k in (old_key, new_key)]
    assert keyring.did_document(config)["assertionMethod"] == methods


@pytest.mark.parametrize("kept", [0o600, 0o640, 0o440])
def test_rotation_keeps_the_rings_mode(tmp_path, kept):
    ring = tmp_path / "ring.json"
    keyring.add_key(ring)
    ring.chmod(kept)

    keyring.add_key(ring)

    assert mode(ring) == kept
    assert len(json.loads(ring.read_text())["keys"]) == 2
    assert not (tmp_path / "ring.json.new").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_rotation_by_root_keeps_the_rings_owner_and_group(tmp_path):
    ring = tmp_path / "ring.json"
    keyring.add_key(ring)
    os.chown(ring, 0, 65534)  # root's, readable by the service's group (here nogroup)

    keyring.add_key(ring)

    assert (ring.stat().st_uid, ring.stat().st_gid) == (0, 65534)
    assert mode(ring) == 0o640


def test_a_new_key_is_dated_by_the_apps_clock(tmp_path, clock):
    clock.freeze(datetime(2027, 3, 4, 23, 30, tzinfo=UTC))

    key = keyring.add_key(tmp_path / "ring.json")

    assert key.id.startswith("key-2027-03-04-")
    saved = json.loads((tmp_path / "ring.json").read_text())["keys"]
    assert saved[0]["created"] == "2027-03-04T23:30:00Z"


def test_another_sites_method_is_not_ours(tmp_path):
    config = settings(tmp_path)
    key = keyring.signing_key(config)[0]

    lookup = keyring.public_key_for(config)

    assert lookup(f"did:web:elsewhere.example#{key.id}") is None
    assert lookup("did:web:training.example.org#no-such-key") is None


def test_the_ring_may_be_given_as_its_json_value(tmp_path):
    keyring.add_key(tmp_path / "ring.json")
    value = (tmp_path / "ring.json").read_text()

    config = settings(tmp_path, LMS_ISSUER_KEYS=value)

    assert keyring.signing_key(config)[0].private_key is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not JSON \\(line 1, column 2"),
        ("[]", 'has no "keys" list'),
        ('{"keys": [{"publicKeyMultibase": "z6Mk"}]}', 'key 1 has no "id"'),
        ('{"keys": [{"id": "k", "publicKeyMultibase": "zzz"}]}', "key 'k': The public key"),
    ],
)
def test_a_broken_ring_says_what_to_fix(tmp_path, text, message):
    (tmp_path / "ring.json").write_text(text)

    with pytest.raises(keyring.KeyFileError, match=message):
        keyring.signing_key(settings(tmp_path))


def test_a_ring_of_retired_keys_only_cannot_sign(tmp_path):
    keyring.add_key(tmp_path / "ring.json")
    saved = json.loads((tmp_path / "ring.json").read_text())
    del saved["keys"][0]["secretKeyMultibase"]
    (tmp_path / "ring.json").write_text(json.dumps(saved))

    with pytest.raises(keyring.SigningKeyMissing, match="only retired public keys"):
        keyring.signing_key(settings(tmp_path))


def test_lms_keys_generate_adds_a_key_and_says_to_keep_a_backup(app, tmp_path):
    runner = app.test_cli_runner()
    ring = tmp_path / "issuer.json"

    first = runner.invoke(args=["keys", "generate", "--file", str(ring)])
    second = runner.invoke(args=["keys", "generate", "--file", str(ring)])

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "Keep a backup of this file" in second.output
    assert f"to {ring} (mode 640)" in first.output and "(mode 640)" in second.output
    assert len(json.loads(ring.read_text())["keys"]) == 2


def test_lms_keys_generate_with_the_ring_given_as_json_asks_for_a_file(app, tmp_path):
    keyring.add_key(tmp_path / "ring.json")
    value = (tmp_path / "ring.json").read_text()
    app.config["LMS_ISSUER_KEYS"] = value
    runner = app.test_cli_runner()

    refused = runner.invoke(args=["keys", "generate"])

    assert refused.exit_code == 2
    message = (
        "LMS_ISSUER_KEYS holds the key ring itself, not a path: give the file to write with "
        "--file, then put its contents in LMS_ISSUER_KEYS."
    )
    assert message in refused.output
    assert app.config["LMS_ISSUER_KEYS"] == value

    written = runner.invoke(args=["keys", "generate", "--file", str(tmp_path / "ring.json")])

    assert written.exit_code == 0, written.output
    assert len(json.loads((tmp_path / "ring.json").read_text())["keys"]) == 2


def test_lms_keys_generate_refuses_a_broken_ring(app, tmp_path):
    ring = tmp_path / "issuer.json"
    ring.write_text("{oops")

    result = app.test_cli_runner().invoke(args=["keys", "generate", "--file", str(ring)])

    assert result.exit_code == 1
    assert "is not JSON" in result.output
    assert ring.read_text() == "{oops"  # nothing half-written
