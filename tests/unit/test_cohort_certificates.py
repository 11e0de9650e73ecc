"""A cohort's certificates as one zip: a PDF and a signed credential per current certificate,
named by person and course with nothing path-like surviving from names, a manifest, an audit
event, and a clear refusal when there is nothing to put in it."""

import csv
import io
import json
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Certificate, Course, Credential
from lms.services.certification import cohort_certificates as zips
from lms.services.people import cohorts
from tests.records import certify
from tests.sharingkit import CHINESE, TRICKY, build, certify_all, enrolled
from tests.statements import count_statements


def verify_url(code):
    return f"https://training.example.org/verify/{code}"


@pytest.fixture
def world(app_ctx, courses_dir):
    return build(courses_dir)


def written(world, actor="staff"):
    out = io.BytesIO()
    zips.write_cohort_zip(world["cohort"], out, "Peer Training", verify_url, world[actor])
    out.seek(0)
    return zipfile.ZipFile(out)


def test_one_pdf_per_current_certificate_and_a_manifest(world):
    codes = certify_all(world)

    archive = written(world)

    names = archive.namelist()
    pdfs = sorted(name for name in names if name.endswith(".pdf"))
    assert names[-1] == "manifest.csv" and len(names) == 7
    # Ada, the tricky name and the Chinese name: not the revoked one, not the outsider's.
    assert pdfs == [
        f"Ada-Lovelace_sample-course_{codes['ada']}.pdf",
        f"etc-Zoë-O-Brien_sample-course_{codes['tricky']}.pdf",
        f"{CHINESE}_sample-course_{codes['chinese']}.pdf",
    ]
    for name in pdfs:
        text = PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text()
        code = name.rsplit("_", 1)[1].removesuffix(".pdf")
        assert code in text and verify_url(code) in text
    expired = PdfReader(io.BytesIO(archive.read(pdfs[2]))).pages[0].extract_text()
    assert "EXPIRED on" in expired


def test_each_certificate_comes_with_its_signed_credential_as_the_holder_downloads_it(world):
    codes = certify_all(world)

    archive = written(world)

    name = f"Ada-Lovelace_sample-course_{codes['ada']}.credential.json"
    credential = db.session.scalar(
        select(Credential).join(Certificate).where(Certificate.code == codes["ada"])
    )
    assert archive.read(name).decode() == credential.document
    document = json.loads(archive.read(name))
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"].endswith(f"/credentials/{codes['ada']}.json")


def test_a_certificate_whose_credential_was_not_made_yet_gets_it_in_the_zip(world):
    codes = certify_all(world)
    assert db.session.scalar(select(func.count(Credential.id))) == 0  # none needed one yet

    archive = written(world)

    stored = db.session.scalar(
        select(Credential).join(Certificate).where(Certificate.code == codes["ada"])
    )
    name = f"Ada-Lovelace_sample-course_{codes['ada']}.credential.json"
    assert archive.read(name).decode() == stored.document


def test_certificates_and_credentials_are_read_at_once_however_many(app, world):
    certify_all(world)
    written(world)  # the first zip signs the credentials not made yet
    three = count_statements(app, lambda: written(world))
    course = db.session.get(Course, world["course"])
    for n in range(4):
        certify(enrolled(world["cohort"], f"more{n}@example.org", f"More {n}"), course)
    db.session.commit()
    written(world)

    seven = count_statements(app, lambda: written(world))

    assert seven == three  # not one more query a certificate for its credential


def test_names_never_become_paths():
    assert zips.file_name_part(TRICKY, "x") == "etc-Zoë-O-Brien"
    assert zips.file_name_part("..", "person-7") == "person-7"
    assert zips.file_name_part("a\\b/c\x00d.pdf", "x") == "a-b-c-d-pdf"
    assert zips.file_name_part("  ", "person-7") == "person-7"
    assert len(zips.file_name_part("n" * 500, "x")) == zips.NAME_PART_LENGTH


def test_the_manifest_lists_each_file_with_its_facts(world):
    codes = certify_all(world)

    archive = written(world)

    text = archive.read("manifest.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Name", "Course", "Code", "Status", "Issued", "Expires", "Files"]
    # By name as the database orders it ("../../etc/Zoë" before "Ada").
    assert [(row[0], row[2], row[3]) for row in rows[1:]] == [
        (TRICKY, codes["tricky"], "valid"),
        ("Ada Lovelace", codes["ada"], "valid"),
        (CHINESE, codes["chinese"], "expired"),
    ]
    assert rows[2][1] == "Sample Course"
    assert rows[2][6] == (
        f"Ada-Lovelace_sample-course_{codes['ada']}.pdf "
        f"Ada-Lovelace_sample-course_{codes['ada']}.credential.json"
    )
    assert all(len(row[4]) == 10 and len(row[5]) == 10 for row in rows[1:])  # ISO dates


def test_each_download_is_audited(world):
    certify_all(world)

    written(world)

    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "cohort.certificates_downloaded")
    )
    assert event.actor_id == world["staff"]
    assert event.details["cohort_id"] == world["cohort"] and event.details["certificates"] == 3
    assert "3 certificate(s)" in event.summary and "Spring 2027 / Leeds" in event.summary


def test_a_cohort_without_certificates_is_refused_with_a_message(world):
    out = io.BytesIO()

    with pytest.raises(zips.NothingToDownload) as refused:
        zips.write_cohort_zip(world["cohort"], out, "Peer Training", verify_url, world["staff"])

    assert str(refused.value) == zips.NOTHING_TO_DOWNLOAD
    assert out.getvalue() == b""


def test_an_unknown_cohort(world):
    with pytest.raises(cohorts.NoSuchCohort):
        zips.write_cohort_zip(9999, io.BytesIO(), "Peer Training", verify_url, world["staff"])
