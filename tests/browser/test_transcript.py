"""The training transcript in real Chromium, on a 390 px phone and a desktop: the trainee finds
it from the dashboard, reads it (no sideways scroll; wide tables scroll in their own labelled
box), downloads the PDF and looks inside it; a visitor checks the transcript's code at /verify.
Every page is photographed and checked by axe-core."""

from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from lms.extensions import db
from lms.models import Cohort, Course, LiveSession
from lms.services.logbook import practice
from lms.services.people import cohorts, supervision
from lms.services.people.accounts import ensure_user
from tests import livekit
from tests import transcriptkit as kit
from tests.browser.steps import PASSWORD, download_transcript, follow, sign_in
from tests.browser.test_layout import UNREACHABLE_SCROLLERS, sideways

TRAINEE = ("Mereana Okonkwo-Lindqvist", "mereana.transcript@example.org")
FACILITATOR = ("Dariusz Facilitator", "dariusz.transcript@example.org")
COURSE_SLUG = "peer-support-foundations"
COHORT = "Transcript cohort"


def set_up(app):
    """A trainee who passed two modules, attended part of a live session (two skills ticked)
    and has approved hours; made once for both viewports."""
    with app.app_context():
        boss = ensure_user(FACILITATOR[1], FACILITATOR[0], ["supervisor"], PASSWORD)
        trainee = ensure_user(TRAINEE[1], TRAINEE[0], ["trainee"], PASSWORD)
        course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
        if db.session.scalar(select(Cohort).where(Cohort.name == COHORT)) is None:
            cohort = cohorts.create_cohort(COHORT, datetime(2026, 9, 1).date(), None, [course.id])
            cohorts.enrol(cohort.id, TRAINEE[1])
            supervision.assign_supervisor(trainee.id, boss.id)
            for module_id in kit.module_ids(course.id)[:2]:
                kit.pass_module(trainee.id, module_id, at=datetime(2026, 10, 5, 14, tzinfo=UTC))
            slug = "transcript-role-play"
            if db.session.scalar(select(LiveSession).where(LiveSession.slug == slug)) is None:
                version = livekit.session_version(
                    course.id, slug=slug, title="Role-play: reflecting feelings and naming a "
                    "boundary kindly when a peer asks for money", minutes=120, position=90,
                )  # fmt: skip
                meeting = livekit.held_meeting(version, cohort.id, boss.id,
                                               datetime(2026, 10, 12, 15, tzinfo=UTC))  # fmt: skip
                livekit.attend(meeting, trainee.id, "partial", minutes=95, skills=[0, 2])
            kit.hours(trainee.id, 150, reviewer_id=boss.id,
                      activity=practice.ACTIVITIES[0])  # fmt: skip
            kit.hours(trainee.id, 60, kind="supervision", reviewer_id=boss.id,
                      activity="Supervision meeting")  # fmt: skip
            db.session.commit()


def test_the_trainee_reads_and_downloads_their_transcript_and_a_visitor_checks_it(
    viewport, new_context, check_page, live_app, tmp_path
):
    set_up(live_app)
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    sign_in(page, TRAINEE[1])
    follow(page, page.get_by_role("link", name="see my training transcript"))

    expect(page.get_by_role("heading", level=1)).to_have_text("My training transcript")
    sessions = page.get_by_role("region", name="Live sessions attended")
    expect(sessions).to_contain_text("1.58 (part of it)")
    expect(sessions).to_contain_text(livekit.SKILLS[0])
    expect(sessions).to_contain_text(FACILITATOR[0])
    expect(page.get_by_role("region", name="Modules passed").locator("tbody tr")).to_have_count(2)
    assert sideways(page) <= 0, f"the transcript is wider than the {viewport} window"
    assert not page.evaluate(UNREACHABLE_SCROLLERS)
    check(page, "transcript")

    code, _, text = download_transcript(page, tmp_path)
    for expected in (TRAINEE[0], code, "Page 1 of", "Role-play: reflecting feelings",
                     livekit.SKILLS[2], "Supervision meeting", f"/verify/{code}"):  # fmt: skip
        assert expected in text, expected

    page.reload()
    expect(
        page.get_by_role("heading", name="Transcripts issued").locator(
            "xpath=following-sibling::ul[1]"
        )
    ).to_contain_text(code)

    visitor = new_context(viewport).new_page()
    visitor.goto("/verify")
    visitor.get_by_label("Certificate or transcript code").fill(code.lower())
    follow(visitor, visitor.get_by_role("button", name="Check this code"))
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Training transcript issued on")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(TRAINEE[0])
    assert "Supervision meeting" not in visitor.content()
    assert sideways(visitor) <= 0
    check(visitor, "verify-transcript")

    check.assert_no_violations()
