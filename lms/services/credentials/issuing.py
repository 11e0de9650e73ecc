"""Each certificate as a signed Open Badges 3.0 OpenBadgeCredential: built from the certificate
and its course, signed with the issuer's current key when first needed (the certificate email's
attachments, made by the background worker; a download; the cohort zip), not in the request
that issues the certificate, and stored (Credential) so that every download is the same document.

The holder is identified by a salted SHA-256 hash of their email (an IdentityObject), never by
the email itself, and not by name: the document is public to anyone given its code and cannot be
changed once signed, so it carries only what a verifier needs to match it to the person who
hands it over (who can show their email). The name stays on /verify/<code>, which says "No longer
available" once an account is erased; a signed file could not.
"""

import hashlib
import json
import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ... import clock
from ...content.domains import DEFAULT_DOMAINS
from ...content.domains import label as domain_label
from ...extensions import db
from ...models import Certificate, Credential, LiveSession, LiveSessionVersion, User
from ...vc import proof
from ...vc.loader import OB_CONTEXT, VC_CONTEXT
from ...vc.status_list import LIST_SIZE
from .. import program_day
from ..logbook.hours import HOURS_REQUIREMENTS
from ..settings import app_config
from . import addresses, keyring, status

# OB 3.0's media type for a credential in JSON-LD; a verifier that asks for JSON reads it as JSON
MEDIA_TYPE = "application/vc+ld+json"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
# Random draws before giving up: a list is given up as full long before this could fail.
_MAX_INDEX_TRIES = 20
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")


class NotIssuable(LookupError):
    """No credential can be made for this certificate: its holder's account was erased before
    one was issued, so there is no email to identify them by."""


def identity_hash(email, salt):
    """OB 3.0 IdentityObject.identityHash: "sha256$" and the hex digest of the email + salt."""
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def _md(text):
    """Course wording inside Markdown, so that a * or _ in a title stays a character."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _hours(value):
    return f"{value} hour" if value == 1 else f"{value} hours"


def _session_titles(course):
    """{slug: title} of the course's live sessions, as their current versions name them (none
    read when the certificate asks for no session)."""
    if not (course.required_sessions or course.required_checklists):
        return {}
    rows = db.session.execute(
        select(LiveSession.slug, LiveSessionVersion.title)
        .join(
            LiveSessionVersion,
            (LiveSessionVersion.live_session_id == LiveSession.id)
            & (LiveSessionVersion.number == LiveSession.current_version_number),
        )
        .where(LiveSession.course_id == course.id)
    )
    return dict(rows.all())


def criteria_narrative(course, session_titles):
    """What earning the certificate asked, in plain Markdown: the modules, training hours by
    domain, live sessions, the code of ethics, and practice and supervision hours."""
    lines = [f"- Passed the quiz of every module of *{_md(course.title)}*."]
    training = course.training_hours or {}
    if training.get("total"):
        lines.append(f"- Completed {_hours(training['total'])} of training in all.")
    for domain in course.domains or DEFAULT_DOMAINS:
        if training.get(domain):
            lines.append(
                f"- Completed {_hours(training[domain])} of training in "
                f"{_md(domain_label(domain))}."
            )
    checklists = set(course.required_checklists or ())
    for slug in dict.fromkeys([*(course.required_sessions or ()), *checklists]):
        title = _md(session_titles.get(slug, slug))
        extra = ", with its skills checklist complete" if slug in checklists else ""
        lines.append(f"- Attended the live session *{title}*{extra}.")
    if course.ethics_hash:
        lines.append("- Signed the course's code of ethics.")
    for column, _kind, label in HOURS_REQUIREMENTS:
        required = getattr(course, column)
        if required:
            lines.append(f"- Had {_hours(required)} of {label} approved by a supervisor.")
    return "To earn this certificate, the holder:\n\n" + "\n".join(lines) + "\n"


def achievement(course, config, session_titles):
    """The course certificate's Achievement: one per course, at a stable address."""
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": domain_label(domain),
            "targetUrl": addresses.domain_url(config, course.slug, domain),
            "targetDescription": f"Training domain of {course.title}",
            "targetType": "ceasn:Competency",
        }
        for domain in course.domains or DEFAULT_DOMAINS
    ]
    return {
        "id": addresses.achievement_url(config, course.slug),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": course.certificate_title,
        "description": course.summary or course.title,
        "criteria": {"narrative": criteria_narrative(course, session_titles)},
        "alignment": alignments,
    }


def issuer_name(config):
    """The organisation that issues the certificates (LMS_ISSUER_NAME, the site's name when not
    set): the name in every signed credential and in LinkedIn's add-to-profile form."""
    return config.get("LMS_ISSUER_NAME") or config.get("LMS_SITE_NAME")


def issuer_profile(config):
    """The issuer as credentials name it: the did:web DID, its name and its web address."""
    return {
        "id": keyring.issuer_did(config),
        "type": ["Profile"],
        "name": issuer_name(config),
        "url": keyring.base_url(config),
    }


def issuer_profile_document(config):
    """The issuer Profile served at /issuer: who issues, and every public key that has signed
    credentials, current and retired, as Multikey verification methods (the same ones the
    did:web document lists), so that a credential signed before a key rotation still verifies."""
    methods = keyring.did_document(config)["verificationMethod"]
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT, MULTIKEY_CONTEXT],
        **issuer_profile(config),
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def status_entry(config, number, index):
    list_url = addresses.status_list_url(config, number)
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def valid_until(expires_on):
    """A credential's validUntil: the moment its certificate's expiry day begins in the program's
    time zone (2027-11-21T00:00:00-05:00), when the certificate's own page first says expired.
    Credentials signed before this wrote midnight UTC (2027-11-21T00:00:00Z) and keep it."""
    return proof.xsd_datetime_with_offset(program_day.day_begins(expires_on))


def credential_for(certificate, config, number, index, salt=None, session_titles=None, now=None):
    """The signed OpenBadgeCredential of `certificate` (holder and course loaded), at place
    `index` of status list `number`."""
    course = certificate.course
    email = certificate.user.email
    salt = salt or secrets.token_hex(16)
    if session_titles is None:
        session_titles = _session_titles(course)
    document = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": addresses.credential_url(config, certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.title,
        "issuer": issuer_profile(config),
        "validFrom": proof.xsd_datetime(certificate.issued_at),
        # The certificate counts as expired from its expiry date on in the program's time zone
        # (certification.certificate_status), so the credential is valid until that day begins
        # there, written with that zone's offset so that its date reads as the expiry date.
        "validUntil": valid_until(certificate.expires_on),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": achievement(course, config, session_titles),
        },
        "credentialStatus": status_entry(config, number, index),
    }
    key, method = keyring.signing_key(config)
    return proof.sign(document, key, method, now or clock.now())


def _list_with_room():
    """The newest status list, or the next one when it is full, locked until the transaction
    ends (status.lock_list): credentials issued at the same moment take turns choosing a place,
    so two never draw the same one."""
    number = status.highest_list_number()
    status.lock_list(number)
    used = db.session.scalar(
        select(func.count()).select_from(Credential).where(Credential.status_list == number)
    )
    if used >= LIST_SIZE:
        number += 1
        status.lock_list(number)
    return number


def _free_index(number):
    """A random unused place in the list: random, so that a place says nothing of when or in
    which course a credential was issued."""
    for _ in range(_MAX_INDEX_TRIES):
        index = secrets.randbelow(LIST_SIZE)
        taken = db.session.scalar(
            select(Credential.id).where(
                Credential.status_list == number, Credential.status_index == index
            )
        )
        if taken is None:
            return index
    raise RuntimeError(f"status list {number} has no free place after {_MAX_INDEX_TRIES} tries")


def credential_of(certificate_id):
    return db.session.scalar(select(Credential).where(Credential.certificate_id == certificate_id))


def can_be_made_for(holder):
    """Whether a credential can be signed for this holder (a User): not once their account is
    erased, since it identifies them by their email's hash (NotIssuable)."""
    return holder.erased_at is None and bool(holder.email)


def _certificate_to_sign(certificate_id):
    """The certificate, holder and course loaded, its row locked until the transaction ends
    (PostgreSQL): a revocation at the same moment (which locks it too) either waits for the
    credential and then re-signs the list with its bit, or goes first and is seen here. Two first
    uses take turns, so the second finds the first's credential instead of signing another."""
    db.session.execute(
        select(Certificate.id)
        .where(Certificate.id == certificate_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: a credential may refer to it
    )
    return db.session.scalar(
        select(Certificate)
        .options(joinedload(Certificate.user).lazyload(User.roles), joinedload(Certificate.course))
        .where(Certificate.id == certificate_id)
        .execution_options(populate_existing=True)  # as it stands after any wait
    )


def issue(certificate_id, config=None, now=None):
    """The certificate's Credential: the one it has, or a new one signed and added (flushed, not
    committed) in the caller's transaction. A credential of a revoked certificate re-signs its
    status list at once. Raises NotIssuable, or keyring.SigningKeyMissing when no key can sign;
    the caller must then roll back, since the credential may already be flushed (the erasure
    check runs again after the write). ensure_credential does."""
    existing = credential_of(certificate_id)
    if existing is not None:
        return existing
    config = config or app_config()
    certificate = _certificate_to_sign(certificate_id)
    existing = credential_of(certificate_id)  # made by another first use while this one waited
    if existing is not None:
        return existing
    if not can_be_made_for(certificate.user):
        raise NotIssuable(certificate.code)
    number = _list_with_room()
    index = _free_index(number)
    document = credential_for(certificate, config, number, index, now=now)
    credential = Credential(
        certificate_id=certificate.id,
        status_list=number,
        status_index=index,
        verification_method=document["proof"]["verificationMethod"],
        document=json.dumps(document, indent=2, ensure_ascii=False),
        issued_at=now or clock.now(),
    )
    db.session.add(credential)
    # A second credential for the same certificate (two first uses at once, where the lock in
    # _certificate_to_sign does nothing: SQLite) fails here on the unique certificate_id;
    # ensure_credential then reads the one that won.
    db.session.flush()
    # Read again now that the credential is written: on SQLite, where the lock above does
    # nothing, a revocation or erasure either committed before the write (and shows here) or
    # waits for this transaction (and a revocation then finds the credential). On PostgreSQL an
    # erasure committed after this read leaves what one a moment earlier would: a kept credential.
    revoked_at, erased_at = db.session.execute(
        select(Certificate.revoked_at, User.erased_at)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.id == certificate.id)
    ).one()
    if erased_at is not None:
        raise NotIssuable(certificate.code)
    if revoked_at is not None:
        status.refresh(number, config, now)
    return credential


# How many credentials one run of the worker's periodic task signs (about 30 ms each): the rest
# wait for the next run, five minutes later.
SIGN_PER_RUN = 200


def sign_pending(config=None, limit=SIGN_PER_RUN):
    """Sign the credentials of certificates that have none yet, oldest first, each committed on
    its own (ensure_credential): the background worker runs this every five minutes, so that a
    credential exists soon after its certificate whether or not anyone downloads it or an email
    brings it, and a cohort's zip finds them made. Certificates whose holder was erased are left
    (none can be made). Returns how many were signed."""
    pending = db.session.scalars(
        select(Certificate.id)
        .join(User, User.id == Certificate.user_id)
        .outerjoin(Credential, Credential.certificate_id == Certificate.id)
        .where(Credential.id.is_(None), User.erased_at.is_(None))
        .order_by(Certificate.id)
        .limit(limit)
    ).all()
    signed = 0
    for certificate_id in pending:
        try:
            ensure_credential(certificate_id, config)
        except NotIssuable:  # erased since the list was read
            continue
        signed += 1
    return signed


def ensure_credential(certificate_id, config=None):
    """The certificate's Credential, made and committed on first use: every reader of a
    certificate's credential calls this rather than expect one to exist. Two first uses at once
    get the same one. Commits the session (or, when it raises, rolls it back). Raises
    NotIssuable, or keyring.SigningKeyMissing."""
    existing = credential_of(certificate_id)
    if existing is not None:
        return existing
    try:
        credential = issue(certificate_id, config)
        db.session.commit()
        return credential
    except IntegrityError:
        db.session.rollback()
        existing = credential_of(certificate_id)
        if existing is None:
            raise
        return existing
    except BaseException:
        db.session.rollback()
        raise
