"""Addresses kept by each worker (lms/web/addresses.py) are the ones Flask builds, whatever the
request's prefix, blueprint or values; those it cannot key are built each time."""

from datetime import UTC, datetime, timedelta, timezone

from flask import Flask, render_template_string, request, url_for

from lms.web import addresses


def test_a_kept_address_is_what_flask_builds(app):
    plain = Flask("plain")
    plain.url_map = app.url_map  # the same rules, built the ordinary way
    cases = [
        ("learn.home", {}),
        ("learn.module", {"course_slug": "sample-course", "module_slug": "first-steps"}),
        ("static", {"filename": "style.css"}),
        ("auth.sign_in", {"next": "/courses/a b/?x=1&y=2"}),
        ("auth.sign_in", {"next": None}),
        ("learn.course", {"course_slug": "sample-course", "tab": ["a", "b"]}),  # not a key
    ]
    for prefix in ("", "/training"):
        for _ in range(2):  # built, then kept
            with app.test_request_context("/", base_url=f"http://example.org{prefix}"):
                kept = [url_for(endpoint, **values) for endpoint, values in cases]
                kept.append(url_for("learn.home", _external=True))
                kept.append(url_for("learn.course", course_slug="c", _anchor="section-x"))
                relative = url_for(".home")
                assert request.blueprint == "learn"
            with plain.test_request_context("/", base_url=f"http://example.org{prefix}"):
                built = [plain.url_for(endpoint, **values) for endpoint, values in cases]
                built.append(plain.url_for("learn.home", _external=True))
                built.append(plain.url_for("learn.course", course_slug="c", _anchor="section-x"))
            assert kept == built
            assert relative == f"{prefix}/"
    assert kept[0] == "/training/"


def test_a_relative_endpoint_is_kept_per_blueprint(app):
    with app.test_request_context("/"):
        assert url_for(".home") == "/"
    with app.test_request_context("/staff/"):
        assert request.blueprint == "staff"
        assert url_for(".home") == "/staff/"


def test_an_address_is_built_once_per_worker():
    app = Flask("tiny")
    built = []
    build = app.url_for

    def counting(endpoint, **values):
        built.append(endpoint)
        return build(endpoint, **values)

    app.url_for = counting  # what addresses.init_app finds and keeps the answers of
    addresses.init_app(app)

    @app.get("/module/<slug>")
    def module(slug):
        return render_template_string(
            "{{ url_for('module', slug=slug) }} {{ url_for('module', slug='other') }}", slug=slug
        )

    client = app.test_client()
    assert client.get("/module/one").get_data(as_text=True) == "/module/one /module/other"
    assert built == ["module", "module"]
    assert client.get("/module/one").get_data(as_text=True) == "/module/one /module/other"
    assert client.get("/module/other").get_data(as_text=True) == "/module/other /module/other"
    assert built == ["module", "module"]


def test_values_that_compare_equal_but_read_differently_are_not_one_address():
    """1, True and 1.0 are equal (and hash alike) in Python, as are one moment in two time zones,
    but Flask writes each differently: each gets its own address, never the one kept first."""
    app = Flask("tiny")
    addresses.init_app(app)

    @app.get("/list")
    def listing():
        return ""

    noon = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    in_paris = noon.astimezone(timezone(timedelta(hours=2)))
    assert noon == in_paris
    cases = [1, True, 1.0, noon, in_paris, "1"]
    plain = Flask("plain")
    plain.url_map = app.url_map
    for _ in range(2):  # built, then kept
        with app.test_request_context("/"):
            kept = [url_for("listing", page=value) for value in cases]
        with plain.test_request_context("/"):
            built = [plain.url_for("listing", page=value) for value in cases]
        assert kept == built
    assert len(set(kept)) == 5  # "1" and 1 are written alike
