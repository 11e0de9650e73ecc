"""The trainee journey in real Chromium, on a phone and on a desktop, through the pages only:
sign up, read every module of a course, fail a quiz and pass it on a second try, pass the rest,
download the certificate, sign out; then a visitor with no account verifies it by typing the code.

Every page type on the way is photographed and checked by axe-core.
"""

import re

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.steps import (
    answer_key,
    answer_quiz,
    fewest_wrong_to_fail,
    follow,
    pass_mark,
    pass_quiz,
    read_to_the_end,
    sign_up,
    submit_quiz,
)

COURSE = "Running a Peer Support Program"
MODULES = 4
CERTIFICATE = "Peer Support Program Lead"


def heading(page):
    return page.get_by_role("heading", level=1)


def fail_then_pass(page, key, check):
    """The first quiz: leave a question out, then fail it, then try again and pass."""
    check(page, "quiz")
    questions = answer_quiz(page, key, leave_out=1)
    submit_quiz(page)
    expect(page.locator("#quiz-errors")).to_contain_text(
        "Error: 1 question has no answer yet. Each one is marked below."
    )
    unanswered = page.locator("fieldset.question").last
    expect(unanswered.locator(".field-error")).to_contain_text("Error: choose")
    check(page, "quiz-unanswered")

    wrong = fewest_wrong_to_fail(questions, pass_mark(page))
    answer_quiz(page, key, wrong=wrong)
    submit_quiz(page)
    expect(page.locator(".result")).to_contain_text("Not passed yet.")
    expect(page.locator(".verdict").filter(has_text="Not right")).to_have_count(wrong)
    check(page, "result-failed")

    follow(page, page.get_by_role("link", name="Try again").first)
    expect(page.locator("#quiz-errors")).to_have_count(0)
    pass_quiz(page, key)
    check(page, "result-passed")


def test_a_trainee_earns_a_certificate_and_a_visitor_verifies_it(
    viewport, new_context, check_page, live_app, tmp_path
):
    check = check_page(viewport)
    key = answer_key(live_app)
    name = "Amara Okafor-Lindqvist"
    page = new_context(viewport).new_page()

    page.goto("/")
    expect(heading(page)).to_have_text("Courses")
    check(page, "home")

    follow(page, page.get_by_role("navigation", name="Your account").get_by_text("Sign up"))
    expect(heading(page)).to_have_text("Sign up")
    check(page, "sign-up")
    sign_up(page, name, f"amara.{viewport}@example.org")
    expect(page.locator(".notice")).to_have_text(f"Welcome, {name}. Your account is ready.")
    follow(page, page.get_by_role("link", name="My learning"))
    expect(heading(page)).to_have_text("My learning")
    check(page, "dashboard")

    follow(page, page.get_by_role("link", name=COURSE, exact=True))
    expect(heading(page)).to_have_text(COURSE)
    expect(page.locator(".progress-text")).to_have_text("0 of 4 modules passed (0%)")
    check(page, "course")
    follow(page, page.get_by_role("link", name=re.compile(r"^Start: 1\. ")))

    for number in range(1, MODULES + 1):
        expect(page.locator(".eyebrow")).to_have_text(f"Module {number} of {MODULES}")
        read_to_the_end(page)
        if number == 1:
            check(page, "module")
        follow(page, page.get_by_role("link", name="Go to the quiz"))
        expect(heading(page)).to_have_text(re.compile(r"^Quiz: "))
        if number == 1:
            fail_then_pass(page, key, check)
        else:
            pass_quiz(page, key)
        if number < MODULES:
            follow(page, page.get_by_role("link", name=re.compile(rf"^Next: {number + 1}\. ")))

    expect(page.locator(".notice-success")).to_contain_text(f"You have completed {COURSE}.")
    check(page, "result-course-complete")
    follow(page, page.get_by_role("link", name="your learning page"))
    card = page.locator("section.card").filter(has=page.get_by_role("link", name=COURSE))
    expect(card.locator(".progress-text")).to_have_text("4 of 4 modules passed (100%)")
    check(page, "dashboard-certificate")

    follow(page, page.get_by_role("link", name=CERTIFICATE))
    expect(page.locator(".certificate-holder")).to_have_text(name)
    code = page.locator("dd.certificate-code").inner_text().strip()
    assert re.fullmatch(r"RAPS(-[0-9A-Z]{4}){3}", code), code
    check(page, "certificate")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename == f"certificate-{code}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = PdfReader(pdf).pages[0].extract_text()
    assert name in text and code in text and CERTIFICATE in text

    follow(page, page.get_by_role("button", name="Sign out"))
    expect(page.locator(".notice")).to_have_text("You have signed out.")
    expect(page.get_by_role("link", name="My learning")).to_have_count(0)

    visitor = new_context(viewport).new_page()
    visitor.goto("/verify")
    expect(heading(visitor)).to_have_text("Check a certificate")
    check(visitor, "verify-form")
    typed = "  " + code.lower().replace("-", " ") + " "
    visitor.get_by_label("Certificate or transcript code").press_sequentially(typed)
    follow(visitor, visitor.get_by_role("button", name="Check this code"))
    expect(visitor).to_have_url(re.compile(rf"/verify/{code}$"))
    expect(heading(visitor)).to_have_text(CERTIFICATE)
    expect(visitor.locator(".certificate-status strong")).to_have_text("Valid")
    facts = visitor.locator(".verify-facts")
    expect(facts.locator("div").filter(has_text="Awarded to").locator("dd")).to_have_text(name)
    expect(facts.locator("dd.certificate-code")).to_have_text(code)
    check(visitor, "verify-result")

    check.assert_no_violations()
