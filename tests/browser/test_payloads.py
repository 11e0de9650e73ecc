"""Markup in a trainee's name, end to end in real Chromium: it must show as text on every page
that prints the name, and no script may run (an alert, a console message or a page error would
give it away).

The names hold payloads from ../shared/testdata/xss (PayloadsAllTheThings' quick list); the
test completes a course with such a name so that it reaches the certificate and verification
pages too.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import answer_key, follow, module_links, pass_quiz, sign_up

NAMES = (
    "<img src=x onerror=alert(1)>",
    "\"><svg/onload=alert('name')><script>alert(document.cookie)</script>",
)


def watch(page, seen):
    """Record every dialog, console message and uncaught error the page produces."""
    page.on("dialog", lambda dialog: (seen.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda message: seen.append(f"console {message.type}: {message.text}"))
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    return page


def assert_shown_as_text(page, locator, name, seen):
    expect(locator).to_have_text(name)
    expect(page.locator("script, img, svg, iframe")).to_have_count(0)
    assert seen == [], f"{page.url} ran something: {seen}"


@pytest.mark.parametrize("name", NAMES, ids=["img-onerror", "svg-script"])
def test_a_name_with_markup_is_shown_as_text_and_never_runs(name, new_context, live_app):
    key = answer_key(live_app)
    seen = []
    page = watch(new_context("desktop").new_page(), seen)
    page.goto("/sign-up")
    sign_up(page, name, f"markup.{NAMES.index(name)}@example.org")
    expect(page.locator(".notice")).to_have_text(f"Welcome, {name}. Your account is ready.")
    assert_shown_as_text(page, page.locator(".account-name"), name, seen)

    page.goto("/courses/running-a-peer-support-program/")
    for link in module_links(page):
        page.goto(link + "/quiz")
        pass_quiz(page, key)
    follow(page, page.get_by_role("link", name="your learning page"))
    assert_shown_as_text(page, page.locator(".account-name"), name, seen)

    follow(page, page.get_by_role("link", name="Peer Support Program Lead"))
    assert_shown_as_text(page, page.locator(".certificate-holder"), name, seen)
    code = page.locator("dd.certificate-code").inner_text().strip()

    visitor = watch(new_context("desktop").new_page(), seen)
    visitor.goto(f"/verify/{code}")
    holder = visitor.locator(".verify-facts div").filter(has_text="Awarded to").locator("dd")
    assert_shown_as_text(visitor, holder, name, seen)
