"""A trainee's quiz answers are never lost or graded wrongly without a word: two tabs, a form
restored by the Back button, and answers sent after the session ended."""

import re

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import QuizAttempt
from lms.services.authoring.publishing import sync_courses
from lms.services.people import accounts
from tests.conftest import csrf_token, sign_in_as
from tests.web.test_learning import (
    LISTENING_QUIZ,
    MODULE,
    QUIZ,
    _question_id,
    edit,
    quiz_form,
    shown,
)

PASSWORD = "a-long-passphrase"


@pytest.fixture
def trainee(app, courses_dir):
    with app.app_context():
        sync_courses(courses_dir)
        return accounts.ensure_user("dana@example.org", "Dana", ["trainee"], PASSWORD).id


@pytest.fixture
def signed_in(client, trainee):
    return sign_in_as(client, trainee)


def _form(client, right=True, path=QUIZ):
    """The quiz page's form filled in: every question answered rightly (by the fixture course's
    answers) or wrongly. Returns (html, data to post)."""
    html, token, attempt_id, questions = quiz_form(client, path)
    data = {"csrf_token": token, "attempt_id": attempt_id, "shown": shown(html)}
    for stem, choices in questions.items():
        if stem.startswith("Which statement"):
            pick = "Recovery looks different for each person." if right else "Recovery is the same"
            chosen = [v for text, v in choices.items() if text.startswith(pick)]
        else:
            wanted = ("Welcome her", "Share briefly") if right else ("Tell her",)
            chosen = [v for text, v in choices.items() if text.startswith(wanted)]
            chosen = chosen or list(choices.values())[:1]
        data[f"q{_question_id(html, choices)}"] = chosen
    return html, data


def _checked(html):
    return sorted(int(v) for v in re.findall(r'value="(\d+)" id="c\d+" checked', html))


def _chosen(data):
    return sorted(v for key, values in data.items() if key.startswith("q") for v in values)


def _submitted(app):
    with app.app_context():
        return db.session.scalars(
            select(QuizAttempt).where(QuizAttempt.submitted_at.is_not(None))
        ).all()


# Two tabs


def test_answers_for_an_attempt_another_tab_submitted_are_not_shown_its_score_silently(
    signed_in, app
):
    _, tab_a = _form(signed_in, right=False)
    _, tab_b = _form(signed_in, right=True)  # the same open attempt, in a second tab
    assert tab_a["attempt_id"] == tab_b["attempt_id"]
    signed_in.post(QUIZ, data=tab_a)

    response = signed_in.post(QUIZ, data=tab_b)

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This attempt was already submitted" in page and "in another tab or window" in page
    assert "it scored 0% (not passed)" in page
    assert "The answers you just sent were not graded." in page
    # B's answers are kept, ticked on a new attempt, ready to be graded with one press.
    assert _checked(page) == _chosen(tab_b)
    new_attempt = int(re.search(r'name="attempt_id" value="(\d+)"', page)[1])
    assert new_attempt != tab_b["attempt_id"]
    assert [(a.id, a.score) for a in _submitted(app)] == [(tab_a["attempt_id"], 0)]
    again = {**tab_b, "attempt_id": new_attempt, "shown": shown(page)}
    again["csrf_token"] = csrf_token(page)
    graded = signed_in.post(QUIZ, data=again)
    assert graded.status_code == 303
    assert "100%" in signed_in.get(graded.headers["Location"]).get_data(as_text=True)


def test_the_same_answers_again_are_a_double_click_and_show_their_own_result(signed_in, app):
    _, data = _form(signed_in)

    first = signed_in.post(QUIZ, data=data)
    second = signed_in.post(QUIZ, data=data)

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_submitted(app)) == 1


def test_a_second_tab_with_no_attempts_left_is_told_its_answers_were_not_graded(
    signed_in, app, courses_dir
):
    edit(app, courses_dir, "01-first-steps.md", "minutes: 15", "minutes: 15\nmax_attempts: 1")
    _, tab_a = _form(signed_in, right=False)
    _, tab_b = _form(signed_in, right=True)
    signed_in.post(QUIZ, data=tab_a)

    response = signed_in.post(QUIZ, data=tab_b)

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This attempt was already submitted" in page
    assert "not graded, and there is no attempt left" in page
    assert "You have used your one attempt at this quiz." in page


# Back button: a form that does not match the attempt it claims


def test_the_quiz_page_is_never_stored_or_refilled_by_the_browser(signed_in):
    response = signed_in.get(QUIZ)

    assert "no-store" in response.headers["Cache-Control"].split(", ")
    assert re.search(r'<form [^>]*class="quiz" autocomplete="off"', response.get_data(as_text=True))


def test_a_form_whose_shown_order_is_not_the_attempts_is_refused_with_a_message(signed_in, app):
    _, data = _form(signed_in)
    other_html = signed_in.get(LISTENING_QUIZ).get_data(as_text=True)

    for bad in ("", "forged", shown(other_html)):  # missing, made up, another attempt's
        response = signed_in.post(QUIZ, data={**data, "shown": bad})
        page = response.get_data(as_text=True)
        assert response.status_code == 409, bad
        assert "Your answers were not graded." in page and "Back button" in page
        assert _checked(page) == []
    assert _submitted(app) == []


def test_answers_naming_choices_the_attempt_never_showed_are_refused(signed_in, app):
    _, data = _form(signed_in)
    listening_html, _, _, listening = quiz_form(signed_in, LISTENING_QUIZ)
    stray = next(iter(next(iter(listening.values())).values()))

    first_q = next(key for key in data if key.startswith("q"))
    response = signed_in.post(QUIZ, data={**data, first_q: [stray]})

    assert response.status_code == 409
    assert "Your answers were not graded." in response.get_data(as_text=True)
    assert _submitted(app) == []


def test_a_form_for_an_attempt_dropped_when_the_quiz_changed_is_refused(
    signed_in, app, courses_dir
):
    _, data = _form(signed_in)
    edit(app, courses_dir, "01-first-steps.md", "Recovery is personal.", "Recovery is yours.")
    signed_in.get(QUIZ)  # another tab opens the changed quiz: the unsent attempt is replaced

    response = signed_in.post(QUIZ, data=data)

    assert response.status_code == 409
    assert "Your answers were not graded." in response.get_data(as_text=True)
    assert _submitted(app) == []


# Signed out while answering


def _sign_in_through_the_form(client, next_path, email="dana@example.org", password=PASSWORD):
    page = client.get(f"/sign-in?next={next_path}").get_data(as_text=True)
    return client.post(
        f"/sign-in?next={next_path}",
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
    )


def _assert_kept_through_sign_in(client, app, data, response):
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sign-in?next={QUIZ}"
    sign_in_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out" in sign_in_page and "your quiz answers have not been sent" in (
        sign_in_page
    )

    signed_in = _sign_in_through_the_form(client, QUIZ)

    assert signed_in.headers["Location"] == QUIZ
    quiz = client.get(QUIZ).get_data(as_text=True)
    assert "Welcome back." in quiz and "They have not been sent yet" in quiz
    assert _checked(quiz) == _chosen(data)
    assert f'name="attempt_id" value="{data["attempt_id"]}"' in quiz
    assert _submitted(app) == []
    assert "Welcome back." not in client.get(QUIZ).get_data(as_text=True)  # shown once


def test_answers_sent_after_the_session_cookie_is_gone_come_back_after_signing_in(signed_in, app):
    _, data = _form(signed_in)
    signed_in.delete_cookie("session")  # expired, cleared, or the browser was restarted

    response = signed_in.post(QUIZ, data=data)

    _assert_kept_through_sign_in(signed_in, app, data, response)


def test_answers_sent_after_being_signed_out_elsewhere_come_back_after_signing_in(signed_in, app):
    _, data = _form(signed_in)
    with signed_in.session_transaction() as session:
        session.pop("_user_id")  # the session goes on (its CSRF token is good), signed out

    response = signed_in.post(QUIZ, data=data)

    _assert_kept_through_sign_in(signed_in, app, data, response)


def test_answers_sent_with_an_expired_form_while_signed_in_are_kept_unsent(signed_in, app):
    _, data = _form(signed_in)

    response = signed_in.post(QUIZ, data={**data, "csrf_token": "expired"})

    assert response.status_code == 303 and response.headers["Location"] == QUIZ
    quiz = signed_in.get(QUIZ).get_data(as_text=True)
    assert "Welcome back." in quiz and _checked(quiz) == _chosen(data)
    assert _submitted(app) == []


def test_kept_answers_are_not_given_to_another_account_that_signs_in(signed_in, app):
    with app.app_context():
        accounts.ensure_user("sam@example.org", "Sam", ["trainee"], "another-passphrase")
    _, data = _form(signed_in)
    signed_in.delete_cookie("session")
    signed_in.post(QUIZ, data=data)

    _sign_in_through_the_form(signed_in, QUIZ, "sam@example.org", "another-passphrase")

    quiz = signed_in.get(QUIZ).get_data(as_text=True)
    assert "Your earlier answers could not be put back" in quiz
    assert _checked(quiz) == []


def test_a_forged_post_leaves_no_answers_waiting(client, app, trainee):
    sign_in_as(client, trainee)
    _, data = _form(client)
    client.delete_cookie("session")

    client.post(QUIZ, data={**data, "shown": "forged"})

    assert "You were signed out" not in client.get(f"/sign-in?next={QUIZ}").get_data(as_text=True)


def test_other_forms_whose_session_ended_say_so_and_offer_sign_in(signed_in):
    page = signed_in.get("/account/password").get_data(as_text=True)
    token = csrf_token(page)
    signed_in.delete_cookie("session")

    response = signed_in.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": "x" * 12},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your session has ended" in page and "you were signed out" in page
    assert 'href="/sign-in"' in page


# Counts


def test_a_one_question_quiz_says_1_question(signed_in):
    signed_in.get(MODULE)
    for path in (LISTENING_QUIZ, LISTENING_QUIZ.removesuffix("/quiz")):
        page = signed_in.get(path).get_data(as_text=True)
        assert "1 question." in page and "1 questions" not in page


def test_counts_take_the_singular_only_for_exactly_one(app):
    counted = app.jinja_env.filters["counted"]

    assert [counted(n, "question") for n in (0, 1, 2)] == [
        "0 questions",
        "1 question",
        "2 questions",
    ]
    assert counted("1", "hour") == "1 hour" and counted("1.5", "hour") == "1.5 hours"
    assert counted(20000, "trainee") == "20,000 trainees"


def test_answers_too_many_to_be_a_real_quiz_are_not_kept_in_the_session_cookie(client, trainee):
    sign_in_as(client, trainee)
    _, data = _form(client)
    client.delete_cookie("session")

    response = client.post(QUIZ, data={**data, **{f"q{n}": [n] for n in range(1, 500)}})

    assert response.status_code == 302  # still sent to sign in, with nothing kept
    assert "You were signed out" not in client.get(f"/sign-in?next={QUIZ}").get_data(as_text=True)
