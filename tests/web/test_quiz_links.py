"""Links and images in a quiz question are written relative to the module's file, and published
relative to the module's page (/courses/<course>/<module>). The quiz (…/<module>/quiz) and an
attempt's review (…/<module>/attempts/<id>) are other pages: there each relative address is made
whole from the module's page, so it leads where it does on the module page."""

import re

import pytest

from lms.extensions import db
from lms.services.authoring.publishing import sync_courses
from lms.services.people import accounts, supervision
from tests.conftest import csrf_token, sign_in_as

MODULE = "/courses/sample-course/first-steps"


@pytest.fixture
def reader(app, client, courses_dir):
    lesson = courses_dir / "sample-course" / "01-first-steps.md"
    text = lesson.read_text()
    text = text.replace(
        "### Which statement about recovery is true?",
        "### Which statement about recovery is true (see [Listening](02-listening.md), "
        "[the overview](course.md) and [this lesson](01-first-steps.md))?",
    )
    text = text.replace(
        "- [x] Recovery looks different for each person.",
        "- [x] Recovery looks different for each person ![A circle](media/circle.png).",
    )
    lesson.write_text(text)
    with app.app_context():
        sync_courses(courses_dir)
        user = accounts.ensure_user("r@example.org", "Reader", ["trainee"], "a-long-passphrase")
    return sign_in_as(client, user.id)


def addresses(html):
    """The href and src of every link and image inside the questions' text."""
    parts = re.findall(
        r"<legend>.*?</legend>|<label for=\"c.*?</label>|<p class=\"review-stem\">.*?</p>"
        r"|<ul>\s*<li>.*?</ul>",
        html,
        re.S,
    )
    questions = " ".join(parts)
    return re.findall(r'\s(?:href|src)="([^"]*)"', questions)


def assert_each_leads_somewhere(client, found):
    assert found, "the question's links are on the page"
    for address in found:
        assert address.startswith("/"), address  # whole, not relative to this page
        assert client.get(address).status_code == 200, address


def test_a_questions_links_lead_from_the_quiz_where_they_lead_from_the_module(reader):
    quiz = reader.get(f"{MODULE}/quiz").get_data(as_text=True)

    found = addresses(quiz)
    assert "/courses/sample-course/listening" in found
    assert "/courses/sample-course/" in found
    assert MODULE in found
    assert any(address.startswith("/media/") for address in found)
    assert_each_leads_somewhere(reader, found)


def test_and_from_an_attempts_review(reader):
    quiz = reader.get(f"{MODULE}/quiz").get_data(as_text=True)
    answers = dict(re.findall(r'name="(attempt_id|shown)" value="([^"]*)"', quiz))
    for name, value in re.findall(r'name="(q\d+)" value="(\d+)"', quiz):
        answers.setdefault(name, value)
    sent = reader.post(f"{MODULE}/quiz", data={"csrf_token": csrf_token(quiz), **answers})
    assert sent.status_code == 303 and "/attempts/" in sent.headers["Location"]

    review = reader.get(sent.headers["Location"]).get_data(as_text=True)

    found = addresses(review)
    assert "/courses/sample-course/listening" in found
    assert_each_leads_somewhere(reader, found)


def test_and_from_the_supervisors_record_of_the_trainee(app, reader):
    quiz = reader.get(f"{MODULE}/quiz").get_data(as_text=True)
    answers = dict(re.findall(r'name="(attempt_id|shown)" value="([^"]*)"', quiz))
    for name, value in re.findall(r'name="(q\d+)" value="(\d+)"', quiz):
        answers.setdefault(name, value)
    reader.post(f"{MODULE}/quiz", data={"csrf_token": csrf_token(quiz), **answers})
    with app.app_context():
        trainee = accounts.user_by_email("r@example.org").id
        sue = accounts.ensure_user("sue@example.org", "Sue", ["supervisor"], "a-long-passphrase")
        supervision.assign_supervisor(trainee, sue.id)
        db.session.commit()
    supervisor = sign_in_as(app.test_client(), sue.id)

    record = supervisor.get(f"/supervise/trainees/{trainee}").get_data(as_text=True)

    stems = " ".join(re.findall(r'<div class="review-stem">.*?</div>', record, re.S))
    found = re.findall(r'\shref="([^"]*)"', stems)
    assert "/courses/sample-course/listening" in found
    assert_each_leads_somewhere(supervisor, found)
