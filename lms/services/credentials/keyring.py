"""The issuer's key ring: the Ed25519 key that signs new credentials and the public keys of
retired ones, so that a credential signed before a rotation still verifies.

The ring is one JSON file outside the database (LMS_ISSUER_KEYS: its path, or the JSON itself for
a secret store that hands values, not files). Every app instance reads the same ring, as it reads
the same LMS_SECRET_KEY. `lms keys generate` adds a key and keeps only the public half of the ones
before it. Outside production, a ring is made in instance/ on first use so that nothing needs
configuring; production refuses to start without one (lms.config).

The issuer is a did:web DID made from the site's address (https://training.example.org ->
did:web:training.example.org), so any verifier can find the public keys at
/.well-known/did.json; a key's verification method is the DID with the key's id as fragment.
"""

import json
import os
import pwd
import secrets
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ... import clock
from ...vc import keys
from ...vc.keys import KeyFileError, KeyPair
from ...vc.proof import xsd_datetime

# Where credentials point when LMS_BASE_URL is not set (never in production): the Quick start's
# address. Set LMS_BASE_URL before issuing credentials anyone else will check.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"

_cache = {}
_cache_lock = threading.Lock()


__all__ = ["KeyFileError", "KeyRing", "SigningKeyMissing"]


class SigningKeyMissing(RuntimeError):
    """No key can sign: the message says what to configure."""


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[KeyPair, ...]  # oldest first; each id is a fragment such as "key-2026-11-29-a1b2"

    @property
    def current(self):
        """The newest key that has its secret half, or None."""
        for key in reversed(self.keys):
            if key.private_key is not None:
                return key
        return None

    def by_id(self, key_id):
        return next((key for key in self.keys if key.id == key_id), None)


def base_url(config):
    return config.get("LMS_BASE_URL") or DEVELOPMENT_BASE_URL


def issuer_did(config):
    """did:web of the site: the host (a port's colon encoded) and any path, ':'-separated."""
    parts = urlsplit(base_url(config))
    host = quote(parts.netloc, safe="")
    path = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *path])


def verification_method(config, key):
    return f"{issuer_did(config)}#{key.id}"


def _read(path):
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise KeyFileError(
            f"{path} is not UTF-8 text, so it is not a key ring; restore it from its backup or "
            "make a new one with `lms keys generate`."
        ) from None


def _parse(text, where):
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise KeyFileError(
            f"{where} is not JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
            "restore it from its backup or make a new one with `lms keys generate`."
        ) from None
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise KeyFileError(f'{where} has no "keys" list; make a key ring with `lms keys generate`.')
    ring = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise KeyFileError(f'{where}: key {number} has no "id".')
        public = entry.get("publicKeyMultibase")
        secret = entry.get("secretKeyMultibase")
        try:
            ring.append(keys.from_multibase(public, secret, key_id=entry["id"]))
        except KeyFileError as error:
            raise KeyFileError(f"{where}: key {entry['id']!r}: {error}") from None
    if len({key.id for key in ring}) != len(ring):
        raise KeyFileError(f"{where}: two keys have the same id; each id must be unique.")
    return KeyRing(tuple(ring))


def _serialise(ring, created):
    entries = []
    for key in ring.keys:
        entry = {"id": key.id, "type": "Multikey", "publicKeyMultibase": keys.public_multibase(key)}
        if key.private_key is not None:
            entry["secretKeyMultibase"] = keys.secret_multibase(key)
        entry["created"] = created.get(key.id)
        entries.append(entry)
    return json.dumps({"keys": entries}, indent=2) + "\n"


def _new_key_id(now):
    return f"key-{now:%Y-%m-%d}-{secrets.token_hex(2)}"


# A ring made afresh: its owner writes it, its group (chgrp it to the app's user) reads it.
NEW_RING_MODE = 0o640


def add_key(path, now=None):
    """Add a new signing key to the ring at `path` (made if missing); the keys before it keep
    only their public half, so credentials they signed still verify. Returns the new KeyPair.

    The file is written whole to a temporary file and renamed over the old one, which keeps the
    old file's mode, and its owner and group when run as root, so that the app's user can still
    read it after `sudo lms keys generate`; a new ring gets NEW_RING_MODE."""
    now = now or clock.now()
    path = Path(path)
    created = {}
    old = ()
    mode, owner = NEW_RING_MODE, None
    if path.exists():
        text = _read(path)
        ring = _parse(text, str(path))
        created = {entry["id"]: entry.get("created") for entry in json.loads(text)["keys"]}
        old = tuple(keys.from_multibase(keys.public_multibase(k), key_id=k.id) for k in ring.keys)
        info = path.stat()
        mode, owner = stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid)
    fresh = keys.generate()
    new = KeyPair(_new_key_id(now), fresh.private_key, fresh.public_key)
    created[new.id] = xsd_datetime(now)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    # Made readable by its owner only until it holds the whole ring and its final mode and owner.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(_serialise(KeyRing((*old, new)), created))
            if owner is not None and os.geteuid() == 0:
                os.fchown(handle.fileno(), *owner)
            os.fchmod(handle.fileno(), mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    with _cache_lock:
        _cache.clear()
    return new


def load(config):
    """The configured ring. Outside production, a ring is made in instance/ on first use."""
    setting = config.get("LMS_ISSUER_KEYS") or ""
    if setting.lstrip().startswith("{"):
        key = ("value", setting)
        with _cache_lock:
            if key not in _cache:
                _cache[key] = _parse(setting, "LMS_ISSUER_KEYS")
            return _cache[key]
    if not setting:
        raise SigningKeyMissing(
            "No issuer key is configured: run `lms keys generate --file PATH` and set "
            "LMS_ISSUER_KEYS to that path."
        )
    path = Path(setting)
    with _cache_lock:
        if not path.exists():
            if config.get("LMS_ENV") == "production":
                raise SigningKeyMissing(
                    f"The issuer key ring {path} does not exist: run `lms keys generate --file "
                    f"{path}` (and keep a backup of it), or point LMS_ISSUER_KEYS at the ring."
                )
            _cache.clear()
        stamp = path.stat().st_mtime_ns if path.exists() else None
        cached = _cache.get(("file", str(path)))
        if cached and cached[0] == stamp:
            return cached[1]
    if stamp is None:
        add_key(path)
        stamp = path.stat().st_mtime_ns
    ring = _parse(_read(path), str(path))
    with _cache_lock:
        _cache[("file", str(path))] = (stamp, ring)
    return ring


def signing_key(config):
    """(KeyPair, verification method) for signing now; SigningKeyMissing says what to set."""
    ring = load(config)
    if ring.current is None:
        raise SigningKeyMissing(
            "The issuer key ring holds only retired public keys: run `lms keys generate` to add "
            "a signing key."
        )
    return ring.current, verification_method(config, ring.current)


def unusable_reason(config):
    """Why the configured ring cannot sign, in words that say what to fix; None when it can.
    Production start-up asks this once, so that a missing, unreadable or broken ring stops the
    app with a message rather than failing every certificate later."""
    setting = config.get("LMS_ISSUER_KEYS") or ""
    try:
        signing_key(config)
    except (SigningKeyMissing, KeyFileError) as error:
        return f"LMS_ISSUER_KEYS: {error}"
    except PermissionError as error:
        where = error.filename or setting
        return (
            f"LMS_ISSUER_KEYS: the key ring {where} cannot be read by the user this app runs as "
            f"({_user_name()}). Let that user read it, e.g. `chgrp lms {where} && chmod 640 "
            f"{where}` (and let it enter the folder), or run the app as the ring's owner."
        )
    except OSError as error:
        where = error.filename or setting
        return (
            f"LMS_ISSUER_KEYS: the key ring {where} cannot be read ({error.strerror}): point "
            "LMS_ISSUER_KEYS at the file `lms keys generate` made."
        )
    return None


def _user_name():
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def public_key_for(config):
    """A function: verification method -> the public key bytes, for our current and retired
    keys (None for any other method; lms.vc resolves did:key itself)."""
    ring = load(config)
    prefix = issuer_did(config) + "#"

    def lookup(method):
        if not isinstance(method, str) or not method.startswith(prefix):
            return None
        key = ring.by_id(method[len(prefix) :])
        return key.public_key if key else None

    return lookup


def did_document(config):
    """The DID document served at /.well-known/did.json: every key, current and retired, as a
    Multikey that may sign credentials (assertionMethod)."""
    did = issuer_did(config)
    ring = load(config)
    methods = [
        {
            "id": verification_method(config, key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": keys.public_multibase(key),
        }
        for key in ring.keys
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
