"""Question pools and waits on the pages: the quiz shows the attempt's drawn questions and grades
them, the module and quiz pages explain the pool and the wait in plain words, the staff preview
shows the whole pool, and item analysis counts each question over the attempts that showed it."""

import html
import re
from datetime import UTC, datetime

import pytest

from lms.services.authoring.publishing import sync_courses
from lms.services.people import accounts
from tests.auth import make_user
from tests.conftest import csrf_token, sign_in_as
from tests.poolkit import POOL, write_pooled_module
from tests.statements import count_statements

MODULE = "/courses/sample-course/first-steps"
QUIZ = MODULE + "/quiz"
PREVIEW = "/staff/courses/sample-course/preview/first-steps"
ITEMS = "/staff/courses/sample-course/items"
POOL_SENTENCE = "Each attempt shows 2 questions drawn from a pool of 5"
WAIT_SENTENCE = "After 2 attempts that don't pass, you wait 60 minutes before the next one"


def publish(app, courses_dir, settings="draw: 2"):
    write_pooled_module(courses_dir, settings)
    with app.app_context():
        sync_courses(courses_dir)


@pytest.fixture
def trainee(app):
    with app.app_context():
        user = accounts.ensure_user("dana@example.org", "Dana", ["trainee"], "a-long-passphrase")
        return user.id


@pytest.fixture
def signed_in(client, trainee):
    return sign_in_as(client, trainee)


def page_text(response):
    words = html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))
    return re.sub(r"\s+", " ", words)


def quiz_form(client):
    """The quiz page's HTML, and {question number in the file: {"Right"/"Wrong": (field, id)}}."""
    page = client.get(QUIZ).get_data(as_text=True)
    questions = {}
    for field, choice_id, kind, number in re.findall(
        r'name="(q\d+)" value="(\d+)" id="c\d+"[^>]*>\s*<label for="c\d+">(Right|Wrong) (\d+)<',
        page,
    ):
        questions.setdefault(int(number), {})[kind] = (field, choice_id)
    return page, questions


def answer(client, right=()):
    """Submit the quiz page's questions: the right choice for those numbered in `right`."""
    page, questions = quiz_form(client)
    data = {
        "csrf_token": csrf_token(page),
        "attempt_id": re.search(r'name="attempt_id" value="(\d+)"', page)[1],
        "shown": re.search(r'name="shown" value="([^"]+)"', page)[1],
    }
    for number, choices in questions.items():
        field, choice_id = choices["Right" if number in right else "Wrong"]
        data[field] = choice_id
    return client.post(QUIZ, data=data), sorted(questions)


def test_the_quiz_shows_the_drawn_questions_and_says_so(app, courses_dir, signed_in):
    publish(app, courses_dir)

    response = signed_in.get(QUIZ)
    page, questions = quiz_form(signed_in)

    assert response.status_code == 200
    assert page.count("<fieldset") == 2 and len(questions) == 2
    assert f"{POOL_SENTENCE}, so another attempt asks other questions." in page_text(response)
    module_page = page_text(signed_in.get(MODULE))
    assert f"2 questions. You need 75% to pass. {POOL_SENTENCE}" in module_page


def test_a_quiz_without_a_pool_says_nothing_of_one(app, courses_dir, signed_in):
    publish(app, courses_dir, settings=None)

    page, questions = quiz_form(signed_in)

    assert len(questions) == POOL and "drawn from a pool" not in page


def test_submitting_grades_the_drawn_questions(app, courses_dir, signed_in):
    publish(app, courses_dir)
    _, questions = quiz_form(signed_in)

    response, numbers = answer(signed_in, right={min(questions)})
    result = page_text(signed_in.get(response.headers["Location"]))

    assert response.status_code == 303
    assert "50%" in result and "Not passed yet." in result
    # The review lists the two questions this attempt showed, and no other.
    shown = {int(n) for n in re.findall(r"Question (\d)\?", result)}
    assert shown == set(numbers)


def test_a_pooled_submit_runs_no_more_statements_than_a_whole_quiz(app, courses_dir, signed_in):
    publish(app, courses_dir, settings=None)
    signed_in.get(QUIZ)
    whole = count_statements(app, lambda: answer(signed_in)[0])
    publish(app, courses_dir)
    signed_in.get(QUIZ)
    pooled = count_statements(app, lambda: answer(signed_in)[0])

    assert pooled <= whole


def test_the_wait_after_failures_is_explained_and_applied(app, courses_dir, signed_in, clock):
    clock.freeze(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    publish(app, courses_dir, settings="retry_after_minutes: 60\nwait_after_failures: 2")

    assert f"{WAIT_SENTENCE}, and again after each further one" in page_text(signed_in.get(MODULE))
    assert WAIT_SENTENCE in page_text(signed_in.get(QUIZ))
    answer(signed_in)
    after_one = page_text(signed_in.get(QUIZ))
    assert "Submit answers" in after_one
    answer(signed_in)
    after_two = page_text(signed_in.get(QUIZ))
    # in the program's time zone (America/New_York), as every other time a trainee reads
    assert "You can try this quiz again at 5:00 AM EST on November 21, 2026." in after_two
    assert "Submit answers" not in after_two
    clock.advance(minutes=60)
    assert "Submit answers" in page_text(signed_in.get(QUIZ))


def test_a_wait_after_every_failure_is_said_so(app, courses_dir, signed_in):
    publish(app, courses_dir, settings="retry_after_minutes: 30")

    shown = page_text(signed_in.get(MODULE))

    assert "After an attempt that doesn't pass, you wait 30 minutes before the next one." in shown


def test_the_staff_preview_shows_the_whole_pool(app, client, courses_dir):
    write_pooled_module(courses_dir)
    staff = sign_in_as(client, make_user(app, "pat@example.org", "Pat Staff", roles=("staff",)))

    response = staff.get(PREVIEW)
    shown = page_text(response)

    assert response.status_code == 200
    assert response.get_data(as_text=True).count("<fieldset") == POOL
    assert "2 of 5 questions each attempt. You need" in shown
    assert POOL_SENTENCE in shown
    assert "Here is the whole pool of 5 questions; each attempt draws 2 of them" in shown


def test_item_analysis_says_how_many_attempts_showed_each_question(app, client, courses_dir):
    publish(app, courses_dir)
    trainee = sign_in_as(client, make_user(app))
    numbers = []
    for _ in range(3):
        numbers += answer(trainee)[1]
    client.get("/sign-out")
    staff = sign_in_as(
        app.test_client(), make_user(app, "pat@example.org", "Pat Staff", roles=("staff",))
    )

    shown = page_text(staff.get(ITEMS))

    assert "Version 1: 3 submitted attempts." in shown
    assert "Each attempt shows 2 questions drawn from a pool of 5" in shown
    for n in range(1, POOL + 1):
        seen = numbers.count(n)
        expected = f"{n}. Question {n}? {seen} attempt{'' if seen == 1 else 's'} {seen} "
        assert expected in shown


def test_a_second_tab_on_a_pool_says_which_answers_the_new_draw_could_not_keep(
    app, courses_dir, signed_in, monkeypatch
):
    """Two tabs on one attempt of a pooled quiz: the first tab's answers are graded, and the
    second tab's are put back on a new attempt, which draws other questions: the page says how
    many of its answers were to questions the new attempt does not ask, instead of claiming that
    all of them are ticked."""
    publish(app, courses_dir)
    draws = iter([[0, 1], [1, 2]])  # the first attempt asks questions 1 and 2, the next 2 and 3
    monkeypatch.setattr(
        "lms.services.learning.attempts._sample",
        lambda questions, k: [questions[i] for i in next(draws)],
    )
    page, questions = quiz_form(signed_in)
    assert sorted(questions) == [1, 2]
    sent = {
        "csrf_token": csrf_token(page),
        "attempt_id": re.search(r'name="attempt_id" value="(\d+)"', page)[1],
        "shown": re.search(r'name="shown" value="([^"]+)"', page)[1],
    }
    tab_b = {**sent, **{field: cid for field, cid in (q["Right"] for q in questions.values())}}
    tab_a = {**sent, **{field: cid for field, cid in (q["Wrong"] for q in questions.values())}}
    assert signed_in.post(QUIZ, data=tab_a).status_code == 303

    response = signed_in.post(QUIZ, data=tab_b)

    assert response.status_code == 409
    text = page_text(response)
    assert "This attempt was already submitted" in text
    assert "This new attempt draws its questions afresh" in text
    assert "1 answer was to questions it does not ask" in text
    assert "They are ticked below on a new attempt" not in text
    again = response.get_data(as_text=True)
    ticked = re.findall(r'value="(\d+)" id="c\d+" checked', again)
    assert ticked == [questions[2]["Right"][1]]  # question 2 is asked again; question 1 is not
    assert "Right 3" in again and "Right 1" not in again


def test_a_second_tab_on_a_pool_drawing_the_same_questions_says_all_are_ticked(
    app, courses_dir, signed_in, monkeypatch
):
    publish(app, courses_dir)
    monkeypatch.setattr(
        "lms.services.learning.attempts._sample", lambda questions, k: questions[:k]
    )
    page, questions = quiz_form(signed_in)
    sent = {
        "csrf_token": csrf_token(page),
        "attempt_id": re.search(r'name="attempt_id" value="(\d+)"', page)[1],
        "shown": re.search(r'name="shown" value="([^"]+)"', page)[1],
    }
    tab_b = {**sent, **{field: cid for field, cid in (q["Right"] for q in questions.values())}}
    tab_a = {**sent, **{field: cid for field, cid in (q["Wrong"] for q in questions.values())}}
    signed_in.post(QUIZ, data=tab_a)

    text = page_text(signed_in.post(QUIZ, data=tab_b))

    assert "They are ticked below on a new attempt" in text
    assert "draws its questions afresh" not in text
