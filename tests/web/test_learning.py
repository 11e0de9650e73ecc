"""The trainee's learning: module progress, prerequisites, the dashboard, and the quiz."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import url_for
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import ModuleProgress, QuizAttempt
from lms.models.types import utcnow
from lms.services.authoring.publishing import sync_courses
from lms.services.people import accounts
from tests.conftest import csrf_token, sign_in_as
from tests.statements import recorded_statements

MODULE = "/courses/sample-course/first-steps"
QUIZ = MODULE + "/quiz"
LISTENING_QUIZ = "/courses/sample-course/listening/quiz"


@pytest.fixture
def trainee(app, courses_dir):
    with app.app_context():
        sync_courses(courses_dir)
        user = accounts.ensure_user("dana@example.org", "Dana", ["trainee"], "a-long-passphrase")
        return user.id


@pytest.fixture
def signed_in(client, trainee):
    return sign_in_as(client, trainee)


def edit(app, courses_dir, name, old, new):
    """Change one course file and publish the change."""
    path = courses_dir / "sample-course" / name
    path.write_text(path.read_text().replace(old, new))
    with app.app_context():
        sync_courses(courses_dir)


def quiz_form(client, path=QUIZ):
    """The quiz page: its HTML, CSRF token, attempt id, and {stem text: {choice text: id}}."""
    response = client.get(path)
    html = response.get_data(as_text=True)
    questions = {}
    for fieldset in re.findall(r"<fieldset.*?</fieldset>", html, re.S):
        stem = re.sub(r"<[^>]+>", "", re.search(r"<legend>(.*?)</legend>", fieldset, re.S)[1])
        stem = stem.split(".", 1)[1].strip()
        choices = re.findall(
            r'value="(\d+)" id="c\d+"[^>]*>\s*<label for="c\d+">(.*?)</label>', fieldset
        )
        questions[stem] = {text: int(value) for value, text in choices}
    attempt_id = int(re.search(r'name="attempt_id" value="(\d+)"', html)[1])
    return html, csrf_token(html), attempt_id, questions


def answer_first_steps(client, right=True):
    html, token, attempt_id, questions = quiz_form(client)
    true_q = questions["Which statement about recovery is true?"]
    maya = (
        questions["Maya’s first week"]
        if "Maya’s first week" in questions
        else questions["Maya's first week"]
    )
    data = {"csrf_token": token, "attempt_id": attempt_id, "shown": shown(html)}
    if right:
        data["q" + str(_question_id(html, true_q))] = true_q[
            "Recovery looks different for each person."
        ]
    else:
        data["q" + str(_question_id(html, true_q))] = true_q[
            "Recovery is the same for each person."
        ]
    data["q" + str(_question_id(html, maya))] = [
        maya["Welcome her and ask what brought her."],
        maya["Share briefly how your first week felt."],
    ]
    return client.post(QUIZ, data=data), attempt_id


def shown(html):
    """What the quiz form says it showed (the attempt and its choice order), as sent back."""
    return re.search(r'name="shown" value="([^"]+)"', html)[1]


def _question_id(html, choices):
    choice_id = next(iter(choices.values()))
    return int(re.search(rf'name="q(\d+)" value="{choice_id}"', html)[1])


def count(model, **where):
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def test_module_pages_need_a_signed_in_account(client, trainee):
    response = client.get(MODULE)

    assert response.status_code == 302
    assert "/sign-in?next=/courses/sample-course/first-steps" in response.headers["Location"]


def test_opening_a_module_records_it_as_started(signed_in, app, trainee):
    html = signed_in.get(MODULE).get_data(as_text=True)

    assert "<strong>Reading</strong>" in html
    with app.app_context():
        row = db.session.scalar(select(ModuleProgress))
        assert row.user_id == trainee and row.read_at is None and row.passed_at is None


def test_reaching_the_quiz_records_the_module_as_read(signed_in, app):
    signed_in.get(QUIZ)

    with app.app_context():
        assert db.session.scalar(select(ModuleProgress.read_at)) is not None


def test_a_module_that_requires_another_shows_what_comes_first(signed_in, courses_dir, app):
    module = courses_dir / "sample-course" / "02-listening.md"
    module.write_text(
        module.read_text().replace("pass_mark: 50", "pass_mark: 50\nrequires: [first-steps]")
    )
    with app.app_context():
        sync_courses(courses_dir)

    html = signed_in.get("/courses/sample-course/listening").get_data(as_text=True)

    assert "This module opens once you have passed the quiz of:" in html
    assert "1. First Steps" in html
    assert "Listening is the core skill" not in html
    assert signed_in.get(LISTENING_QUIZ).status_code == 302

    answer_first_steps(signed_in)
    assert "Listening is the core skill" in signed_in.get(
        "/courses/sample-course/listening"
    ).get_data(as_text=True)


def test_the_quiz_page_never_contains_the_answers(signed_in, app):
    html, _, _, questions = quiz_form(signed_in)

    assert len(questions) == 2
    assert 'type="radio"' in html and 'type="checkbox"' in html
    assert "Each person" not in html  # the explanation
    assert "correct" not in html.lower()
    assert "Choose all that apply." in html


def test_choices_stay_in_the_same_order_within_an_attempt(signed_in):
    first_html, _, first_attempt, _ = quiz_form(signed_in)
    again_html, _, again_attempt, _ = quiz_form(signed_in)

    assert again_attempt == first_attempt
    assert re.findall(r'id="c(\d+)"', again_html) == re.findall(r'id="c(\d+)"', first_html)


def test_passing_the_quiz_shows_score_explanations_and_records_progress(signed_in, app):
    response, attempt_id = answer_first_steps(signed_in)

    assert response.status_code == 303
    result = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "100%" in result and "<strong>Passed.</strong>" in result
    assert result.count("<strong>Right</strong>") == 2
    assert "Each person" in result  # the explanation
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert (attempt.score, attempt.passed) == (100, True)
        assert attempt.module_version_id is not None and attempt.submitted_at is not None
        assert set(attempt.answers) == {str(q) for q in attempt.choice_order}
        assert db.session.scalar(select(ModuleProgress.passed_at)) is not None


def test_a_failed_quiz_says_so_and_marks_each_question(signed_in):
    response, _ = answer_first_steps(signed_in, right=False)

    result = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "50%" in result and "Not passed yet." in result and "You need 75% to pass." in result
    assert result.count("<strong>Not right</strong>") == 1
    assert "Try again" in result


def test_submitting_the_same_attempt_twice_records_one_attempt(signed_in, app):
    html, token, attempt_id, questions = quiz_form(signed_in)
    data = {"csrf_token": token, "attempt_id": attempt_id, "shown": shown(html)}
    for choices in questions.values():
        data["q" + str(_question_id(html, choices))] = list(choices.values())[0]

    first = signed_in.post(QUIZ, data=data)
    second = signed_in.post(QUIZ, data=data)

    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert count(QuizAttempt, submitted_at=None) == 0
        assert count(QuizAttempt) == 1


def test_an_unanswered_question_is_marked_next_to_it(signed_in):
    html, token, attempt_id, questions = quiz_form(signed_in)
    first_q = questions["Which statement about recovery is true?"]

    response = signed_in.post(
        QUIZ,
        data={
            "csrf_token": token,
            "attempt_id": attempt_id,
            "shown": shown(html),
            f"q{_question_id(html, first_q)}": list(first_q.values())[0],
        },  # fmt: skip
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "1 question has no answer yet" in page
    assert "choose at least one answer for this question." in page
    assert "checked" in page  # the answer given is kept


def test_a_quiz_post_without_csrf_token_is_rejected(signed_in, app):
    _, _, attempt_id, _ = quiz_form(signed_in)

    response = signed_in.post(QUIZ, data={"attempt_id": attempt_id})

    # Nothing is graded; the trainee is sent back to the quiz (tests/web/test_quiz_safety.py).
    assert response.status_code == 303 and response.headers["Location"] == QUIZ
    with app.app_context():
        assert count(QuizAttempt, submitted_at=None) == 1


def test_max_attempts_are_enforced_with_a_plain_message(signed_in, app, courses_dir):
    edit(app, courses_dir, "01-first-steps.md", "minutes: 15", "minutes: 15\nmax_attempts: 2")
    answer_first_steps(signed_in, right=False)
    answer_first_steps(signed_in, right=False)

    page = signed_in.get(QUIZ).get_data(as_text=True)

    assert "You have used all 2 attempts at this quiz." in page
    assert "<form" not in page.split("<main")[1]


def test_retry_after_minutes_says_when_the_next_try_opens(signed_in, app, courses_dir):
    module = courses_dir / "sample-course" / "01-first-steps.md"
    module.write_text(
        module.read_text().replace("minutes: 15", "minutes: 15\nretry_after_minutes: 30")
    )
    with app.app_context():
        sync_courses(courses_dir)
    _, attempt_id = answer_first_steps(signed_in, right=False)
    with app.app_context():
        submitted = db.session.get(QuizAttempt, attempt_id).submitted_at
    opens = submitted + timedelta(minutes=30)

    page = signed_in.get(QUIZ).get_data(as_text=True)

    local = opens.astimezone(ZoneInfo("America/New_York"))
    assert f"You can try this quiz again at {local.hour % 12 or 12}:{local:%M %p %Z} on" in page
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.submitted_at = utcnow() - timedelta(minutes=31)
        db.session.commit()
    assert "Submit answers" in signed_in.get(QUIZ).get_data(as_text=True)


def test_review_after_pass_hides_which_answers_were_right_until_passed(signed_in, app, courses_dir):
    course = courses_dir / "sample-course" / "course.md"
    course.write_text(
        course.read_text().replace("pass_mark: 75", "pass_mark: 75\nreview: after_pass")
    )
    with app.app_context():
        sync_courses(courses_dir)

    failed, _ = answer_first_steps(signed_in, right=False)
    failed_page = signed_in.get(failed.headers["Location"]).get_data(as_text=True)
    passed, _ = answer_first_steps(signed_in, right=True)
    passed_page = signed_in.get(passed.headers["Location"]).get_data(as_text=True)
    failed_again = signed_in.get(failed.headers["Location"]).get_data(as_text=True)

    # Before passing: the score and the verdict on the whole quiz only, nothing per question.
    assert "50%" in failed_page and "Not passed yet." in failed_page
    assert "Right</strong>" not in failed_page and "✓" not in failed_page
    assert "Each person" not in failed_page
    assert "Which answers were right, and why, appear here once you pass" in failed_page
    # Once passed, every attempt shows each question's verdict and explanation.
    assert passed_page.count("<strong>Right</strong>") == 2 and "Each person" in passed_page
    assert failed_again.count("<strong>Not right</strong>") == 1


def test_someone_elses_attempt_is_not_found(signed_in, app):
    response, attempt_id = answer_first_steps(signed_in)
    with app.app_context():
        other = accounts.ensure_user("sam@example.org", "Sam", ["trainee"], "another-passphrase")
        other_id = other.id
    sign_in_as(signed_in, other_id)

    assert signed_in.get(response.headers["Location"]).status_code == 404


def test_dashboard_shows_percent_complete_and_the_next_step(signed_in):
    page = signed_in.get("/dashboard").get_data(as_text=True)
    assert "0 of 2 modules passed (0%)" in page
    assert "Start: 1. First Steps" in page

    answer_first_steps(signed_in)

    page = signed_in.get("/dashboard").get_data(as_text=True)
    assert "1 of 2 modules passed (50%)" in page
    assert "Continue: 2. Listening" in page


def test_progress_is_the_same_from_another_device(signed_in, app, trainee):
    answer_first_steps(signed_in)
    other_device = sign_in_as(app.test_client(), trainee)

    page = other_device.get("/courses/sample-course/").get_data(as_text=True)

    assert "1 of 2 modules passed (50%)" in page
    assert "Quiz passed (100%)" in page


@pytest.mark.parametrize("script_root", ["", "/lms"])
def test_the_course_page_links_each_module_and_says_where_the_trainee_stands(
    signed_in, app, script_root
):
    answer_first_steps(signed_in)
    signed_in.get("/courses/sample-course/listening")

    base = f"http://localhost{script_root}/"  # the app served under a path, or not
    page = signed_in.get("/courses/sample-course/", base_url=base).get_data(as_text=True)

    with app.test_request_context(base_url=base):
        wanted = [
            (url_for("learn.module", course_slug="sample-course", module_slug=slug), title, state)
            for slug, title, state in [
                ("first-steps", "First Steps", "Quiz passed (100%)"),
                ("listening", "Listening", "Reading"),
            ]
        ]
    rows = re.findall(
        r'<li>\s*<a href="([^"]+)">([^<]+)</a>\s*<span class="meta">[^<]*</span>'
        r'<span class="meta">[^<]*<strong>([^<]+)</strong>',
        page,
    )
    assert rows == wanted
    assert wanted[0][0] == f"{script_root}/courses/sample-course/first-steps"


def test_a_module_not_opened_is_not_started(signed_in):
    page = signed_in.get("/courses/sample-course/").get_data(as_text=True)

    assert page.count("<strong>Not started</strong>") == 2


def test_a_new_content_version_keeps_the_old_attempt_and_progress(signed_in, app, courses_dir):
    _, attempt_id = answer_first_steps(signed_in)
    edit(app, courses_dir, "01-first-steps.md", "Recovery is personal.", "Recovery is yours.")
    with app.app_context():
        old_version = db.session.get(QuizAttempt, attempt_id).module_version_id

    page = signed_in.get(MODULE).get_data(as_text=True)

    assert "Recovery is yours." in page and "Quiz passed (100%)" in page
    result = signed_in.get(f"{MODULE}/attempts/{attempt_id}").get_data(as_text=True)
    assert "100%" in result
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt_id).module_version_id == old_version


def test_rereading_a_module_within_minutes_writes_nothing(signed_in, app):
    signed_in.get(MODULE)
    with app.app_context():
        first = db.session.scalar(select(ModuleProgress.last_activity_at))
    with recorded_statements(app) as statements:
        signed_in.get(MODULE)

    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    with app.app_context():
        row = db.session.scalar(select(ModuleProgress))
        assert row.last_activity_at == first
        row.last_activity_at = first - timedelta(minutes=6)
        db.session.commit()
    signed_in.get(MODULE)
    with app.app_context():
        assert db.session.scalar(select(ModuleProgress.last_activity_at)) > first


def test_review_after_pass_keeps_right_answers_out_of_the_data_export_until_passed(
    signed_in, app, courses_dir
):
    edit(app, courses_dir, "course.md", "pass_mark: 75", "pass_mark: 75\nreview: after_pass")

    answer_first_steps(signed_in, right=False)
    before = signed_in.get("/account/data.json").get_json()["quiz_attempts"]
    answer_first_steps(signed_in, right=True)
    after = signed_in.get("/account/data.json").get_json()["quiz_attempts"]

    assert [a["correct"] for a in before[0]["answers"]] == [None, None]
    assert (before[0]["score"], before[0]["passed"]) == (50, False)
    assert sorted(a["correct"] for a in after[0]["answers"]) == [False, True]
    assert [a["correct"] for a in after[1]["answers"]] == [True, True]
