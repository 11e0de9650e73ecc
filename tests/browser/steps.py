"""What a person does in the browser, step by step, for the browser tests to share.

The only thing read behind the page's back is which choices are right (from the database), so
that a test can pass or fail a quiz on purpose; choices are matched by their input's value (the
choice id), since their order is shuffled for every attempt.
"""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from lms.extensions import db
from lms.models import Choice

PASSWORD = "a quiet walk along the river"


def answer_key(app):
    """{choice id: is it right?} for every published choice."""
    with app.app_context():
        return dict(db.session.execute(select(Choice.id, Choice.is_correct)).all())


def follow(page, target):
    """Click a link or button that loads another page, and wait until that page has loaded.

    Returns the response of the page it lands on."""
    with page.expect_navigation() as navigation:
        target.click()
    return navigation.value


def sign_in(page, email, password=PASSWORD):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    follow(page, page.get_by_role("button", name="Sign in"))


def sign_out(page):
    follow(page, page.get_by_role("button", name="Sign out"))


def sign_up(page, name, email, password=PASSWORD):
    """On the sign-up page: fill in the form and send it."""
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Choose a password").fill(password)
    follow(page, page.get_by_role("button", name="Make my account"))


def read_to_the_end(page):
    """Scroll down to the foot of the page, as a reader would."""
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    expect(page.locator(".site-footer")).to_be_in_viewport()


def pass_mark(page):
    """The pass mark the quiz page states, as a number."""
    return int(re.search(r"You need (\d+)% to pass", page.locator(".lead").inner_text())[1])


def fewest_wrong_to_fail(questions, mark):
    """How many wrong answers make a score (rounded as the server does) fall below the mark."""
    return next(w for w in range(questions + 1) if round(100 * (questions - w) / questions) < mark)


def _a_wrong_answer(values, right):
    wrong = [value for value in values if value not in right]
    return wrong[:1] if wrong else right[:-1]


def answer_quiz(page, key, wrong=0, leave_out=0):
    """Answer the quiz on the page: the first `wrong` questions wrongly, the last `leave_out`
    not at all, the others rightly. Returns the number of questions."""
    questions = page.locator("fieldset.question")
    count = questions.count()
    for index in range(count):
        question = questions.nth(index)
        boxes = question.locator("input")
        values = [int(v) for v in boxes.evaluate_all("inputs => inputs.map((i) => i.value)")]
        right = [value for value in values if key[value]]
        if index >= count - leave_out:
            chosen = []
        elif index < wrong:
            chosen = _a_wrong_answer(values, right)
        else:
            chosen = right
        for value in values:
            box = question.locator(f'input[value="{value}"]')
            if value in chosen:
                box.check()
            elif box.get_attribute("type") == "checkbox":
                box.uncheck()
    return count


def submit_quiz(page):
    return follow(page, page.get_by_role("button", name="Submit answers"))


def pass_quiz(page, key):
    """On a quiz page: answer every question rightly, send, and see that it passed."""
    answer_quiz(page, key)
    submit_quiz(page)
    expect(page.locator(".result")).to_contain_text("Passed.")


def module_links(page):
    """The addresses of the modules listed on a course page, in order."""
    return page.locator(".module-list a").evaluate_all("links => links.map((a) => a.href)")


def download_transcript(page, folder):
    """Press the transcript page's Download PDF; returns (its TR code from the file name, the PDF
    bytes, its text with wrapped lines rejoined). The file is saved in `folder`."""
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    path = folder / "transcript.pdf"
    download.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    code = re.fullmatch(r"transcript-(TR-[0-9A-Z-]+)\.pdf", download.value.suggested_filename)[1]
    pages = PdfReader(io.BytesIO(data)).pages
    return code, data, " ".join(" ".join(p.extract_text() for p in pages).split())
