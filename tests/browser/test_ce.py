"""Continuing education in real Chromium, on a phone (390 px) and a desktop: a holder logs CE from
elsewhere with an evidence file (after first forgetting it), staff open the queue and approve it,
and the holder sees it approved. Every page is photographed and checked by axe-core, and none
scrolls sideways."""

import io

from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course
from lms.services.accounts import ensure_user
from tests.browser.steps import PASSWORD, follow
from tests.cekit import RULE

STAFF = ("Marisol Okafor-Lindqvist", "marisol.ce-staff@example.org")
TITLE = "Trauma-informed boundaries in peer work"


def holder(viewport):
    return (f"Aroha Delacroix-Nkemelu ({viewport})", f"aroha.ce.{viewport}@example.org")


def set_up(app, viewport):
    with app.app_context():
        ensure_user(STAFF[1], STAFF[0], ["staff"], PASSWORD)
        name, email = holder(viewport)
        ensure_user(email, name, ["trainee"], PASSWORD)
        course = db.session.scalar(select(Course).order_by(Course.id))
        course.renewal = dict(RULE)
        db.session.commit()


def sign_in(page, email):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Sign in"))


def sign_out(page):
    follow(page, page.get_by_role("button", name="Sign out"))


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, page.url


def scan():
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (240, 236, 220)).save(out, "PNG")
    return out.getvalue()


def test_a_holder_logs_ce_with_evidence_and_staff_approve_it(
    viewport, new_context, check_page, live_app
):
    set_up(live_app, viewport)
    check = check_page(viewport)
    name, email = holder(viewport)
    page = new_context(viewport).new_page()

    sign_in(page, email)
    follow(page, page.get_by_role("link", name="Continuing education"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Continuing education")
    page.get_by_label("Title of the training").fill(TITLE)
    page.get_by_label("Provider or presenter").fill("Northern Peer Network")
    page.get_by_label("Date completed").fill("2026-01-15")
    page.get_by_label("Contact hours").fill("2.5")
    page.get_by_label("Category", exact=True).select_option("ethics")
    follow(page, page.get_by_role("button", name="Log this training"))
    expect(page.locator(".error-summary, [role=alert]").first).to_be_visible()
    expect(page.locator("#evidence-error")).to_contain_text("Choose your evidence file")
    check(page, "ce-ledger-errors")
    fits(page)

    page.get_by_label("Evidence", exact=True).set_input_files(
        files=[{"name": "attendance.png", "mimeType": "image/png", "buffer": scan()}]
    )
    follow(page, page.get_by_role("button", name="Log this training"))
    expect(page.locator(".notice")).to_contain_text(f"Logged 2.5 CE hours for “{TITLE}”")
    row = page.locator(".ce-ledger tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("Waiting for review")
    expect(row.get_by_role("link", name="attendance.png")).to_be_visible()
    check(page, "ce-ledger")
    fits(page)
    sign_out(page)

    sign_in(page, STAFF[1])
    follow(page, page.get_by_role("link", name="Staff tools"))
    follow(page, page.get_by_role("link", name="Continuing education to review"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Continuing education to review")
    review = page.locator("article.req-review").filter(has_text=name)
    expect(review).to_contain_text(TITLE)
    check(page, "ce-review")
    fits(page)
    review.get_by_label("Comment for the person").fill("Clear certificate, thank you.")
    follow(page, review.get_by_role("button", name="Approve", exact=True))
    expect(page.locator(".notice")).to_contain_text(f"Approved 2.5 CE hours for {name}.")
    sign_out(page)

    sign_in(page, email)
    follow(page, page.get_by_role("link", name="Continuing education"))
    row = page.locator(".ce-ledger tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("Clear certificate, thank you.")
    check(page, "ce-ledger-approved")
    fits(page)
    check.assert_no_violations()
