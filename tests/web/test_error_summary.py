"""Every form in the app answers a bad submission the same way (GOV.UK's error summary): a summary
first in the main content, announced (role="alert"), headed "There is a problem", linking to each
field with a problem; the field's own message beside it; and "Error: " before the page's title."""

import io
import re
from datetime import date

import pytest

from lms.extensions import db
from lms.models import PracticeSession, User
from lms.services.logbook import practice
from lms.services.people import cohorts, password_reset
from tests.auth import make_user, post_form
from tests.conftest import csrf_token, sign_in_as
from tests.records import certify, person, publish
from tests.requirementkit import make_people, publish_course_with_requirements


def html(response):
    return response.get_data(as_text=True)


def summary_of(page):
    """The error summary's links as {id: text}; fails if the page has no summary first in <main>."""
    main = page[page.index('<main id="main"') :]
    main = main[main.index(">") + 1 :].lstrip()
    assert main.startswith('<div class="error-summary" role="alert"'), main[:300]
    summary = main[: main.index("</div>")]
    assert '<h2 id="error-summary-heading">There is a problem</h2>' in summary
    return {
        target: re.sub(r"\s+", " ", text).strip()
        for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary, re.S)
    }


def assert_error_page(response, links):
    """The page has the "Error: " title and a summary whose links reach each of `links` (id ->
    words the message holds), each id naming an element of the page."""
    assert response.status_code in (200, 400, 422), response.status_code
    page = html(response)
    title = re.search(r"<title>(.*?)</title>", page, re.S)[1]
    assert title.startswith("Error: "), title
    found = summary_of(page)
    for target, words in links.items():
        assert target in found, f"no link to #{target} in {found}"
        assert words in found[target], found[target]
        assert f'id="{target}"' in page, f"the summary links to #{target}, which is not on the page"
    assert 'src="/static/js/error-summary.js" defer' in page
    return page


def test_a_page_without_problems_has_no_summary_and_a_plain_title(client):
    page = html(client.get("/sign-up"))

    assert "error-summary" not in page
    assert "<title>Sign up ·" in page


# --- accounts -------------------------------------------------------------------------------------


def test_sign_up(client):
    response = post_form(client, "/sign-up", {"name": "", "email": "not-an-email", "password": "x"})

    page = assert_error_page(response, {"name": "name", "email": "email", "password": "password"})
    # Each field still has its own message beside it, and points at it.
    assert '<p class="field-error" id="email-error">' in page
    assert re.search(r'<input aria-describedby="[^"]*email-error" aria-invalid="true"', page)


def test_sign_in_wrong_password_links_to_the_email(app, client):
    make_user(app)

    response = post_form(client, "/sign-in", {"email": "dana@example.org", "password": "wrong one"})

    assert_error_page(response, {"email": "do not match"})


def test_sign_in_empty(client):
    response = post_form(client, "/sign-in", {"email": "", "password": ""})

    assert_error_page(response, {"email": "email", "password": "password"})


def test_change_password(app, client):
    sign_in_as(client, make_user(app))

    response = post_form(
        client, "/account/password", {"current_password": "wrong", "new_password": "short"}
    )

    assert_error_page(response, {"current_password": "not your current password"})


def test_forgot_password(app, client):
    # The form is there only when the site sends email; nothing is sent for an empty address.
    app.config.update(
        LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_FROM="training@example.org", LMS_BASE_URL="http://x"
    )

    response = post_form(client, "/forgot-password", {"email": ""})

    assert_error_page(response, {"email": "email"})


def test_reset_password(app, client):
    user_id = make_user(app)
    with app.app_context():
        token = password_reset.make_reset_token(
            db.session.get(User, user_id), app.config["SECRET_KEY"]
        )

    response = post_form(client, f"/reset-password/{token}", {"password": "short"})

    assert_error_page(response, {"password": ""})


# --- trainees -------------------------------------------------------------------------------------


@pytest.fixture
def required(app, tmp_path):
    """The sample course with a code of ethics and supervised hours; {name: user id}."""
    with app.app_context():
        publish_course_with_requirements(tmp_path / "required")
        return {name: user.id for name, user in make_people().items()}


def test_practice_hours(client, required):
    sign_in_as(client, required["ada"])

    response = post_form(
        client, "/practice", {"session_date": "", "hours": "lots", "activity": "Group facilitation"}
    )

    assert_error_page(response, {"session_date": "", "hours": ""})


def test_ethics_signing(client, required):
    sign_in_as(client, required["ada"])

    response = post_form(client, "/courses/sample-course/ethics", {"full_name": ""})

    page = assert_error_page(response, {"agree": "", "full_name": ""})
    # The summary lists the problems in the order the page shows the fields: the box, then the name.
    assert list(summary_of(page)) == ["agree", "full_name"]
    assert page.index('id="agree"') < page.index('id="full_name"')


def test_supervisor_hours_review(app, client, required):
    with app.app_context():
        logged = practice.log_session(
            required["ada"], date.today().isoformat(), "1.5", "Group facilitation", ""
        )
        session_id = logged.id
        assert db.session.get(PracticeSession, session_id) is not None
    sign_in_as(client, required["sam"])
    prefix = f"review-{session_id}"

    response = post_form(
        client,
        f"/supervise/hours/{session_id}",
        {f"{prefix}-decision": "reject", f"{prefix}-comment": ""},
        page="/supervise/hours",
    )

    assert_error_page(response, {f"{prefix}-comment": ""})


def test_quiz_with_questions_left_unanswered(app, client, courses_dir):
    with app.app_context():
        publish(courses_dir)
    sign_in_as(client, make_user(app))
    quiz = "/courses/sample-course/first-steps/quiz"
    page = html(client.get(quiz))
    attempt_id = re.search(r'name="attempt_id" value="(\d+)"', page)[1]
    first_choices = re.findall(r'<ul class="choices">\s*<li>\s*<input [^>]*id="(c\d+)"', page)
    assert first_choices

    shown = re.search(r'name="shown" value="([^"]+)"', page)[1]
    form = {"csrf_token": csrf_token(page), "attempt_id": attempt_id, "shown": shown}
    response = client.post(quiz, data=form)

    # Each question is reached by its first choice, named by its number as the page shows it.
    assert_error_page(
        response,
        {target: f"Question {number}: choose" for number, target in enumerate(first_choices, 1)},
    )


def test_verify_form(client):
    response = client.get("/verify?code=")

    assert_error_page(response, {"code": "Enter the code"})


# --- staff ----------------------------------------------------------------------------------------


@pytest.fixture
def staffed(app, courses_dir):
    """The fixture courses published, staff, an admin, a supervisor, a trainee with a certificate
    and a cohort; their ids and the certificate's code."""
    with app.app_context():
        course = publish(courses_dir)
        trainee = person("ada@example.org", "Ada Holder")
        found = {
            "staff": person("pat@example.org", "Pat Staff", "staff").id,
            "admin": person("alex@example.org", "Alex Admin", "admin").id,
            "sam": person("sam@example.org", "Sam Supervisor", "supervisor").id,
            "trainee": trainee.id,
            "code": certify(trainee, course).code,
        }
        found["cohort"] = cohorts.create_cohort(
            "Spring 2027", date(2027, 3, 1), date(2027, 6, 30), [course.id]
        ).id
        db.session.commit()
        return found


def test_staff_new_user(client, staffed):
    sign_in_as(client, staffed["staff"])

    response = post_form(client, "/staff/users/new", {"name": "", "email": "", "roles": "trainee"})

    assert_error_page(response, {"name": "", "email": ""})


def test_staff_reset_link(client, staffed):
    sign_in_as(client, staffed["staff"])

    response = post_form(client, "/staff/reset-link", {"email": "nobody@example.org"})

    assert_error_page(response, {"email": "No account uses that email"})


def test_staff_new_cohort(client, staffed):
    sign_in_as(client, staffed["staff"])

    response = post_form(
        client, "/staff/cohorts", {"name": "", "starts_on": "2027-05-01", "ends_on": "2027-04-01"}
    )

    # A group of checkboxes is reached by its first box.
    assert_error_page(response, {"name": "", "ends_on": "", "course_ids-0": ""})


def test_staff_enrol_one_person(client, staffed):
    sign_in_as(client, staffed["staff"])
    cohort = f"/staff/cohorts/{staffed['cohort']}"

    response = post_form(client, f"{cohort}/enrol", {"email": "new@example.org"}, page=cohort)

    assert_error_page(response, {"name": ""})


def test_staff_csv_import_without_a_file(client, staffed):
    sign_in_as(client, staffed["staff"])
    path = f"/staff/cohorts/{staffed['cohort']}/import"

    response = post_form(client, path, {"csv_text": ""})

    assert_error_page(response, {"file": ""})


def test_staff_csv_import_rows_with_errors_link_to_their_lines(client, staffed):
    sign_in_as(client, staffed["staff"])
    path = f"/staff/cohorts/{staffed['cohort']}/import"
    content = b"name,email,supervisor_email\nBo,not-an-email,\n"

    response = post_form(
        client,
        path,
        {"file": (io.BytesIO(content), "cohort.csv"), "csv_text": ""},
    )

    assert_error_page(response, {"line-2": "line 2:"})


def test_staff_roles(client, staffed):
    sign_in_as(client, staffed["admin"])
    path = f"/staff/people/{staffed['trainee']}"

    response = post_form(client, path, {"change": "roles"})

    assert_error_page(response, {"roles-0": ""})


def test_staff_revoke_without_a_reason(client, staffed):
    sign_in_as(client, staffed["staff"])
    path = f"/staff/certificates/{staffed['code']}"

    response = post_form(client, f"{path}/revoke", {"reason": " "}, page=path)

    assert_error_page(response, {"reason": ""})


def test_staff_publish_with_errors_links_to_each_problem(client, staffed, courses_dir):
    sign_in_as(client, staffed["staff"])
    module = next((courses_dir / "sample-course").glob("01-*.md"))
    module.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")

    token = csrf_token(html(client.get("/staff/courses")))
    response = client.post("/staff/courses/publish", data={"csrf_token": token})

    assert_error_page(response, {"problem-1": "01-"})
