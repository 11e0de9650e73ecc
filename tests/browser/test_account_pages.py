"""Account pages only some set-ups reach, at both viewports, photographed and checked by axe-core:
the "Check your email" answer to a sign-up when the site sends email, and the page for a form
sent after its session ended."""

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.browser.steps import follow, sign_up
from tests.conftest import run_jobs
from tests.web.test_password_reset import Inbox, free_port

MAIL_SETTINGS = {
    "LMS_SMTP_HOST": "127.0.0.1",
    "LMS_SMTP_FROM": "training@example.org",
    "LMS_SMTP_SECURITY": "none",
    "LMS_BASE_URL": "https://training.example.org",
}


@pytest.fixture
def mail_set_up(live_app):
    """The live app sends email to a real SMTP server on loopback for this test only."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    before = {key: live_app.config.get(key) for key in [*MAIL_SETTINGS, "LMS_SMTP_PORT"]}
    live_app.config.update(MAIL_SETTINGS, LMS_SMTP_PORT=controller.port)
    yield inbox
    live_app.config.update(before)
    controller.stop()


def heading(page):
    return page.get_by_role("heading", level=1)


def test_sign_up_with_email_set_up_says_check_your_email(
    viewport, new_context, check_page, mail_set_up, live_app
):
    check = check_page(viewport)
    page = new_context(viewport).new_page()

    page.goto("/sign-up")
    sign_up(page, "Noor Haddad", f"noor.{viewport}@example.org")

    expect(heading(page)).to_have_text("Check your email")
    check(page, "sign-up-sent")
    run_jobs(live_app)  # what `lms worker` does: the request only queued the email
    [(recipients, _)] = mail_set_up.messages
    assert recipients == [f"noor.{viewport}@example.org"]
    check.assert_no_violations()


def test_a_form_sent_after_the_session_ended_says_so_and_offers_sign_in(
    viewport, new_context, check_page
):
    check = check_page(viewport)
    context = new_context(viewport)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("someone@example.org")
    page.get_by_label("Password").fill("not the password")
    context.clear_cookies()  # the session (and the form's CSRF secret) is gone

    response = follow(page, page.get_by_role("button", name="Sign in"))

    assert response.status == 400
    expect(heading(page)).to_have_text("Your session has ended")
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible()
    check(page, "session-ended")
    check.assert_no_violations()
