"""Verifying a credential file someone hands us (the /verify page and `lms credentials verify`):
read it (size, UTF-8, JSON), then lms.vc's checks with our key ring (and any did:key), and
revocation from our own status lists. Nothing is fetched from the internet: another issuer's
did:web key or status list is reported as "not checked here", not as a fault of the credential.

What the result shows of the credential is only what the credential itself says (issuer name,
achievement, the holder's name if it carries one); no account is ever looked up from it.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from ...extensions import db
from ...vc import status_list
from ...vc.checking import Check, CredentialReport, check_credential
from ...vc.proof import issuer_id
from .. import program_day
from . import addresses, keyring, status

MAX_BYTES = 1024 * 1024  # a credential is a few kilobytes; a megabyte is far beyond any real one
# The one wording of that limit: the form's hint, the answer to a larger file, the 413 page.
LIMIT = f"{MAX_BYTES // (1024 * 1024)} MB"
TOO_LARGE = (
    f"The file is larger than {LIMIT}, so it is not a credential: a credential file is a few "
    "kilobytes. Choose the credential's .json file."
)
MAX_SHOWN = 200  # characters of a name taken from the credential, so a page stays readable
STATUS_NUMBER = re.compile(r"[1-9][0-9]{0,8}")  # a list number in a status list's address

# The names people read for lms.vc's checks, in their order.
CHECK_LABELS = {
    "structure": "Format",
    "proof": "Signature",
    "dates": "Dates",
    "status": "Revocation",
}

VALID = "valid"
NOT_VALID = "not valid"
NOT_CHECKED = "not fully checked"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Verification:
    """What a person is told about one credential file."""

    problem: str | None = None  # set when the file could not be read as a credential at all
    report: CredentialReport = field(default_factory=CredentialReport)  # lms.vc's checks
    issuer_name: str | None = None
    issuer_id: str | None = None
    ours: bool = False  # the credential names this site as its issuer
    credential_name: str | None = None
    achievement_name: str | None = None
    holder_name: str | None = None  # only a name the credential itself carries

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(self.report.checks)

    @property
    def verdict(self) -> str:
        if self.problem is not None:
            return UNREADABLE
        if self.report.ok:
            return VALID
        return NOT_VALID if self.report.failed else NOT_CHECKED

    @property
    def summary(self) -> str:
        """The verdict in one sentence."""
        verdict = self.verdict
        if verdict == UNREADABLE:
            return self.problem
        if verdict == VALID:
            return "This credential is valid: " + ", ".join(c.words for c in self.checks[1:]) + "."
        if verdict == NOT_VALID:
            wrong = [c.words for c in self.checks if not c.ok and not c.unchecked]
            return "This credential is not valid: " + "; ".join(wrong) + "."
        return (
            "Nothing wrong was found, but this server could not check everything: "
            + "; ".join(c.words for c in self.checks if c.unchecked)
            + "."
        )

    def labelled(self):
        """(label, check) pairs in the order they were made."""
        return [(CHECK_LABELS.get(check.name, check.name), check) for check in self.checks]


def _shown(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = " ".join(value.split())
    return value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 1] + "…"


def _read(data: bytes):
    """The JSON document in `data`, or a message saying what is wrong with the file."""
    if len(data) > MAX_BYTES:
        return None, TOO_LARGE
    if not data.strip():
        return None, "The file is empty. Choose the credential's .json file, or paste its text."
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, (
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read), so it is not a "
            "credential. Choose the .json file of the credential, not a PDF or an image."
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return None, (
            f"The file is not valid JSON: line {error.lineno}, column {error.colno}: "
            f"{error.msg}. Was it changed or cut short? Use the file as it was downloaded."
        )
    except RecursionError:
        return None, "The file's JSON is nested too deeply to be a credential."
    except ValueError:  # Python refuses integers of more than 4,300 digits
        return None, "The file holds a number too long to be part of a credential."
    if not isinstance(document, dict):
        kind = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}.get(
            type(document), "a number"
        )
        return None, (
            f"The file holds {kind}, not a credential: a credential is one JSON object, "
            "starting with {."
        )
    return document, None


def _status_reader(config):
    """A function: status entry -> revoked? from our own status lists, read as they are served
    (status.served_document, which signs a list that was never served yet); None for a list that
    is not ours, does not exist or cannot be read (the check then says "not checked here").

    Ours means under the configured address (LMS_BASE_URL), the one our credentials' status
    entries are built from (addresses.status_list_url), never the address a request came in on:
    whoever sends a request chooses its Host, and another issuer's credential naming that host
    would otherwise be answered from our lists."""
    lists = addresses.status_list_url(config, "")  # <LMS_BASE_URL>/credentials/status/

    def revoked(entry):
        url = entry.get("statusListCredential")
        index = entry.get("statusListIndex")
        if not isinstance(url, str) or not isinstance(index, str | int):
            return None
        number = url.removeprefix(lists) if url.startswith(lists) else ""
        if not STATUS_NUMBER.fullmatch(number):
            return None
        try:
            served = status.served_document(int(number), config)
            listed = json.loads(served) if served else None
            encoded = listed["credentialSubject"]["encodedList"] if listed else None
            return None if encoded is None else status_list.is_set(encoded, int(index))
        except SQLAlchemyError:
            db.session.rollback()  # a database that cannot answer: the check says "not here"
            return None
        except (keyring.SigningKeyMissing, keyring.KeyFileError, OSError):
            db.session.rollback()  # a list never served cannot be signed without our key ring
            return None
        except (ValueError, KeyError, TypeError):
            return None

    return revoked


def _public_keys(config):
    """Our current and retired keys; with no key ring configured, none (did:key still works)."""
    try:
        return keyring.public_key_for(config)
    except (keyring.SigningKeyMissing, keyring.KeyFileError, OSError):
        return lambda method: None


def verify_file(data: bytes, config, now: datetime) -> Verification:
    """Check one credential file at the moment `now` (lms.clock's now); the dates it shows are
    the program's (LMS_TIMEZONE), as on every page."""
    document, problem = _read(data)
    if problem:
        return Verification(problem=problem)
    report = check_credential(
        document, _public_keys(config), _status_reader(config), now, zone=program_day.zone()
    )
    issuer = document.get("issuer")
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    who = issuer_id(document)
    return Verification(
        report=report,
        issuer_name=_shown(issuer.get("name")) if isinstance(issuer, dict) else None,
        issuer_id=_shown(who),
        ours=who is not None and who == keyring.issuer_did(config),
        credential_name=_shown(document.get("name")),
        achievement_name=_shown(achievement.get("name")),
        holder_name=_shown(subject.get("name")),
    )
