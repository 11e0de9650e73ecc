"""The revocation status lists: one signed BitstringStatusListCredential per list of 131,072
places, whose bits are the credentials of revoked certificates. A list is re-signed and stored
(CredentialStatusList) in the same transaction as every revocation or reinstatement, so that
what a verifier fetches is never behind the certificate's own state.

A renewal does not touch the list: the superseded certificate's credential stays valid until its
own validUntil unless the certificate is revoked.
"""

import json

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ... import clock
from ...extensions import db
from ...models import Certificate, Credential, CredentialStatusList
from ...vc import proof, status_list
from ...vc.loader import VC_CONTEXT
from ..settings import app_config
from . import addresses, keyring


def revoked_indexes(number):
    """The places in list `number` of credentials whose certificate is revoked."""
    return list(
        db.session.scalars(
            select(Credential.status_index)
            .join(Certificate, Certificate.id == Credential.certificate_id)
            .where(Credential.status_list == number, Certificate.revoked_at.is_not(None))
        )
    )


def status_list_credential(number, config, now=None):
    """The signed BitstringStatusListCredential of list `number`, as it stands now."""
    url = addresses.status_list_url(config, number)
    moment = now or clock.now()
    document = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keyring.issuer_did(config),
        "validFrom": proof.xsd_datetime(moment),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status_list.encode(revoked_indexes(number)),
        },
    }
    key, method = keyring.signing_key(config)
    return proof.sign(document, key, method, moment)


def lock_list(number):
    """The list's row (made if missing), locked until the transaction ends: two revocations in
    one list take turns, so the second reads the first's bit, and two credentials being issued
    take turns choosing their places (PostgreSQL; SQLite has one writer anyway)."""
    query = select(CredentialStatusList).where(CredentialStatusList.number == number)
    row = db.session.scalar(query.with_for_update().execution_options(populate_existing=True))
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            db.session.add(CredentialStatusList(number=number))
    except IntegrityError:
        pass  # another transaction made it: lock theirs
    return db.session.scalar(query.with_for_update().execution_options(populate_existing=True))


def refresh(number, config=None, now=None):
    """Re-sign list `number` and store it, in the caller's transaction (not committed)."""
    config = config or app_config()
    row = lock_list(number)
    moment = now or clock.now()
    row.document = json.dumps(status_list_credential(number, config, moment), indent=2)
    row.updated_at = moment
    db.session.flush()
    return row


def refresh_for_certificate(certificate_id, config=None):
    """Re-sign the list holding this certificate's credential; nothing when it has none yet (its
    credential, when made, starts with the right bit)."""
    number = db.session.scalar(
        select(Credential.status_list).where(Credential.certificate_id == certificate_id)
    )
    if number is not None:
        refresh(number, config)


def highest_list_number():
    """The highest list number any credential is in (1 when there are none yet)."""
    return db.session.scalar(select(func.max(Credential.status_list))) or 1


def served_document(number, config=None):
    """The stored signed list as served, made (and committed) on first request if missing;
    None when no such list exists."""
    if not 1 <= number <= highest_list_number():
        return None
    row = db.session.get(CredentialStatusList, number)
    if row is not None and row.document:
        return row.document
    try:
        row = refresh(number, config)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        row = db.session.get(CredentialStatusList, number, populate_existing=True)
    return row.document
