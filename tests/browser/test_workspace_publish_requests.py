"""The publish page's two-person states in real Chromium, on a 390 px phone and on a desktop: an
author sees the preview with Request publishing (no Publish, no Staff tools in the breadcrumbs),
asks, and sees the request pending; a member of staff sees the open request with the author's
note and Decline, is told what to fix when the reason is empty, declines, and the author reads
the reason. Every state is photographed, checked by axe-core and must not scroll sideways."""

import pytest
from playwright.sync_api import expect

from lms.services.people.accounts import ensure_user
from tests.browser.steps import PASSWORD, follow, sign_in
from tests.browser.test_layout import sideways
from tests.workspacekit import ready_course

AUTHOR = ("Mere Author", "mere.publish@example.org")
STAFF = ("Tavita Staff", "tavita.publish@example.org")
NOTE = "Adds a first module on arriving upset; please check the quiz wording."
REASON = "The quiz gives the answer away in its first question."


@pytest.fixture
def publish_url(live_app, viewport):
    slug = f"publish-requests-{viewport}"
    with live_app.app_context():
        author = ensure_user(AUTHOR[1], AUTHOR[0], ["author"], PASSWORD)
        ensure_user(STAFF[1], STAFF[0], ["staff"], PASSWORD)
        ready_course(slug, author.id)
    return slug, f"/staff/workspace/{slug}/publish"


def fits(page):
    assert sideways(page) == 0, f"{page.url} scrolls sideways"


def test_an_author_asks_and_staff_see_the_request_with_decline(
    viewport, new_context, check_page, publish_url
):
    slug, url = publish_url
    check = check_page(viewport)

    author = new_context(viewport).new_page()
    sign_in(author, AUTHOR[1])
    author.goto(url)
    expect(author.get_by_role("heading", level=1)).to_have_text(f"Publish {slug}")
    asking = author.get_by_role("region", name="Request publishing")
    expect(asking.get_by_role("button", name="Request publishing")).to_be_visible()
    expect(author.get_by_role("button", name=f"Publish {slug}")).to_have_count(0)
    crumbs = author.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs).to_have_text("Course workspace › " + slug)  # no Staff tools for an author
    fits(author)
    check(author, "workspace-publish-author")
    asking.get_by_label("Note for the person who publishes").fill(NOTE)
    follow(author, asking.get_by_role("button", name="Request publishing"))
    expect(author.locator(".notice").first).to_contain_text(f"Your request to publish {slug}")
    expect(asking.get_by_role("button", name="Withdraw my request")).to_be_visible()
    expect(asking).to_contain_text(NOTE)
    # every open request is listed for the author too, without Decline
    mine = author.get_by_role("region", name="Requests to publish")
    expect(mine.get_by_role("article", name=f"{AUTHOR[0]} asked on")).to_contain_text(NOTE)
    expect(mine.get_by_text("Decline this request")).to_have_count(0)
    fits(author)
    check(author, "workspace-publish-requested")

    staff = new_context(viewport).new_page()
    sign_in(staff, STAFF[1])
    staff.goto(url)
    requests = staff.get_by_role("region", name="Requests to publish")
    request = requests.get_by_role("article", name=f"{AUTHOR[0]} asked on")
    expect(request).to_contain_text(NOTE)
    expect(request).to_contain_text("The draft is as it was when they asked.")
    request.get_by_text("Decline this request").click()
    reason = request.get_by_label("Reason")
    expect(reason).to_be_visible()
    expect(staff.get_by_role("button", name=f"Publish {slug}")).to_be_visible()
    fits(staff)
    check(staff, "workspace-publish-requests")

    response = follow(staff, request.get_by_role("button", name="Decline the request"))
    assert response.status == 422
    summary = staff.locator(".error-summary")
    expect(summary).to_contain_text("Say why the request is declined")
    expect(request.get_by_label("Reason")).to_be_visible()  # its details stay open
    fits(staff)
    check(staff, "workspace-publish-decline-errors")
    request.get_by_label("Reason").fill(REASON)
    follow(staff, request.get_by_role("button", name="Decline the request"))
    expect(staff.locator(".notice").first).to_contain_text("The request was declined")

    author.goto(url)
    outcome = author.get_by_role("region", name="Your last request")
    expect(outcome).to_contain_text(f"declined by {STAFF[0]}")
    expect(outcome).to_contain_text(REASON)
    check.assert_no_violations()
