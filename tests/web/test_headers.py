"""Security headers on every response, of every type, and `Cache-Control: private, no-store` on
every page that is not public, derived from each route's declared access policy."""

import re
from pathlib import Path

from lms import create_app
from lms.extensions import db
from lms.web.headers import CONTENT_SECURITY_POLICY
from tests.conftest import csrf_token, sign_in_as
from tests.web.test_access_policy import ROLES, answer, routes
from tests.web.test_access_policy import people as accounts_by_role  # noqa: F401
from tests.web.test_certificates import issued  # noqa: F401  (a trainee holding a certificate)
from tests.web.test_roster_pages import people  # noqa: F401  (a supervisor, trainees, a certificate)

PRIVATE = "private, no-store"


def assert_security_headers(response, where):
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, where
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer"), where
    assert "Strict-Transport-Security" not in headers, where  # only in production


def test_the_policy_is_strict_and_allows_no_inline_code_or_other_sites():
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
    ):
        assert directive in CONTENT_SECURITY_POLICY.split("; ")
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_every_route_answers_with_the_headers_and_private_routes_are_never_cached(
    app,
    accounts_by_role,  # noqa: F811
):
    wrong = []
    for rule, method, path in routes(app):
        public = app.view_functions[rule.endpoint].access_policy[0] == "public"
        for role in (None, *ROLES):
            response = answer(app, accounts_by_role, role, method, path)
            where = f"{method} {path} as {role} ({response.status_code})"
            assert_security_headers(response, where)
            cache = response.headers.get("Cache-Control", "")
            # A public page shown to someone signed in names them (POST /sign-out has just
            # signed them out: its redirect names nobody); a form's token is the visitor's own.
            personal = role is not None and method == "GET"
            has_form_token = b'name="csrf_token"' in response.get_data()
            # A reset link's page is kept from every cache, even when it only says the link is bad.
            has_form_token = has_form_token or path.startswith("/reset-password/")
            if (not public or personal or has_form_token) and cache != PRIVATE:
                wrong.append(f"{where}: Cache-Control {cache!r}")
            elif public and role is None and not has_form_token and "private" in cache:
                wrong.append(f"{where}: a public page kept from caches: {cache!r}")

    assert wrong == []


def get(client, path, status=200):
    response = client.get(path)
    response.close()  # a static file is sent from an open file
    assert response.status_code == status, path
    assert_security_headers(response, path)
    return response


def test_private_pages_of_every_type_are_not_kept_by_caches(app, people, issued):  # noqa: F811
    code = issued["code"]
    trainee = sign_in_as(app.test_client(), issued["user_id"])
    supervisor = sign_in_as(app.test_client(), people["sue"])
    staff = sign_in_as(app.test_client(), people["staff"])
    pages = [
        (trainee, "/dashboard", "text/html"),
        (trainee, "/practice", "text/html"),
        (trainee, f"/certificates/{code}", "text/html"),
        (trainee, f"/certificates/{code}.pdf", "application/pdf"),
        (trainee, "/account/data.json", "application/json"),
        (trainee, "/", "text/html"),  # a public page, but it names the person signed in
        (supervisor, "/supervise/", "text/html"),
        (supervisor, "/supervise/roster.csv", "text/csv"),
        (supervisor, f"/supervise/trainees/{people['Cat Certified']}", "text/html"),
        (supervisor, "/supervise/hours", "text/html"),
        (staff, "/staff/", "text/html"),
        (staff, f"/staff/people/{people['Ben Begun']}", "text/html"),
    ]
    for client, path, mimetype in pages:
        response = get(client, path)
        assert response.mimetype == mimetype, path
        assert response.headers["Cache-Control"] == PRIVATE, path
    for client, path, status in [(trainee, "/staff/", 403), (trainee, "/sign-out", 405)]:
        assert get(client, path, status).headers["Cache-Control"] == PRIVATE, path


def test_public_answers_of_every_type_carry_the_headers_and_keep_normal_caching(
    app,
    issued,  # noqa: F811
):
    code = issued["code"]
    client = app.test_client()
    for path, status, mimetype in [
        ("/", 200, "text/html"),
        ("/courses/sample-course/", 200, "text/html"),
        ("/static/style.css", 200, "text/css"),
        ("/static/favicon.svg", 200, "image/svg+xml"),
        ("/healthz", 200, "application/json"),
        (f"/verify/{code}.json", 200, "application/json"),
        ("/no-such-page", 404, "text/html"),
    ]:
        response = get(client, path, status)
        assert response.mimetype == mimetype, path
        assert "private" not in response.headers.get("Cache-Control", ""), path


def test_public_pages_with_a_form_are_not_kept_by_caches(app):
    """The sign-in and sign-up pages carry a token tied to the visitor's session (and, after a
    failed try, the address typed): a shared cache must not hand them to the next person."""
    client = app.test_client()
    for path in ("/sign-in", "/sign-up"):
        response = get(client, path)
        assert b'name="csrf_token"' in response.get_data(), path
        assert response.headers["Cache-Control"] == PRIVATE, path
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    failed = client.post(
        "/sign-in", data={"csrf_token": token, "email": "someone@example.org", "password": "x"}
    )
    assert failed.status_code == 200 and b"someone@example.org" in failed.get_data()
    assert failed.headers["Cache-Control"] == PRIVATE


def test_in_production_browsers_are_told_to_use_https_only(monkeypatch, app):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_SECRET_KEY", "p" * 64)
    monkeypatch.setenv("LMS_BASE_URL", "https://training.example.org")
    monkeypatch.setenv("LMS_ISSUER_KEYS", app.config["LMS_ISSUER_KEYS"])
    monkeypatch.setenv("LMS_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_QUEUE_FILE", app.config["LMS_QUEUE_FILE"])  # one machine
    production = create_app()

    for path in ("/", "/static/style.css", "/no-such-page"):
        response = production.test_client().get(path)
        response.close()
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000", path
    with production.app_context():
        db.engine.dispose()


def test_templates_carry_no_inline_script_style_or_event_handler(app):
    """The policy allows no inline code: a template that added some would break in browsers.
    A script of our own loaded from /static (<script src=... defer>) is allowed."""
    inline = re.compile(
        r"<script(?![^>]*\ssrc=)|<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.I
    )
    folder = Path(app.template_folder)
    found = [
        f"{path.relative_to(folder)}:{number}: {line.strip()}"
        for path in sorted(folder.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if inline.search(line)
    ]

    assert found == []


def test_every_page_names_its_icon_so_no_browser_asks_for_a_missing_favicon_ico(app):
    page = app.test_client().get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
