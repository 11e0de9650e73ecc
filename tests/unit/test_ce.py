"""The CE ledger as a service: logging with evidence checked by its bytes, module-earned entries
(once per module per person), review with an audit event, withdrawal, the CE certificate PDF,
and the privacy export and erasure."""

import io
import json
import shutil
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, CEEntry, CEEvidence, Course, Module, ModuleVersion
from lms.services.authoring.publishing import sync_courses
from lms.services.certification.ce_certificate_pdf import CESheet, ce_certificate_pdf
from lms.services.learning import attempts
from lms.services.logbook import ce, evidence
from lms.services.people import erasure, privacy
from tests import cekit
from tests import requirementkit as kit
from tests.cekit import HTML, NOW, PDF, TODAY, image


@pytest.fixture
def world(app_ctx, courses_dir):
    sync_courses(courses_dir)
    people = kit.make_people()
    people["admin"] = kit.person("Alex Admin", "alex@example.org", "admin")
    cekit.give_renewal_rule(db.session.scalar(select(Course).where(Course.slug == "sample-course")))
    return people


def count(model, **where):
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def test_categories_are_the_union_of_published_courses_rules_in_order(world, courses_dir):
    shutil.copytree(courses_dir / "sample-course", courses_dir / "second-course")
    sync_courses(courses_dir)
    other = db.session.scalar(select(Course).where(Course.slug == "second-course"))
    cekit.give_renewal_rule(other, {"ce_hours": 36, "minimum": {"peer-specific": 24}})
    assert ce.categories() == ("ethics", "peer-specific", "elective")
    other.renewal = {"ce_hours": 10, "categories": ["cultural-humility", "ethics"]}
    db.session.commit()
    assert ce.categories()[-1] == "cultural-humility"
    other.retired_at = NOW
    db.session.commit()
    assert "cultural-humility" not in ce.categories()


def test_a_logged_entry_waits_for_review_with_its_evidence(world):
    entry = cekit.log(world["ada"], hours="1,25", name="C:\\Users\\ada\\My cert <1>.PDF")
    assert (entry.status, entry.source, entry.minutes) == ("pending", "logged", 75)
    stored = db.session.get(CEEvidence, entry.evidence_id)
    assert stored.content_type == "application/pdf" and stored.data == PDF
    assert stored.file_name == "My cert -1.pdf"
    assert len(stored.sha256) == 64 and stored.size == len(PDF)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Enter the title of the training."),
        ({"provider": ""}, "provider", "Enter who provided or presented it."),
        (
            {"title": "x" * 201},
            "title",
            "Keep the title to 200 characters or fewer (this has 201).",
        ),  # fmt: skip
        (
            {"on": TODAY + timedelta(days=2)},
            "completed_on",
            "The date is in the future: log training once you have completed it.",
        ),  # fmt: skip
        (
            {"on": TODAY.replace(year=2021) - timedelta(days=1)},
            "completed_on",
            "Training completed more than 5 years ago cannot be logged.",
        ),  # fmt: skip
        (
            {"on": "21/11/2026"},
            "completed_on",
            "Enter the date you completed it, for example 2026-11-21.",
        ),  # fmt: skip
        ({"hours": "0"}, "hours", "Enter between 0.25 and 40 hours."),
        ({"hours": "41"}, "hours", "Enter between 0.25 and 40 hours."),
        (
            {"hours": "1.1"},
            "hours",
            "Round to the nearest quarter hour, for example 1, 1.25, 1.5 or 1.75.",
        ),  # fmt: skip
        ({"hours": "NaN"}, "hours", "Enter the number of hours as a number, for example 1.5."),
        ({"category": "cooking"}, "category", "Choose the category of continuing education."),
        (
            {"data": None},
            "evidence",
            "Choose your evidence file: the certificate or letter from "
            "the provider, as a PDF, or a photo or scan as PNG, JPEG or WebP.",
        ),  # fmt: skip
    ],
)
def test_each_field_is_checked_with_a_message_saying_what_to_fix(world, changes, field, message):
    with pytest.raises(ce.CEError) as raised:
        cekit.log(world["ada"], **changes)
    assert raised.value.problems == {field: message}
    assert count(CEEntry) == 0 and count(CEEvidence) == 0


def test_the_oldest_date_accepted_is_five_years_back(world):
    assert cekit.log(world["ada"], on=TODAY.replace(year=2021)).completed_on.year == 2021


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("scan.png", image("PNG"), "image/png"),
        ("photo.jpeg", image("JPEG"), "image/jpeg"),
        ("photo.webp", image("WEBP"), "image/webp"),
        ("looks-like.pdf", image("PNG"), "image/png"),  # the bytes decide, and the name follows
    ],
)
def test_images_are_recognised_by_their_bytes(name, data, content_type):
    checked = evidence.check(name, data)
    assert checked.content_type == content_type
    assert checked.name.rsplit(".", 1)[1] == checked.extension


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (HTML, "This kind of file cannot be kept"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "This kind of file"),
        (image("GIF"), "This kind of file cannot be kept"),
        (b"PK\x03\x04 a word file", "This kind of file cannot be kept"),
        (image("PNG")[:60], "This image cannot be opened"),
        (b"", "The file is empty"),
        (b"%PDF-" + b"0" * evidence.MAX_BYTES, "The file is 10.0 MB; the limit is 10 MB."),
    ],
)
def test_anything_else_is_refused_whatever_its_name(data, start):
    with pytest.raises(evidence.EvidenceRefused) as refused:
        evidence.check("certificate.pdf", data)
    assert str(refused.value).startswith(start)


def test_download_names_keep_only_safe_characters():
    assert evidence.download_name('../../"evil"\r\n.html', "pdf") == "evil.pdf"
    assert evidence.download_name("Café certificate.JPG", "jpg") == "Cafe certificate.jpg"
    assert evidence.download_name("", "png") == "evidence.png"


def test_staff_approve_once_and_it_is_audited(world):
    entry = cekit.log(world["ada"])
    ce.review(world["stella"], entry.id, "approve", "Thanks", now=NOW)
    assert (entry.status, entry.reviewed_by_id, entry.review_comment) == (
        "approved", world["stella"].id, "Thanks"
    )  # fmt: skip
    [event] = kit.audit_events("ce.approved")
    assert (event.actor_id, event.subject_id) == (world["stella"].id, world["ada"].id)
    assert event.details["hours"] == "1.5" and event.details["category"] == "ethics"
    with pytest.raises(ce.CEError) as again:
        ce.review(world["stella"], entry.id, "reject", "No", now=NOW)
    assert again.value.problems == {None: "This entry has already been reviewed (approved)."}
    assert count(AuditEvent, action="ce.rejected") == 0


def test_no_one_reviews_their_own_entry(world):
    """A staff member who holds a certificate logs CE like anyone; another reviews it."""
    entry = cekit.log(world["stella"])
    with pytest.raises(ce.CEError) as raised:
        ce.review(world["stella"], entry.id, "approve", now=NOW)
    assert raised.value.problems == {None: ce.OWN_ENTRY}
    assert entry.status == "pending" and not kit.audit_events("ce.approved")
    ce.review(world["admin"], entry.id, "approve", now=NOW)
    assert (entry.status, entry.reviewed_by_id) == ("approved", world["admin"].id)


def test_a_rejection_needs_a_comment(world):
    entry = cekit.log(world["ada"])
    with pytest.raises(ce.CEError) as raised:
        ce.review(world["stella"], entry.id, "reject", "  ", now=NOW)
    assert raised.value.problems == {
        "comment": "Say why, so the person can fix it and log it again."
    }
    ce.review(world["stella"], entry.id, "reject", "The certificate is unreadable.", now=NOW)
    assert entry.status == "rejected"
    assert [e.subject_id for e in kit.audit_events("ce.rejected")] == [world["ada"].id]


def test_the_review_queue_is_oldest_first_and_counted(world):
    first = cekit.log(world["ada"])
    second = cekit.log(world["bo"], title="Motivational interviewing")
    assert [e.id for e in ce.pending_for_review()] == [first.id, second.id]
    assert ce.pending_count() == 2
    ce.review(world["stella"], first.id, "approve", now=NOW)
    assert ce.pending_count() == 1


def test_a_pending_entry_can_be_withdrawn_by_its_owner_only(world):
    entry = cekit.log(world["ada"])
    with pytest.raises(ce.NotFound):
        ce.withdraw(world["bo"].id, entry.id)
    ce.withdraw(world["ada"].id, entry.id)
    assert count(CEEntry) == 0 and count(CEEvidence) == 0
    reviewed = cekit.log(world["ada"])
    ce.review(world["stella"], reviewed.id, "approve", now=NOW)
    with pytest.raises(ce.CEError):
        ce.withdraw(world["ada"].id, reviewed.id)
    assert count(CEEntry) == 1


def test_the_ledger_totals_by_category_leave_out_rejected_entries(world):
    ada = world["ada"]
    approved = cekit.log(ada, hours="2")
    rejected = cekit.log(ada, hours="3")
    cekit.log(ada, hours="1", category="elective")
    ce.review(world["stella"], approved.id, "approve", now=NOW)
    ce.review(world["stella"], rejected.id, "reject", "Not CE.", now=NOW)
    ledger = ce.ledger(ada.id)
    assert [(t.category, t.approved_minutes, t.pending_minutes) for t in ledger.totals] == [
        ("ethics", 120, 0), ("peer-specific", 0, 0), ("elective", 0, 60)
    ]  # fmt: skip
    assert len(ledger.entries) == 3


def pass_first_module(user_id, when=NOW):
    _, _, attempt, questions, _ = attempts.start_attempt(
        user_id, "sample-course", "first-steps", when
    )
    right = {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}
    return attempts.submit_attempt(
        user_id, attempt.id, right, shown=attempts.order_digest(attempt), now=when,
        program="Riverside Peer Academy",
    )  # fmt: skip


def test_passing_a_ce_module_adds_an_approved_entry_once(world):
    version = cekit.grant_ce(minutes=90, category="ethics")
    ada = world["ada"].id
    pass_first_module(ada)
    [entry] = db.session.scalars(select(CEEntry).where(CEEntry.user_id == ada))
    assert (entry.source, entry.status, entry.minutes, entry.category) == (
        "module", "approved", 90, "ethics"
    )  # fmt: skip
    assert (entry.title, entry.provider, entry.completed_on) == (
        version.title, "Riverside Peer Academy", TODAY
    )  # fmt: skip
    assert (entry.module_id, entry.module_version_id) == (version.module_id, version.id)
    # passing again, even days later, adds nothing
    pass_first_module(ada, NOW + timedelta(days=3))
    assert count(CEEntry, user_id=ada) == 1


def test_a_module_without_ce_adds_nothing(world):
    pass_first_module(world["ada"].id)
    assert count(CEEntry) == 0


def test_the_ce_certificate_is_a_pdf_that_says_what_boards_ask(world):
    cekit.grant_ce()
    pass_first_module(world["ada"].id)
    entry = db.session.scalar(select(CEEntry))
    earned = ce.earned_here(entry.id, world["ada"])
    assert earned.objectives == ("Describe the first steps.", "Name one source of hope.")
    with pytest.raises(ce.NotFound):
        ce.earned_here(entry.id, world["bo"])
    assert ce.earned_here(entry.id, world["stella"]).entry.id == entry.id
    pdf = ce_certificate_pdf(
        CESheet(
            program="Riverside Peer Academy",
            holder="Ada Trainee",
            module_title="First Steps",
            course_title="Sample Course",
            hours="1.5",
            category="Ethics",
            completed_on="November 21, 2026",
            objectives=earned.objectives,
        )  # fmt: skip
    )
    assert pdf.startswith(b"%PDF-")
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for words in ("Certificate of Continuing Education", "Ada Trainee", "First Steps",
                  "1.5", "Ethics", "November 21, 2026", "Name one source of hope.",
                  "continuing education provided by Riverside Peer Academy"):  # fmt: skip
        assert words in text, words


def test_the_export_lists_entries_and_describes_evidence_without_its_bytes(world):
    entry = cekit.log(world["ada"], name="proof.pdf")
    ce.review(world["stella"], entry.id, "approve", "Fine", now=NOW)
    data = privacy.export_for(world["ada"].id, now=NOW)
    json.dumps(data)
    [exported] = data["continuing_education"]
    assert (exported["title"], exported["hours"], exported["status"]) == (
        "Ethics in peer work", 1.5, "approved"
    )  # fmt: skip
    assert exported["reviewed_by"] == "Stella Staff"
    assert exported["evidence"]["file_name"] == "proof.pdf"
    assert exported["evidence"]["size"] == len(PDF) and "data" not in exported["evidence"]
    assert privacy.export_for(world["bo"].id)["continuing_education"] == []


def test_erasure_removes_entries_and_evidence(world):
    cekit.log(world["ada"])
    cekit.log(world["bo"])
    erasure.erase_trainee(world["admin"].id, world["ada"].id, now=NOW)
    assert count(CEEntry, user_id=world["ada"].id) == 0
    assert count(CEEvidence, user_id=world["ada"].id) == 0
    assert count(CEEntry, user_id=world["bo"].id) == 1


def test_publishing_writes_a_modules_ce_and_a_changed_ce_makes_a_new_version(app_ctx, courses_dir):
    rule = courses_dir / "sample-course" / "course.md"
    with_rule = "  valid_for_months: 12\n  renewal: {ce_hours: 10, minimum: {ethics: 2}}\n"
    rule.write_text(rule.read_text().replace("  valid_for_months: 12\n", with_rule))
    first = courses_dir / "sample-course" / "01-first-steps.md"
    first.write_text(first.read_text().replace("minutes: 15\n", "minutes: 15\nce: {hours: 1.5, "
                                                "category: ethics}\n", 1))  # fmt: skip
    sync_courses(courses_dir)

    def versions():
        return list(
            db.session.execute(
                select(ModuleVersion.number, ModuleVersion.ce_minutes, ModuleVersion.ce_category)
                .join(Module, Module.id == ModuleVersion.module_id)
                .where(Module.slug == "first-steps")
                .order_by(ModuleVersion.number)
            )
        )

    assert versions() == [(1, 90, "ethics")]
    first.write_text(first.read_text().replace("hours: 1.5", "hours: 2"))
    sync_courses(courses_dir)
    assert versions() == [(1, 90, "ethics"), (2, 120, "ethics")]


def test_a_ce_module_passed_in_the_evening_counts_on_the_programs_day(world):
    cekit.grant_ce(minutes=90, category="ethics")
    ada = world["ada"].id
    evening_in_new_york = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 9 PM on the 21st there
    pass_first_module(ada, evening_in_new_york)
    [entry] = db.session.scalars(select(CEEntry).where(CEEntry.user_id == ada))
    # The day the renewal cycle counts it on, against the program's today and issue days.
    assert entry.completed_on == date(2026, 11, 21)
