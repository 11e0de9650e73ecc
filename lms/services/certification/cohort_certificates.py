"""A cohort's certificates for staff as one zip: each certificate's files (certificate_files: its
PDF and its signed credential .json), plus manifest.csv.

What is in it: the current certificate (not one a renewal replaced) of each trainee enrolled in
the cohort, for each of the cohort's courses, valid or expired (an expired one's PDF says so
across the page); revoked certificates and erased trainees are left out. The zip is written to a
file the caller gives (a temporary file), one certificate at a time, so a large cohort is never
held in memory whole.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import Certificate, Course, Credential, Enrolment, User
from .. import audit
from ..people import cohorts
from ..spreadsheet import spreadsheet_safe
from . import certification
from .certificate_files import certificate_files

MANIFEST = "manifest.csv"
MANIFEST_HEADER = ("Name", "Course", "Code", "Status", "Issued", "Expires", "Files")
NAME_PART_LENGTH = 60
NOTHING_TO_DOWNLOAD = (
    "This cohort has no certificates to download yet: none of its trainees holds a valid or "
    "expired certificate for its courses."
)


class NothingToDownload(LookupError):
    """The cohort has no certificate to put in a zip; the message says so, for a person."""


@dataclass(frozen=True)
class CohortZip:
    cohort_name: str
    certificates: int


def file_name_part(text, fallback):
    """`text` made safe as part of a file name inside a zip: letters and digits of any script
    kept, every run of anything else (slashes, dots, spaces, control characters) one hyphen, so
    no name can climb out of the folder or hide an extension; `fallback` when nothing is left."""
    text = unicodedata.normalize("NFC", text or "")
    cleaned = re.sub(r"[\W_]+", "-", text).strip("-")[:NAME_PART_LENGTH].strip("-")
    return cleaned or fallback


def cohort_certificates(cohort_id):
    """(the cohort, [(Certificate, its Credential or None)]) of what the zip holds, holder and
    course loaded, all in one query, by holder's name then course title. Raises
    cohorts.NoSuchCohort."""
    cohort = cohorts.cohort(cohort_id)
    course_ids = [course.id for course in cohort.courses]
    members = select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)
    query = (
        select(Certificate, Credential)
        .join(User, User.id == Certificate.user_id)
        .join(Course, Course.id == Certificate.course_id)
        .outerjoin(Credential, Credential.certificate_id == Certificate.id)
        .options(joinedload(Certificate.user).lazyload(User.roles))
        .options(joinedload(Certificate.course))
        .where(
            Certificate.user_id.in_(members),
            Certificate.course_id.in_(course_ids),
            Certificate.superseded_at.is_(None),
            Certificate.revoked_at.is_(None),
            User.erased_at.is_(None),
        )
        .order_by(func.lower(User.name), User.id, Course.title, Certificate.id)
    )
    return cohort, [tuple(row) for row in db.session.execute(query)] if course_ids else []


def write_cohort_zip(cohort_id, out, site_name, verify_url_for, actor_id, today=None):
    """Write the cohort's certificates as a zip into the binary file `out`, audit who downloaded
    them, and commit. `verify_url_for(code)` is a code's public verification address.

    Raises cohorts.NoSuchCohort, or NothingToDownload (before anything is written) when the
    cohort has no certificate to put in it."""
    cohort, certificates = cohort_certificates(cohort_id)
    if not certificates:
        raise NothingToDownload(NOTHING_TO_DOWNLOAD)
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADER)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate, credential in certificates:
            stem = "_".join(
                (
                    file_name_part(certificate.user.name, f"person-{certificate.user_id}"),
                    file_name_part(certificate.course.slug, "course"),
                    certificate.code,  # unique, so two people of one name never collide
                )
            )
            names = []
            for file in certificate_files(
                certificate, site_name, verify_url_for(certificate.code), today, credential
            ):
                names.append(f"{stem}.{file.extension}")
                archive.writestr(names[-1], file.data)
            writer.writerow(
                (
                    spreadsheet_safe(certificate.user.name),
                    spreadsheet_safe(certificate.course.title),
                    certificate.code,
                    certification.certificate_status(certificate, today),
                    certificate.issued_on.isoformat(),
                    certificate.expires_on.isoformat(),
                    " ".join(names),
                )
            )
        # The byte order mark lets spreadsheet programs read the names' accents as UTF-8.
        archive.writestr(MANIFEST, "\ufeff" + manifest.getvalue())
    audit.record(
        "cohort.certificates_downloaded",
        f"Downloaded {len(certificates)} certificate(s) of cohort “{cohort.name}” as a zip",
        actor_id=actor_id,
        cohort_id=cohort.id,
        cohort=cohort.name,
        certificates=len(certificates),
    )
    db.session.commit()
    return CohortZip(cohort.name, len(certificates))
