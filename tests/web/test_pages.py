"""The public pages that list and show published courses, the health check and the error pages."""

import re

import pytest

from lms import create_app
from lms.extensions import db
from lms.services.authoring.publishing import sync_courses
from lms.services.people import accounts
from tests.conftest import sign_in_as
from tests.statements import recorded_statements


@pytest.fixture
def published(app, courses_dir):
    with app.app_context():
        sync_courses(courses_dir)
    return app


@pytest.fixture
def reader(client, published):
    """A signed-in trainee's client: module pages are for signed-in accounts."""
    with published.app_context():
        user = accounts.ensure_user("r@example.org", "Reader", ["trainee"], "a-long-passphrase")
    return sign_in_as(client, user.id)


def h1s(html):
    return re.findall(r"<h1[ >]", html)


def test_home_lists_published_courses_with_their_modules(client, published):
    response = client.get("/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert len(h1s(html)) == 1
    assert "Sample Course" in html and "A small course used by the tests." in html
    assert html.index("First Steps") < html.index("Listening")
    assert 'href="/courses/sample-course/first-steps"' in html


def test_home_says_when_nothing_is_published(client):
    html = client.get("/").get_data(as_text=True)

    assert "No courses are published yet" in html


def test_course_page_shows_overview_modules_and_certificate(client, published):
    response = client.get("/courses/sample-course/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This course has two modules." in html
    assert "Sample Certificate" in html and "valid for 12 months" in html
    assert "Recovery and wellness support" in html
    assert len(h1s(html)) == 1


def test_course_address_without_slash_redirects(client, published):
    response = client.get("/courses/sample-course")

    assert response.status_code == 308
    assert response.headers["Location"].endswith("/courses/sample-course/")


def test_module_page_shows_objectives_lesson_and_neighbours(reader):
    client = reader
    response = client.get("/courses/sample-course/first-steps")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>First Steps</h1>" in html
    assert "Module 1 of 2" in html
    assert "Name one source of hope." in html
    assert "Recovery is personal." in html
    assert "Next: Listening" in html and "Previous" not in html
    assert len(h1s(html)) == 1
    last = client.get("/courses/sample-course/listening").get_data(as_text=True)
    assert "Previous: First Steps" in last and "Next:" not in last


def test_module_page_image_is_served_from_the_database(reader, courses_dir):
    client = reader
    html = client.get("/courses/sample-course/first-steps").get_data(as_text=True)
    src = re.search(r'<img alt="A circle of chairs" src="([^"]+)"', html).group(1)

    # The page is at /courses/sample-course/first-steps, so the relative path resolves like this:
    response = client.get("/courses/sample-course/" + src)
    assert response.status_code == 404  # only the resolved address serves the image
    resolved = "/" + src.removeprefix("../../")
    response = client.get(resolved)

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == (courses_dir / "sample-course" / "media" / "circle.png").read_bytes()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    ["/courses/nope/", "/courses/sample-course/nope", "/media/abc/x.png", "/no/such/page"],
)
def test_unknown_addresses_get_the_not_found_page(reader, path):
    response = reader.get(path)

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert "Traceback" not in html


def test_a_retired_module_is_no_longer_shown(reader, courses_dir, app):
    client = reader
    first = courses_dir / "sample-course" / "01-first-steps.md"
    first.write_text(first.read_text().replace("(02-listening.md#open-questions)", "(course.md)"))
    (courses_dir / "sample-course" / "02-listening.md").unlink()
    with app.app_context():
        sync_courses(courses_dir)

    assert client.get("/courses/sample-course/listening").status_code == 404
    assert "Listening" not in client.get("/courses/sample-course/").get_data(as_text=True)


def test_a_server_error_shows_a_page_without_a_stack_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/explode")
    def explode():
        raise RuntimeError("secret internals")

    response = client.get("/explode")

    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_healthz_answers_ok_when_the_database_is_reachable(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_not(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-folder/db.sqlite",
        }
    )

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["database"] == "unreachable"
    with app.app_context():
        db.engine.dispose()


def test_crisis_resources_come_from_configuration(app, client):
    app.config["LMS_CRISIS_RESOURCES"] = ["Call your program's on-call worker.", "Or 000."]

    html = client.get("/").get_data(as_text=True)

    assert "<li>Call your program&#39;s on-call worker.</li>" in html
    assert "<li>Or 000.</li>" in html


def test_pages_load_nothing_from_other_sites(reader):
    client = reader
    for path in ["/", "/courses/sample-course/", "/courses/sample-course/first-steps"]:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), path


def test_public_pages_run_a_fixed_number_of_queries(app, client, published):
    client.get("/")  # the worker reads the catalog once after a publish (test_query_counts.py)
    for path, bound in [
        ("/", 1),  # the catalog version only: the rest is this worker's copy of the catalog
        ("/courses/sample-course/", 1),
    ]:
        with recorded_statements(app) as statements:
            assert client.get(path).status_code == 200
        assert len(statements) <= bound, (path, statements)
