"""The staff list of certificates: every certificate, newest first, or those whose code or
holder's name or email holds some text; a page at a time (keyset) and as a streamed CSV."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, or_, select

from ...models import Certificate, User
from .. import keyset
from .certification import certificate_status
from .codes import normalise_code

ORDER = keyset.Order(((Certificate.issued_at, True), (Certificate.id, True)))
CSV_HEADER = ("Code", "Holder", "Email", "Certificate", "Issued on", "Expires on", "Status")
STATUS_WORDS = {
    "valid": "Valid",
    "expired": "Expired",
    "superseded": "Renewed (superseded)",
    "revoked": "Revoked",
}


@dataclass(frozen=True)
class CertificateRow:
    id: int
    code: str
    title: str
    issued_on: date
    expires_on: date
    revoked_at: datetime | None
    superseded_at: datetime | None
    holder: str | None  # None once the holder was erased
    email: str | None

    @property
    def status(self):
        return STATUS_WORDS[certificate_status(self)]


@dataclass(frozen=True)
class CertificatePage:
    page: keyset.Page  # of CertificateRow
    total: int  # counted up to keyset.COUNT_CAP + 1

    @property
    def rows(self):
        return self.page.rows


def _query(text):
    query = select(
        Certificate.id, Certificate.code, Certificate.title, Certificate.issued_on,
        Certificate.expires_on, Certificate.revoked_at, Certificate.superseded_at,
        User.name, User.email, User.erased_at,
    ).join(User, User.id == Certificate.user_id)  # fmt: skip
    text = (text or "").strip()
    if text:
        query = query.where(
            or_(
                func.lower(User.name).contains(text.lower(), autoescape=True),
                func.lower(User.email).contains(text.lower(), autoescape=True),
                Certificate.code.contains(text.upper(), autoescape=True),
                Certificate.code == normalise_code(text),  # typed with spaces, or O for 0
            )
        )
    return query


def _row(found):
    *certificate, name, email, erased_at = found
    if erased_at is not None:
        name = email = None
    return CertificateRow(*certificate, holder=name, email=email)


def certificate_page(text="", cursor=None, per=keyset.PER_PAGE):
    """A page of the certificates the search finds, newest first, from `cursor`: two statements."""
    query = _query(text)
    total = keyset.capped_count(query)
    found = keyset.page_of(query, ORDER, cursor, per)
    return CertificatePage(page=replace(found, rows=[_row(row) for row in found.rows]), total=total)


def certificate_csv_rows(text=""):
    """Every certificate the search finds, newest first, as CSV cells (CSV_HEADER), streamed."""
    for found in keyset.stream(_query(text), ORDER):
        row = _row(found)
        yield (
            row.code, row.holder or "No longer available (erased)", row.email or "", row.title,
            row.issued_on.isoformat(), row.expires_on.isoformat(), row.status,
        )  # fmt: skip
