"""Live sessions in real Chromium, at 390 px and on a desktop: staff schedule the bundled course's
published listening role-play for a cohort (after a form with mistakes, then a date before the
cohort starts, which asks to confirm and is corrected instead), the facilitator opens it
from "Sessions I facilitate" and takes attendance (a partial without minutes first, and a
third trainee marked present by mistake, then not recorded, which removes her row), and the
trainee sees it on the dashboard with its calendar file, sees the attended minutes in the training
hours by domain, and follows the dashboard to the transcript, whose PDF is downloaded, read and
rendered to a picture beside the page screenshots. Every page is photographed, checked by
axe-core and must not scroll sideways on the phone; the trainee's pages never show the
facilitator guide."""

import re
from datetime import UTC, datetime, timedelta

import pypdfium2
from playwright.sync_api import expect
from sqlalchemy import select

from lms.dates import long_date
from lms.extensions import db
from lms.models import Attendance, Course, LiveSession
from lms.services.people import cohorts
from lms.services.people.accounts import ensure_user
from tests import livekit
from tests.browser.steps import PASSWORD, download_transcript, follow, sign_in
from tests.browser.test_layout import UNREACHABLE_SCROLLERS, sideways

COURSE_SLUG = "peer-support-foundations"
# The real session file, courses/peer-support-foundations/sessions/01-role-play-listening.md,
# published by the live server's set-up.
SESSION_SLUG = "role-play-listening"
TITLE = "Role-Play: Listening With Empathy"
GUIDE_WORDS = "Each person takes a turn as the peer supporter"
SKILLS = (  # the second and fourth items of its skills checklist
    "Reflects feelings back before giving any information.",
    "Asks open questions that invite the person to say more.",
)


def set_up(app, viewport):
    """The foundations course's published listening role-play, a cohort taking the course with
    two trainees, a staff member and a supervisor."""
    with app.app_context():
        names = {
            "staff": (f"Mireille Staff {viewport}", f"mireille.{viewport}@example.org", "staff"),
            "facilitator": (f"Kofi Facilitator {viewport}", f"kofi.{viewport}@example.org",
                            "supervisor"),
            "trainee": (f"Aiyana Trainee {viewport}", f"aiyana.{viewport}@example.org", "trainee"),
            "other": (f"Lars Trainee {viewport}", f"lars.{viewport}@example.org", "trainee"),
            "mistaken": (f"Noor Trainee {viewport}", f"noor.{viewport}@example.org", "trainee"),
        }  # fmt: skip
        people = {
            key: ensure_user(email, name, [role], PASSWORD)
            for key, (name, email, role) in names.items()
        }
        course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
        session = db.session.scalar(
            select(LiveSession).where(
                LiveSession.course_id == course.id, LiveSession.slug == SESSION_SLUG
            )
        )
        # Started two weeks ago: a date a month back is before it, and still schedulable.
        starts_on = datetime.now(livekit.ZONE).date() - timedelta(days=14)
        cohort = cohorts.create_cohort(f"Evening group {viewport}", starts_on, None,
                                       [course.id])  # fmt: skip
        for key in ("trainee", "other", "mistaken"):
            cohorts.enrol(cohort.id, people[key].email)
        return {
            "names": {key: value[0] for key, value in names.items()},
            "emails": {key: value[1] for key, value in names.items()},
            "session": session.id,
            "cohort": cohort.name,
            "starts_on": starts_on,
        }


def heading(page):
    return page.get_by_role("heading", level=1)


def fits(page, wide, name):
    if sideways(page) > 0:
        wide[name] = sideways(page)
    assert not page.evaluate(UNREACHABLE_SCROLLERS), name


def staff_schedule(page, check, world, wide, viewport):
    sign_in(page, world["emails"]["staff"])
    page.goto("/staff/")
    follow(page, page.get_by_role("link", name=re.compile(r"^Live sessions:")))
    expect(heading(page)).to_have_text("Live sessions")
    fits(page, wide, "list")
    check(page, "staff-live-sessions")
    follow(page, page.get_by_role("link", name="Schedule a live session"))
    # Everything left empty: each field says what it needs.
    follow(page, page.get_by_role("button", name="Schedule"))
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Choose one of the published live sessions.")
    expect(summary).to_contain_text("Enter the room, or the https:// link of the video call.")
    fits(page, wide, "schedule errors")
    check(page, "staff-schedule-errors")

    # Started an hour ago (local time), so that attendance can be taken straight away.
    start = (datetime.now(UTC) - timedelta(hours=1)).astimezone(livekit.ZONE)
    page.get_by_label("Live session").select_option(str(world["session"]))
    page.get_by_label("Cohort").select_option(label=world["cohort"])
    # A month early (the wrong month typed): before the cohort starts, so it asks first.
    early = start.date() - timedelta(days=30)
    page.get_by_label("Date").fill(early.isoformat())
    page.get_by_label("Start time").fill(start.strftime("%H:%M"))
    page.get_by_label("Place").fill("https://meet.example.org/evening-group")
    page.get_by_label("Facilitator").select_option(
        label=f"{world['names']['facilitator']} ({world['emails']['facilitator']})"
    )
    follow(page, page.get_by_role("button", name="Schedule"))
    expect(page.locator(".error-summary")).to_contain_text(
        f"{long_date(early)} is before {world['cohort']} starts, on "
        f"{long_date(world['starts_on'])}."
    )
    box = page.get_by_label("Yes, schedule it before the cohort starts")
    expect(box).not_to_be_checked()
    expect(page.get_by_label("Place")).to_have_value("https://meet.example.org/evening-group")
    fits(page, wide, "schedule outside dates")
    check(page, "staff-schedule-outside-dates")
    page.get_by_label("Date").fill(start.date().isoformat())  # corrected, not confirmed
    follow(page, page.get_by_role("button", name="Schedule"))
    expect(page.locator(".notice").first).to_contain_text(f"is scheduled for {world['cohort']}")
    group = page.get_by_role("region", name=world["cohort"])
    item = group.locator(".live-item").filter(has_text=TITLE)
    expect(item).to_contain_text("90 minutes")
    expect(item.get_by_role("link", name="https://meet.example.org/evening-group")).to_be_visible()
    fits(page, wide, "scheduled")
    check(page, "staff-live-scheduled")
    # The cancel confirmation, looked at and not used.
    follow(page, item.get_by_role("link", name=re.compile(r"^Cancel")))
    expect(heading(page)).to_contain_text(f"Cancel “{TITLE}")
    fits(page, wide, "cancel")
    check(page, "staff-meeting-cancel")


def facilitator_takes_attendance(page, check, world, wide, viewport):
    sign_in(page, world["emails"]["facilitator"])
    page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name="Sessions I facilitate"
    ).click()
    expect(heading(page)).to_have_text("Sessions I facilitate")
    fits(page, wide, "facilitator list")
    check(page, "facilitator-sessions")
    follow(page, page.get_by_role("link", name=TITLE))
    expect(heading(page)).to_have_text(TITLE)
    page.get_by_text("Facilitator guide").click()
    expect(page.get_by_text(GUIDE_WORDS)).to_be_visible()
    fits(page, wide, "attendance")
    check(page, "attendance")

    trainee = page.locator("fieldset.live-row").filter(has_text=world["names"]["trainee"])
    other = page.locator("fieldset.live-row").filter(has_text=world["names"]["other"])
    trainee.get_by_text("Present", exact=True).click()
    for skill in SKILLS:
        trainee.get_by_label(skill).check()
    other.get_by_text("Partial", exact=True).click()  # and no minutes: a mistake
    mistaken = page.locator("fieldset.live-row").filter(has_text=world["names"]["mistaken"])
    mistaken.get_by_text("Present", exact=True).click()  # she was not there: a mistake too
    follow(page, page.get_by_role("button", name="Save attendance"))
    expect(page.locator(".error-summary")).to_contain_text(
        f"Enter the minutes {world['names']['other']} attended"
    )
    other = page.locator("fieldset.live-row").filter(has_text=world["names"]["other"])
    expect(other.locator(".field-error")).to_contain_text("from 1 to 89")
    fits(page, wide, "attendance errors")
    check(page, "attendance-errors")

    other.get_by_label(re.compile(r"^Minutes attended")).fill("60")
    follow(page, page.get_by_role("button", name="Save attendance"))
    expect(page.locator(".notice").first).to_have_text("Attendance saved for 3 of 3 trainees.")
    fits(page, wide, "attendance saved")
    check(page, "attendance-saved")

    mistaken = page.locator("fieldset.live-row").filter(has_text=world["names"]["mistaken"])
    mistaken.get_by_text("Not recorded", exact=True).click()
    follow(page, page.get_by_role("button", name="Save attendance"))
    expect(page.locator(".notice").first).to_contain_text(
        f"Attendance removed for {world['names']['mistaken']}: this session no longer counts"
    )
    mistaken = page.locator("fieldset.live-row").filter(has_text=world["names"]["mistaken"])
    expect(mistaken.get_by_label("Not recorded", exact=True)).to_be_checked()
    expect(mistaken).not_to_contain_text("Recorded:")
    fits(page, wide, "attendance removed")
    check(page, "attendance-removed")


def staff_cannot_cancel_it(page, check, world, wide):
    """Once someone attended, the cancel page says why it cannot be, and where to correct."""
    sign_in(page, world["emails"]["staff"])
    page.goto("/staff/")
    follow(page, page.get_by_role("link", name=re.compile(r"^Live sessions:")))
    group = page.get_by_role("region", name=world["cohort"])
    item = group.locator(".live-item").filter(has_text=TITLE)
    follow(page, item.get_by_role("link", name=re.compile(r"^Cancel")))
    expect(page.locator(".notice-error")).to_contain_text("recorded as having attended")
    expect(page.get_by_role("button", name="Cancel this session")).to_have_count(0)
    expect(page.get_by_role("link", name="change the attendance")).to_be_visible()
    fits(page, wide, "cancel refused")
    check(page, "staff-meeting-cancel-refused")


def trainee_sees_it(page, check, world, wide, viewport):
    sign_in(page, world["emails"]["trainee"])
    page.goto("/dashboard")
    upcoming = page.locator("section").filter(
        has=page.get_by_role("heading", name="Upcoming live sessions")
    )
    expect(upcoming).to_contain_text(TITLE)
    expect(upcoming).to_contain_text(world["names"]["facilitator"])
    assert GUIDE_WORDS not in page.content()
    with page.expect_download() as download:
        upcoming.get_by_role("link", name=re.compile(r"^Add to calendar")).first.click()
    assert download.value.suggested_filename.endswith(".ics")
    fits(page, wide, "dashboard")
    check(page, "dashboard-live-sessions")


def trainee_reads_hours_and_transcript(page, check, world, wide, tmp_path):
    """The attended 90 minutes count toward the session's domain on the dashboard (against what
    the certificate requires there), and the
    transcript lists the session; its PDF is read for its words and rendered to look at."""
    sign_in(page, world["emails"]["trainee"])
    page.goto("/dashboard")
    course = page.locator("section").filter(
        has=page.get_by_role("heading", name="Peer Support Foundations")
    )
    hours = course.get_by_role("list", name="Training hours by domain")
    # The course requires 10 hours in the domain and 46 in all: the 90 minutes are a start.
    expect(hours).to_contain_text("Mentoring and education: 1.5 of 10 hours (still to do)")
    expect(hours).to_contain_text("Advocacy: 0 of 10 hours (still to do)")
    expect(hours).to_contain_text("Total: 1.5 of 46 hours (still to do)")
    follow(page, page.get_by_role("link", name="see my training transcript"))
    expect(heading(page)).to_have_text("My training transcript")
    attended = page.get_by_role("region", name="Live sessions attended")
    expect(attended).to_contain_text(TITLE)
    expect(attended).to_contain_text(world["names"]["facilitator"])
    for skill in SKILLS:
        expect(attended).to_contain_text(skill.rstrip("."))
    assert GUIDE_WORDS not in page.content()
    fits(page, wide, "transcript")
    check(page, "transcript")

    code, data, text = download_transcript(page, tmp_path)
    for expected in (world["names"]["trainee"], TITLE, "Page 1 of", code,
                     world["names"]["facilitator"]):  # fmt: skip
        assert expected in text, expected
    picture = render_first_page(data, check.folder / f"{check.viewport}-transcript-pdf.png")
    top = picture.crop((0, 0, picture.width, picture.height // 2)).convert("L")
    dark = sum(count for shade, count in enumerate(top.histogram()) if shade < 128)
    assert dark > 1000, "the top half of the transcript's first page is (nearly) blank"


def render_first_page(data, path):
    """Page 1 of the PDF as a PIL image at 2x (144 dpi), also saved as a PNG at `path`."""
    document = pypdfium2.PdfDocument(data)
    try:
        picture = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    picture.save(path)
    return picture


def test_staff_schedule_the_facilitator_takes_attendance_the_trainee_sees_it(
    viewport, new_context, check_page, live_app, tmp_path
):
    world = set_up(live_app, viewport)
    check = check_page(viewport)
    wide = {}

    staff_schedule(new_context(viewport).new_page(), check, world, wide, viewport)
    facilitator_takes_attendance(new_context(viewport).new_page(), check, world, wide, viewport)
    staff_cannot_cancel_it(new_context(viewport).new_page(), check, world, wide)
    trainee_sees_it(new_context(viewport).new_page(), check, world, wide, viewport)
    trainee_reads_hours_and_transcript(new_context(viewport).new_page(), check, world, wide,
                                       tmp_path)  # fmt: skip

    with live_app.app_context():
        recorded = sorted((row.status, row.minutes, row.skills) for row in db.session.scalars(
            select(Attendance).join(Attendance.user).where(
                Attendance.user.has(email=world["emails"]["trainee"])
                | Attendance.user.has(email=world["emails"]["other"])
                | Attendance.user.has(email=world["emails"]["mistaken"])
            )))  # fmt: skip
    assert recorded == [("partial", 60, []), ("present", 90, [1, 3])]
    assert not wide, f"pages wider than the {viewport} window (by CSS pixels): {wide}"
    check.assert_no_violations()
