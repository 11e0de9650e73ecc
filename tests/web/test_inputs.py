"""Ids and text are checked once, at the edge (lms/web/inputs.py, lms/web/forms.py): each value
outside testing found answering 500 now gets a 400/404/422 with a message saying what to fix."""

import inspect
import io
import pkgutil
import re

import pytest
from flask_wtf import FlaskForm
from gunicorn.http.errors import ChunkMissingTerminator, InvalidChunkSize

import lms.web
from lms.services.authoring.publishing import sync_courses
from lms.web.forms import Form
from lms.web.inputs import MAX_ID, UNSTORABLE, to_id
from tests.auth import PASSWORD, make_user, post_form
from tests.conftest import sign_in_as
from tests.web.test_auth import error_beside
from tests.web.test_learning import QUIZ, _question_id, quiz_form, shown


@pytest.fixture
def signed_in(app, client, courses_dir):
    with app.app_context():
        sync_courses(courses_dir)
    return sign_in_as(client, make_user(app))


UNANSWERED = "no answer yet. Each one is marked below."


@pytest.mark.parametrize(
    "value", ["²", "٣", "-1", "1.0", " 1", "", "9" * 5000, str(MAX_ID + 1), "99999999999999999999"]
)
def test_only_ascii_digits_within_the_databases_integer_are_ids(value):
    with pytest.raises(ValueError):
        to_id(value)


def test_an_id_is_its_digits():
    assert to_id("0042") == 42 and to_id(str(MAX_ID)) == MAX_ID and to_id(7) == 7


def _first_question(client):
    """The form's fields as the page sent them (CSRF token, attempt id and its signed `shown`
    token), the first question's id and one of its choices."""
    html, token, attempt_id, questions = quiz_form(client)
    choices = questions["Which statement about recovery is true?"]
    form = {"csrf_token": token, "attempt_id": attempt_id, "shown": shown(html)}
    return form, _question_id(html, choices), next(iter(choices.values()))


@pytest.mark.parametrize("answer", ["²", "9" * 5000, "99999999999999999999", "-1"])
def test_a_quiz_answer_that_is_not_a_choice_counts_as_unanswered(signed_in, answer):
    form, question_id, _ = _first_question(signed_in)

    response = signed_in.post(QUIZ, data={**form, f"q{question_id}": answer})

    assert response.status_code == 422
    assert UNANSWERED in response.get_data(as_text=True)


def test_a_quiz_field_named_with_a_superscript_is_not_an_answer(signed_in):
    form, question_id, choice_id = _first_question(signed_in)
    superscript = f"q{question_id}".translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))

    response = signed_in.post(QUIZ, data={**form, superscript: choice_id})

    assert response.status_code == 422
    assert UNANSWERED in response.get_data(as_text=True)


@pytest.mark.parametrize("attempt_id", ["99999999999999999999", "²", "9" * 5000])
def test_a_quiz_attempt_id_that_is_not_an_id_is_a_bad_request(signed_in, attempt_id):
    form, question_id, choice_id = _first_question(signed_in)

    response = signed_in.post(
        QUIZ, data={**form, "attempt_id": attempt_id, f"q{question_id}": choice_id}
    )

    assert response.status_code == 400
    assert "Something was wrong with that request" in response.get_data(as_text=True)


def test_a_nul_in_the_sign_in_email_is_refused_beside_the_field(app, client):
    make_user(app)

    response = post_form(client, "/sign-in", {"email": "dana@example.org\x00", "password": "x"})

    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), "email", UNSTORABLE)


@pytest.mark.parametrize("name", ["Dana\x00Trainee", "Dana\x1bTrainee", "D" * 1001])
def test_a_sign_up_name_that_cannot_be_stored_is_refused_beside_the_field(app, client, name):
    data = {"name": name, "email": "dana@example.org", "password": PASSWORD}

    response = post_form(client, "/sign-up", data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "\x00" not in page and "\x1b" not in page
    message = UNSTORABLE if len(name) < 1000 else "This is too long: shorten it to 1,000"
    assert re.search(r'id="name-error"><strong>Error:</strong> ' + re.escape(message), page)


def test_a_control_character_is_taken_out_and_the_message_says_so(app, client):
    """A vertical tab pasted from a word processor: the name comes back without it, so the
    message cannot ask to find and delete it."""
    data = {"name": "Dana\x0bTrainee", "email": "dana@example.org", "password": PASSWORD}

    page = post_form(client, "/sign-up", data).get_data(as_text=True)

    assert 'id="name" name="name" type="text" value="DanaTrainee"' in page
    assert re.search(
        r'id="name-error"><strong>Error:</strong> This had an invisible control character '
        r"\(often picked up when copying from another program\), which cannot be saved\. It has "
        r"been taken out: check the text and send it again\.",
        page,
    )
    assert "Delete it" not in page


def test_a_search_for_a_nul_says_what_to_fix(app, client):
    sign_in_as(client, make_user(app, roles=("staff",)))

    for path in ("/staff/people", "/staff/certificates"):
        response = client.get(path + "?q=a%00b")

        assert response.status_code == 422
        assert UNSTORABLE in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/staff/people/99999999999999999999",
        f"/staff/people/{MAX_ID + 1}",
        "/staff/people/" + "9" * 5000,
        "/staff/cohorts/99999999999999999999/import",
        "/courses/sample-course/first-steps/attempts/99999999999999999999",
        "/courses/sample%00course/",
        "/staff/courses/sample-course/media/a%00b.png",
    ],
)
def test_a_route_argument_beyond_what_the_database_holds_is_not_found(app, client, path):
    sign_in_as(client, make_user(app, roles=("staff", "trainee")))

    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


FORM = "application/x-www-form-urlencoded"


class BrokenBody(io.BytesIO):
    """A request body the server cannot read to its end: reading raises what the server raises
    for a malformed chunked body (gunicorn its own exceptions, Werkzeug's server an OSError)."""

    def __init__(self, error):
        super().__init__(b"zz\r\nemail=a\r\n0\r\n\r\n")
        self.error = error

    def read(self, size=-1):
        raise self.error

    readinto = read1 = read


@pytest.mark.parametrize(
    "error",
    [
        InvalidChunkSize(b"zz"),
        ChunkMissingTerminator(b"ab"),
        OSError("Invalid chunk header"),
    ],
    ids=["gunicorn-chunk-size", "gunicorn-chunk-terminator", "werkzeug-dev-server"],
)
@pytest.mark.parametrize(("path", "user"), [("/sign-in", False), ("/ce", True)])
def test_a_chunked_body_that_cannot_be_read_is_a_bad_request(app, client, error, path, user):
    if user:
        sign_in_as(client, make_user(app))

    response = client.post(
        path,
        input_stream=BrokenBody(error),
        content_type="multipart/form-data; boundary=x" if user else FORM,
        headers={"Transfer-Encoding": "chunked"},
        # As a server that reads chunked bodies itself says: read the stream to its end.
        environ_overrides={"wsgi.input_terminated": True},
    )

    assert response.status_code == 400
    assert "<h1>Something was wrong with that request</h1>" in response.get_data(as_text=True)


def test_every_form_in_the_app_checks_its_text_at_the_edge():
    unchecked = []
    for module in pkgutil.walk_packages(lms.web.__path__, "lms.web."):
        for name, value in inspect.getmembers(__import__(module.name, fromlist=["_"])):
            ours = inspect.isclass(value) and value.__module__.startswith("lms.")
            if ours and issubclass(value, FlaskForm) and not issubclass(value, Form):
                unchecked.append(f"{module.name}.{name}")

    assert unchecked == []
