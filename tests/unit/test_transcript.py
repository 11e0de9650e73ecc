"""The training transcript as a service: what it lists and counts, issuing it with a code, and
what /verify may learn from that code (also once the trainee was erased)."""

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Transcript
from lms.services import transcript
from lms.services.certification import codes
from lms.services.people import erasure, privacy
from lms.services.transcript.pdf import TranscriptSheet, transcript_pdf
from tests import livekit, records
from tests import roster_data as rd
from tests import transcriptkit as kit


@pytest.fixture
def world(app_ctx, courses_dir):
    course = records.publish(courses_dir)
    ada = records.person("ada@example.org", "Ada Trainee")
    sam = records.person("sam@example.org", "Sam Supervisor", "supervisor")
    alex = records.person("alex@example.org", "Alex Admin", "admin")
    cohort_id = rd.cohort("Spring", course.id)
    rd.enrol(cohort_id, ada.id)
    db.session.commit()
    return {"course": course, "ada": ada, "sam": sam, "alex": alex, "cohort": cohort_id}


def test_a_module_passed_under_two_versions_is_listed_once_as_first_passed(world):
    ada, course = world["ada"], world["course"]
    first, second = kit.module_ids(course.id)
    kit.pass_module(ada.id, first, at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    kit.new_version(first, "First Steps, longer", minutes=90)
    kit.pass_module(ada.id, first, at=datetime(2026, 4, 2, 9, tzinfo=UTC))
    db.session.commit()

    data = transcript.transcript_for(ada.id, now=kit.NOW)

    [module] = data.modules
    assert (module.title, module.minutes, module.passed_on.isoformat()) == (
        "First Steps",
        15,
        "2026-03-02",
    )
    assert module.domains == (("recovery-wellness", 15),)
    assert module.course == "Sample Course"
    [standing] = data.courses
    by_domain = {row.domain: row.minutes for row in standing.training}
    assert by_domain["recovery-wellness"] == 15 and by_domain["total"] == 15


def test_sessions_list_partial_minutes_skills_by_text_and_leave_out_absences(world):
    ada, sam, course = world["ada"], world["sam"], world["course"]
    version = livekit.session_version(
        course.id, minutes=120, domain_minutes={"advocacy": 80, "ethical-responsibility": 40}
    )
    held = livekit.held_meeting(
        version, world["cohort"], sam.id, datetime(2026, 5, 1, 23, 30, tzinfo=UTC)
    )
    missed = livekit.held_meeting(
        version, world["cohort"], sam.id, datetime(2026, 5, 8, 18, tzinfo=UTC)
    )
    livekit.attend(held, ada.id, "partial", minutes=75, skills=[2, 0, 7])
    livekit.attend(missed, ada.id, "absent")
    db.session.commit()

    data = transcript.transcript_for(ada.id, now=kit.NOW)

    [session] = data.sessions
    assert session.title == "Role-play: listening"
    assert session.facilitator == "Sam Supervisor"
    assert (session.minutes, session.status, session.hours) == (75, "partial", "1.25")
    assert session.domains == (("advocacy", 80), ("ethical-responsibility", 40))
    # Position 7 is not on the checklist: left out, never an error.
    assert session.skills == (livekit.SKILLS[0], livekit.SKILLS[2])
    assert session.held_on.isoformat() == "2026-05-01"
    # In the program's time zone the evening meeting is on the next day in Auckland.
    later = transcript.transcript_for(ada.id, zone=ZoneInfo("Pacific/Auckland"), now=kit.NOW)
    assert later.sessions[0].held_on.isoformat() == "2026-05-02"


def test_only_approved_hours_count_with_who_approved_them(world):
    ada, sam = world["ada"], world["sam"]
    kit.hours(ada.id, 90, "approved", "work", reviewer_id=sam.id, activity="Peer group")
    kit.hours(ada.id, 60, "approved", "supervision", reviewer_id=sam.id, activity="Supervision")
    kit.hours(ada.id, 600, "pending", "work")
    kit.hours(ada.id, 300, "rejected", "work", reviewer_id=sam.id)
    db.session.commit()

    data = transcript.transcript_for(ada.id, now=kit.NOW)

    assert data.hours_by_kind == {"work": 90, "supervision": 60}
    assert [(e.kind, e.hours, e.activity, e.approved_by) for e in data.hours] == [
        ("work", "1.5", "Peer group", "Sam Supervisor"),
        ("supervision", "1", "Supervision", "Sam Supervisor"),
    ]
    assert data.hours[0].approved_on == kit.TODAY


def test_signatures_certificates_and_requirements_are_on_the_transcript(world):
    ada, course = world["ada"], world["course"]
    rd.signature(ada.id, course.id, "e" * 64)
    certificate = records.certify(ada, course)
    course.work_hours = 500
    course.training_hours = {"total": 1}
    db.session.commit()
    data = transcript.transcript_for(ada.id, now=kit.NOW)

    assert [(s.course, s.typed_name) for s in data.signatures] == [("Sample Course", "Signed")]
    [held] = data.certificates
    assert (held.code, held.status) == (certificate.code, "valid")
    [standing] = data.courses
    [work] = standing.hours
    assert (work.label, work.minutes, work.required_hours, work.met) == (
        "peer-support work",
        0,
        500,
        False,
    )
    total = standing.training[-1]
    assert (total.domain, total.minutes, total.required_hours) == ("total", 35, 1)


def test_issuing_makes_a_transcript_code_a_snapshot_and_an_audit_event(world):
    ada, sam = world["ada"], world["sam"]
    kit.hours(ada.id, 90, reviewer_id=sam.id)
    db.session.commit()

    row, data = transcript.issue(ada.id, sam.id, now=kit.NOW)

    assert row.code.startswith("TR-") and codes.is_well_formed(row.code)
    assert row.snapshot["approved_minutes"] == {"work": 90, "supervision": 0}
    assert row.snapshot["issued_on"] == "2026-11-21"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "transcript.issued"))
    assert (event.actor_id, event.subject_id, event.details["code"]) == (sam.id, ada.id, row.code)
    again, _ = transcript.issue(ada.id, ada.id, now=kit.NOW)
    assert again.code != row.code
    assert [t.code for t in transcript.issued_for(ada.id)] == [again.code, row.code]


def test_verify_tells_who_and_when_and_refuses_a_mistyped_code(world):
    row, _ = transcript.issue(world["ada"].id, world["ada"].id, now=kit.NOW)

    found = transcript.verify(row.code.lower().replace("-", " "))

    assert found == transcript.Verification(row.code, "Ada Trainee", kit.TODAY)
    body = row.code.split("-", 1)[1].replace("-", "")
    wrong = "TR" + body[:-1] + ("0" if body[-1] != "0" else "1")
    with pytest.raises(transcript.MistypedCode):
        transcript.verify(wrong)
    with pytest.raises(transcript.NotFound):
        transcript.verify(codes.new_code("TR"))


def test_an_erased_trainees_transcript_still_verifies_without_name_or_figures(world):
    ada = world["ada"]
    kit.hours(ada.id, 90, reviewer_id=world["sam"].id)
    db.session.commit()
    row, _ = transcript.issue(ada.id, ada.id, now=kit.NOW)
    exported = privacy.export_for(ada.id)
    assert [t["code"] for t in exported["transcripts"]] == [row.code]

    erasure.erase_trainee(world["alex"].id, ada.id)

    found = transcript.verify(row.code)
    assert found.holder is None and found.issued_on == kit.TODAY
    kept = db.session.scalar(select(Transcript).where(Transcript.code == row.code))
    assert kept.snapshot == {}


def test_hours_are_shown_to_two_decimals_at_most():
    assert [transcript.hours_text(m) for m in (0, 10, 75, 90, 95, 1500, 6000)] == [
        "0", "0.17", "1.25", "1.5", "1.58", "25", "100"
    ]  # fmt: skip


def test_an_empty_transcript_prints_with_none_yet_under_each_heading(world):
    data = transcript.transcript_for(world["ada"].id, now=kit.NOW)
    sheet = TranscriptSheet("Peer Support Training", "TR-AAAA-BBBB-CCCC", "http://x/verify/TR",
                            "November 21, 2026")  # fmt: skip

    pdf = transcript_pdf(data, sheet, lambda day: day.isoformat() if day else "")

    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for expected in ("Training transcript", "Ada Trainee", "Issued on November 21, 2026",
                     "TR-AAAA-BBBB-CCCC", "Modules passed", "Live sessions attended",
                     "None yet.", "Page 1 of 1"):  # fmt: skip
        assert expected in text, expected


@pytest.mark.parametrize(
    ("paper", "size"), [("letter", (612, 792)), ("a4", (595.28, 841.89)), (None, (612, 792))]
)
def test_the_transcript_prints_on_the_programs_paper_with_even_margins(world, paper, size):
    data = transcript.transcript_for(world["ada"].id, now=kit.NOW)
    values = ["Peer Support Training", "TR-AAAA-BBBB-CCCC", "http://x/verify/TR", "November 21"]
    sheet = TranscriptSheet(*values, **({"paper": paper} if paper else {}))

    page = PdfReader(io.BytesIO(transcript_pdf(data, sheet, str))).pages[0]

    width, height = size
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        size, abs=0.01
    )
    starts = []
    page.extract_text(visitor_text=lambda text, cm, tm, *_: text.strip() and starts.append(
        cm[0] * tm[4] + cm[2] * tm[5] + cm[4]))  # fmt: skip
    left = min(starts)
    margin = (width - 180 * 72 / 25.4) / 2  # the text's 180 mm centred on the page
    assert 0 <= left - margin <= 72 / 25.4 * 1.5  # (a cell's own padding inside it)
    assert "Training transcript" in page.extract_text() and "Page 1 of 1" in page.extract_text()


def test_minutes_attended_at_live_sessions_count_in_the_domain_totals(world):
    ada, sam, course = world["ada"], world["sam"], world["course"]
    first, _ = kit.module_ids(course.id)
    kit.pass_module(ada.id, first)  # 15 minutes of recovery-wellness
    version = livekit.session_version(
        course.id, minutes=120, domain_minutes={"advocacy": 80, "ethical-responsibility": 40}
    )
    held = livekit.held_meeting(version, world["cohort"], sam.id, kit.NOW)
    livekit.attend(held, ada.id, "partial", minutes=90)  # 60 advocacy, 30 ethics
    db.session.commit()

    [standing] = transcript.transcript_for(ada.id, now=kit.NOW).courses

    by_domain = {row.domain: row.minutes for row in standing.training}
    assert by_domain == {
        "advocacy": 60,
        "mentoring-education": 0,
        "recovery-wellness": 15,
        "ethical-responsibility": 30,
        "total": 105,
    }


def test_a_cancelled_meetings_attendance_is_neither_listed_nor_counted(world):
    """Attendance taken, then the meeting cancelled: the transcript lists what the domain totals
    count, so neither has it; a present mark counts the meeting's length, as the totals do."""
    ada, sam, course = world["ada"], world["sam"], world["course"]
    version = livekit.session_version(course.id, minutes=90)
    held = livekit.held_meeting(version, world["cohort"], sam.id, kit.NOW)
    cancelled = livekit.held_meeting(version, world["cohort"], sam.id, kit.NOW)
    livekit.attend(held, ada.id, "present", minutes=120)  # recorded before the length changed
    livekit.attend(cancelled, ada.id, "present")
    cancelled.cancelled_at = kit.NOW
    db.session.commit()

    data = transcript.transcript_for(ada.id, now=kit.NOW)

    assert [(s.minutes, s.status) for s in data.sessions] == [(90, "present")]
    assert data.session_minutes == 90
    [standing] = data.courses
    assert {row.domain: row.minutes for row in standing.training}["total"] == 90
