"""The staff renewals page: who is due in the next 90 days and who has lapsed, with CE progress,
by cohort, sorted by expiry, 50 to a page, as CSV, in a fixed number of statements."""

import re
from datetime import date, timedelta

from lms.extensions import db
from lms.models import Certificate, User
from lms.services.people import cohorts
from tests.conftest import sign_in_as
from tests.statements import recorded_statements

from ..records import person
from ..renewalkit import at, ce, course_with_rule

TODAY = date(2026, 11, 18)


def _holder(course, index, expires_on, name=None, **extra):
    user = User(email=f"h{index}@example.org", name=name or f"Holder {index:03}", password_hash="x")
    db.session.add(user)
    db.session.flush()
    certificate = Certificate(
        code=f"SC-{index:04}-0000-0000", user_id=user.id, course_id=course.id, course_version=1,
        title="Sample Certificate", issued_on=expires_on - timedelta(days=365),
        expires_on=expires_on, **extra,
    )  # fmt: skip
    db.session.add(certificate)
    db.session.commit()
    return user, certificate


def _world(app, courses_dir):
    with app.app_context():
        course = course_with_rule(courses_dir)
        soon, _ = _holder(course, 1, TODAY + timedelta(days=58), "Ada Soon")
        ce(soon, 10, "elective", on=TODAY - timedelta(days=30))
        ce(soon, 2, "ethics", on=TODAY - timedelta(days=30))
        _holder(course, 2, TODAY + timedelta(days=10), "=HYPERLINK(1)")
        _holder(course, 3, TODAY + timedelta(days=120), "Cy Later")  # not due yet
        _holder(course, 4, TODAY - timedelta(days=40), "Di Lapsed")
        _holder(course, 5, TODAY + timedelta(days=20), "Ed Revoked", revoked_at=at(TODAY))
        _holder(course, 6, TODAY + timedelta(days=30), "Fi Renewed", superseded_at=at(TODAY))
        cohort = cohorts.create_cohort("Spring", date(2026, 1, 1), None, [course.id])
        cohorts.enrol(cohort.id, "h1@example.org")
        staff = person("stella@example.org", "Stella Staff", "staff")
        return staff.id, cohort.id, course


def test_due_rows_with_progress_sorted_by_expiry(app, client, courses_dir, clock):
    staff_id, cohort_id, _ = _world(app, courses_dir)
    clock.freeze(at(TODAY))
    sign_in_as(client, staff_id)
    page = client.get("/staff/renewals").get_data(as_text=True)
    assert page.index("=HYPERLINK(1)") < page.index("Ada Soon")
    assert "12 of 20 CE hours, 2 of 6 ethics" in page
    assert "Still needed: 8 more CE hours, 4 of them in ethics" in page
    for absent in ("Cy Later", "Di Lapsed", "Ed Revoked", "Fi Renewed"):
        assert absent not in page
    reverse = client.get("/staff/renewals?dir=desc").get_data(as_text=True)
    assert reverse.index("Ada Soon") < reverse.index("=HYPERLINK(1)")
    by_cohort = client.get(f"/staff/renewals?cohort={cohort_id}").get_data(as_text=True)
    assert "Ada Soon" in by_cohort and "HYPERLINK" not in by_cohort


def test_the_expired_view_lists_lapsed_holders(app, client, courses_dir, clock):
    staff_id, _, _ = _world(app, courses_dir)
    clock.freeze(at(TODAY))
    sign_in_as(client, staff_id)
    page = client.get("/staff/renewals?view=expired").get_data(as_text=True)
    assert "Di Lapsed" in page and "Lapsed" in page
    assert "Ada Soon" not in page


def test_the_csv_has_the_same_rows_and_no_formula(app, client, courses_dir, clock):
    staff_id, _, _ = _world(app, courses_dir)
    clock.freeze(at(TODAY))
    sign_in_as(client, staff_id)
    response = client.get("/staff/renewals.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == ("Name,Email,Certificate,Code,Expires on,Standing,CE progress,Still needed")
    assert lines[1].startswith("'=HYPERLINK(1),h2@example.org,")
    assert lines[2].startswith("Ada Soon,h1@example.org,Sample Certificate,SC-0001-0000-0000,")
    assert '"12 of 20 CE hours, 2 of 6 ethics"' in lines[2]
    assert len(lines) == 3


def test_bad_filters_are_named_and_filter_nothing(app, client, courses_dir, clock):
    staff_id, _, _ = _world(app, courses_dir)
    clock.freeze(at(TODAY))
    sign_in_as(client, staff_id)
    response = client.get("/staff/renewals?view=nope&cohort=999999&page=x")
    text = response.get_data(as_text=True)
    assert "That cohort is not in the list" in text
    assert "That list is not one of the choices" in text
    assert "Ada Soon" in text


def _statements(app, client, path):
    with recorded_statements(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_a_page_and_the_csv_run_the_same_statements_for_few_holders_as_for_many(
    app, client, courses_dir, clock
):
    staff_id, _, course = _world(app, courses_dir)
    clock.freeze(at(TODAY))
    sign_in_as(client, staff_id)
    few = (
        _statements(app, client, "/staff/renewals"),
        _statements(app, client, "/staff/renewals.csv"),
    )
    with app.app_context():
        for index in range(100, 175):
            user, _ = _holder(course, index, TODAY + timedelta(days=index % 90))
            ce(user, 1, "ethics", on=TODAY)
    many = (
        _statements(app, client, "/staff/renewals"),
        _statements(app, client, "/staff/renewals.csv"),
    )
    assert few == many
    first = client.get("/staff/renewals").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', first).group(1)
    page_two = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Showing 51 to 77 of 77 certificates" in page_two and 'rel="prev"' in page_two
    assert page_two.count("<tr>") == 1 + 77 - 50  # the heading's row, then the rest


def test_a_hostile_name_is_shown_as_text(app, client, courses_dir, clock):
    from tests.xss import assert_no_script

    staff_id, _, course = _world(app, courses_dir)
    payload = '<img src=x onerror=alert(1)><script>alert("x")</script>'
    with app.app_context():
        _holder(course, 50, TODAY + timedelta(days=5), payload)
    clock.freeze(at(TODAY))
    sign_in_as(client, staff_id)
    page = client.get("/staff/renewals").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert_no_script(page, "renewals", page=True, allow_tags=("form", "input", "button", "select"))
