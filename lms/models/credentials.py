"""Portable credentials: each certificate as a signed Open Badges 3.0 credential, and the
status lists that say, for anyone to check offline, which of them are revoked."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .certification import Certificate
from .types import UTCDateTime, utcnow


class Credential(db.Model):
    """The signed OpenBadgeCredential of one certificate, stored as issued so that the holder
    downloads the same document every time. Its place in a status list (list number and index,
    given at random within the list for herd privacy) is where its revocation bit lives."""

    __tablename__ = "credential"
    __table_args__ = (UniqueConstraint("status_list", "status_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificate.id", ondelete="CASCADE"), unique=True
    )
    status_list: Mapped[int] = mapped_column(default=1)
    status_index: Mapped[int]
    # the key that signed it: the proof's verificationMethod (a URL or did:web with #fragment)
    verification_method: Mapped[str] = mapped_column(String(300))
    document: Mapped[str] = mapped_column(Text)  # the signed JSON-LD, exactly as served
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    certificate: Mapped[Certificate] = relationship()


class CredentialStatusList(db.Model):
    """One signed BitstringStatusListCredential (purpose: revocation), re-signed in the same
    transaction as every revocation or reinstatement of a certificate in it."""

    __tablename__ = "credential_status_list"

    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    document: Mapped[str | None] = mapped_column(Text)  # the signed JSON-LD, as served
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
