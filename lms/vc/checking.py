"""Checking a credential someone hands us, as a list of checks in words a person can read:
its shape, its signature, its dates and its revocation status.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

# The app's US dates and clock times ("November 21, 2028", "9:30 PM EST"); lms.dates has no Flask.
from lms.dates import clock_time, long_date
from lms.vc.loader import VC_CONTEXT
from lms.vc.proof import ProofCheck, issuer_id, verify_proof

CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
STATUS_ENTRY = "BitstringStatusListEntry"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    words: str
    # True when this server could not decide (a key or a status list it cannot fetch): the
    # credential is not shown to be wrong, only not shown to be right here.
    unchecked: bool = False


@dataclass(frozen=True)
class CredentialReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failed(self) -> bool:
        """Some check found something wrong (not merely something it could not check here)."""
        return any(not check.ok and not check.unchecked for check in self.checks)


def _parse_time(value) -> datetime | None:
    """An RFC 3339 / XML Schema date-time (Z or an offset), as an aware datetime that keeps the
    offset it was written with (its date is then the date the issuer wrote). One written with no
    offset, which VC 2.0 does not allow but older credentials may carry, is read as UTC."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _structure(document) -> list[str]:
    if not isinstance(document, dict):
        return ["this is not a credential: it must be one JSON object"]
    problems = []
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_CONTEXT:
        problems.append(f"its @context must be a list whose first entry is {VC_CONTEXT}")
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    missing = [name for name in CREDENTIAL_TYPES if name not in types]
    if missing:
        problems.append("its type must include " + " and ".join(missing))
    if issuer_id(document) is None:
        problems.append("it names no issuer")
    if not isinstance(document.get("credentialSubject"), dict):
        problems.append("it has no credentialSubject")
    if "proof" not in document:
        problems.append("it has no proof (it was never signed)")
    return problems


def _issuer_name(document: dict) -> str:
    issuer = document.get("issuer")
    if isinstance(issuer, dict) and isinstance(issuer.get("name"), str):
        return issuer["name"]
    return issuer_id(document) or "an unnamed issuer"


def _proof_words(document: dict, result: ProofCheck) -> str:
    if result.ok:
        return f"Signed by {_issuer_name(document)}, not altered"
    if result.problem == "context":
        return (
            "cannot check the signature here: the credential uses a JSON-LD context this server "
            f"does not hold ({result.reason.rpartition(': ')[2]}) and this server does not fetch "
            "from the internet"
        )
    if result.problem == "unknown-key":
        return (
            f"cannot check the signature here: the issuer's key {result.verification_method} "
            "is not on this server and this server does not fetch from the internet"
        )
    return result.reason[:1].upper() + result.reason[1:]


def _begins_day(moment: datetime, zone: tzinfo) -> bool:
    """Whether `moment` is when a day begins in `zone` (our validUntil, the start of the
    certificate's expiry day there)."""
    day_before = (moment - timedelta(microseconds=1)).astimezone(zone).date()
    return day_before < moment.astimezone(zone).date()


def _when(moment: datetime, zone: tzinfo) -> str:
    """A credential's date-time as the reader's program reads it, in `zone`: the day alone when
    the moment is when that day begins there ("November 21, 2028"), else the time on that day
    ("7:00 PM EST on November 20, 2028"), so that neither a day nor the hour in it is misread."""
    local = moment.astimezone(zone)
    if _begins_day(moment, zone):
        return long_date(local)
    return f"{clock_time(local)} on {long_date(local)}"


def _at(moment: datetime, zone: tzinfo) -> str:
    """When a credential ends, as the certificate pages say it: "on November 21, 2028" (its
    expiry day, the first day it is not valid), or "at 7:00 PM EST on November 20, 2028"."""
    when = _when(moment, zone)
    return f"on {when}" if _begins_day(moment, zone) else f"at {when}"


def _date_check(document: dict, now: datetime, zone: tzinfo) -> Check:
    valid_from = _parse_time(document.get("validFrom"))
    valid_until = _parse_time(document.get("validUntil"))
    if "validFrom" in document and valid_from is None:
        return Check("dates", False, "its validFrom is not a date and time")
    if "validUntil" in document and valid_until is None:
        return Check("dates", False, "its validUntil is not a date and time")
    # Moments are compared, not days: ours end when the certificate's expiry day begins in the
    # issuer's time zone (written with its offset), the moment its own page first says expired.
    # They are shown in the reader's program's zone, as every date the app shows, whatever
    # offset they were written with: a validFrom of 02:00 UTC is the evening before in New York.
    if valid_from is not None and now < valid_from:
        return Check("dates", False, f"not valid until {_when(valid_from, zone)}")
    if valid_until is not None and now >= valid_until:
        return Check("dates", False, f"expired {_at(valid_until, zone)}")
    if valid_until is not None:
        # "expires on <day>", as the certificate pages say: "valid until <day>" would promise
        # that day too, the first one it is not valid.
        return Check("dates", True, f"expires {_at(valid_until, zone)}")
    return Check("dates", True, "valid, with no end date")


def _status_check(document: dict, status_bit_for: Callable[[dict], bool | None]) -> Check:
    entries = document.get("credentialStatus")
    if entries is None:
        return Check("status", True, "has no revocation status list")
    entries = entries if isinstance(entries, list) else [entries]
    ours = [e for e in entries if isinstance(e, dict) and e.get("type") == STATUS_ENTRY]
    if not ours:
        return Check(
            "status", False, "its status uses a kind of list this server cannot read", True
        )
    for entry in ours:
        purpose = entry.get("statusPurpose", "revocation")
        revoked = status_bit_for(entry)
        if revoked is None:
            return Check(
                "status",
                False,
                "could not check revocation here: its status list is not on this server, and "
                "this server does not fetch from the internet",
                True,
            )
        if revoked:
            word = "revoked" if purpose == "revocation" else f"marked {purpose}"
            return Check("status", False, word)
    return Check("status", True, "not revoked")


def check_credential(
    document,
    public_key_for: Callable[[str], bytes | None],
    status_bit_for: Callable[[dict], bool | None],
    now: datetime,
    *,
    zone: tzinfo,
) -> CredentialReport:
    """The checks of `document` at the moment `now` (timezone-aware), its dates told in `zone`
    (the program's time zone, LMS_TIMEZONE)."""
    problems = _structure(document)
    if problems:
        return CredentialReport([Check("structure", False, "; ".join(problems))])
    checks = [Check("structure", True, "an Open Badges 3.0 credential")]
    result = verify_proof(document, public_key_for)
    unchecked = result.problem in ("unknown-key", "context")
    checks.append(Check("proof", result.ok, _proof_words(document, result), unchecked))
    checks.append(_date_check(document, now, zone))
    checks.append(_status_check(document, status_bit_for))
    return CredentialReport(checks)
