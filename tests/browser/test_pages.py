"""The page types the journey does not pass through, at both viewports, photographed and checked
by axe-core: signing in, a forgotten password, a page that does not exist, a code no certificate
has, a sign-up with mistakes, changing a password and a module that is not open yet.
"""

from playwright.sync_api import expect

from lms.services.certification.certification import new_code
from tests.browser.conftest import LOCKED_COURSE
from tests.browser.steps import follow, sign_up


def heading(page):
    return page.get_by_role("heading", level=1)


def field(page, label):
    """The field block (label, hint, error, input) holding this label."""
    return page.locator(".field").filter(has=page.get_by_text(label, exact=True))


def test_pages_off_the_journey(viewport, new_context, check_page):
    check = check_page(viewport)
    page = new_context(viewport).new_page()

    page.goto("/sign-in")
    expect(heading(page)).to_have_text("Sign in")
    check(page, "sign-in")
    page.keyboard.press("Tab")  # the first stop is the skip link, shown with a visible outline
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert skip.evaluate("link => getComputedStyle(link).outlineStyle") == "solid"
    follow(page, page.get_by_role("link", name="Forgot your password?"))
    expect(heading(page)).to_have_text("Forgot your password?")
    check(page, "forgot-password")

    response = page.goto("/courses/no-such-course/")
    assert response.status == 404
    expect(heading(page)).to_have_text("Page not found")
    check(page, "not-found")

    page.goto("/verify")
    unknown = new_code("running-a-peer-support-program")  # well formed, never issued
    page.get_by_label("Certificate or transcript code").fill(unknown)
    response = follow(page, page.get_by_role("button", name="Check this code"))
    assert response.status == 404
    expect(heading(page)).to_have_text("No certificate has this code")
    expect(page.locator(".lead")).to_have_text(f"We found no certificate with the code {unknown}.")
    check(page, "verify-unknown")

    page.goto("/sign-up")
    follow(page, page.get_by_role("button", name="Make my account"))
    expect(field(page, "Your name").locator(".field-error")).to_have_text(
        "Error: Enter your name, as you would like it shown on your certificate."
    )
    expect(field(page, "Email address").locator(".field-error")).to_have_text(
        "Error: Enter your email address."
    )
    expect(page.get_by_label("Your name")).to_have_attribute("aria-invalid", "true")
    check(page, "sign-up-errors")

    sign_up(page, "Sam Rivera", f"sam.{viewport}@example.org")
    account = page.get_by_role("navigation", name="Your account")
    follow(page, account.get_by_role("link", name="Change password"))
    expect(heading(page)).to_have_text("Change your password")
    check(page, "change-password")
    follow(page, page.get_by_role("link", name="Email settings"))
    expect(heading(page)).to_have_text("Email settings")
    page.get_by_label("Only essential emails", exact=False).check()
    follow(page, page.get_by_role("button", name="Save email settings"))
    expect(page.get_by_label("Only essential emails", exact=False)).to_be_checked()
    check(page, "email-settings")
    page.evaluate("document.querySelectorAll('input[name=emails]').forEach(i => i.value = 'x')")
    follow(page, page.get_by_role("button", name="Save email settings"))
    expect(page.locator(".field-error")).to_have_text(
        "Error: Choose which emails you want: all of them, or only the essential ones."
    )
    check(page, "email-settings-errors")

    page.goto(f"/courses/{LOCKED_COURSE}/")
    follow(page, page.locator(".module-list").get_by_role("link", name="What Peer Support Is"))
    expect(heading(page)).to_have_text("What Peer Support Is")
    expect(page.locator(".lead")).to_have_text(
        "This module opens once you have passed the quiz of:"
    )
    expect(page.get_by_role("link", name="1. The Recovery Process")).to_be_visible()
    check(page, "locked-module")

    check.assert_no_violations()
