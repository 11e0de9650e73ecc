"""A trainee's quiz answers in real Chromium, on a phone and on a desktop: a quiz answered in two
tabs, the Back button after passing, and answers sent after being signed out. The new pages these
lead to are photographed and checked by axe-core."""

import re

from playwright.sync_api import expect

from tests.browser.steps import PASSWORD, answer_key, answer_quiz, follow, sign_up, submit_quiz

COURSE = "/courses/running-a-peer-support-program/"


def _first_quiz(page):
    """The address of the course's first quiz."""
    page.goto(COURSE)
    return page.locator(".module-list a").first.get_attribute("href") + "/quiz"


def _ticked(page):
    return sorted(page.locator("form.quiz input:checked").evaluate_all("l => l.map(i => +i.value)"))


def _choices(page):
    return page.locator("form.quiz fieldset.question input").evaluate_all(
        "l => l.map(i => +i.value)"
    )


def _shown(page):
    """{choice id: its question's field name} for the questions the quiz page asks."""
    return dict(
        page.locator("form.quiz fieldset.question input").evaluate_all(
            "l => l.map(i => [+i.value, i.name])"
        )
    )


def _questions_answered(shown, chosen):
    """How many of the questions in `shown` have a choice in `chosen`."""
    return len({shown[value] for value in chosen if value in shown})


def _attempt_id(page):
    return page.locator('input[name="attempt_id"]').get_attribute("value")


def _new_trainee(new_context, viewport, who):
    context = new_context(viewport)
    page = context.new_page()
    page.goto("/sign-up")
    sign_up(page, f"Quiz {who}", f"{who}.{viewport}@example.org")
    return context, page


def test_a_quiz_answered_in_two_tabs_says_so_and_keeps_the_second_tabs_answers(
    viewport, new_context, check_page, live_app
):
    check = check_page(viewport)
    key = answer_key(live_app)
    context, tab_a = _new_trainee(new_context, viewport, "twotabs")
    quiz = _first_quiz(tab_a)
    tab_a.goto(quiz)
    tab_b = context.new_page()
    tab_b.goto(quiz)
    assert _attempt_id(tab_a) == _attempt_id(tab_b)

    tab_a_shown = _shown(tab_a)
    questions = answer_quiz(tab_a, key, wrong=10**6)  # every question wrong
    submit_quiz(tab_a)
    expect(tab_a.locator(".result")).to_contain_text("Not passed yet.")
    answer_quiz(tab_b, key)
    chosen = _ticked(tab_b)
    submit_quiz(tab_b)

    notice = tab_b.locator("#quiz-notice")
    expect(notice).to_contain_text("This attempt was already submitted")
    expect(notice).to_contain_text("The answers you just sent were not graded.")
    expect(tab_b.locator(".result")).to_have_count(0)
    # The module draws 7 of its pool for each attempt, so the new attempt asks some other
    # questions: the second tab's answers to those it asks again are ticked, the page says how
    # many were to questions it does not ask, and those left blank are answered before sending.
    assert len(chosen) >= questions
    on_page = set(_choices(tab_b))
    kept = [value for value in chosen if value in on_page]
    assert _ticked(tab_b) == kept
    dropped = _questions_answered(tab_a_shown, chosen) - _questions_answered(_shown(tab_b), kept)
    if dropped:
        expect(notice).to_contain_text("This new attempt draws its questions afresh")
        expect(notice).to_contain_text(
            f"{dropped} answer{'s' if dropped != 1 else ''} "
            f"{'were' if dropped != 1 else 'was'} to questions it does not ask"
        )
    else:
        expect(notice).to_contain_text("They are ticked below on a new attempt")
    check(tab_b, "quiz-already-submitted")
    answer_quiz(tab_b, key)
    submit_quiz(tab_b)
    expect(tab_b.locator(".result")).to_contain_text("Passed.")
    check.assert_no_violations()


def test_back_after_passing_shows_a_fresh_quiz_and_a_stale_form_is_refused(
    viewport, new_context, check_page, live_app
):
    check = check_page(viewport)
    key = answer_key(live_app)
    _, page = _new_trainee(new_context, viewport, "back")
    page.goto(_first_quiz(page))
    passed_attempt = _attempt_id(page)
    answer_quiz(page, key)
    submit_quiz(page)
    expect(page.locator(".result")).to_contain_text("Passed.")

    page.go_back()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Quiz: "))
    expect(page.locator("form.quiz input:checked")).to_have_count(0)  # nothing put back
    assert _attempt_id(page) != passed_attempt  # the attempt open now, not the graded one
    # A form that claims something other than what this attempt shows (as a browser that
    # refilled it would send) is refused with a message, and nothing is recorded.
    answer_quiz(page, key, wrong=1)
    page.locator('input[name="shown"]').evaluate("input => { input.value = 'stale'; }")
    submit_quiz(page)
    expect(page.locator("#quiz-notice")).to_contain_text("Your answers were not graded.")
    expect(page.locator(".result")).to_have_count(0)
    check(page, "quiz-mismatch")
    check.assert_no_violations()


def test_answers_sent_after_being_signed_out_come_back_after_signing_in(
    viewport, new_context, check_page, live_app
):
    check = check_page(viewport)
    key = answer_key(live_app)
    context, page = _new_trainee(new_context, viewport, "signedout")
    page.goto(_first_quiz(page))
    attempt = _attempt_id(page)
    answer_quiz(page, key)
    chosen = _ticked(page)
    context.clear_cookies()  # the session ended while the trainee was answering

    submit_quiz(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("#signed-out-notice")).to_contain_text("You were signed out")
    check(page, "sign-in-signed-out")
    page.get_by_label("Email address").fill(f"signedout.{viewport}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Sign in"))
    expect(page.locator("#quiz-notice")).to_contain_text("Your answers are ticked below")
    assert _attempt_id(page) == attempt and _ticked(page) == chosen
    check(page, "quiz-restored")
    submit_quiz(page)
    expect(page.locator(".result")).to_contain_text("Passed.")
    check.assert_no_violations()
