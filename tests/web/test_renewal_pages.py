"""The holder renews from the dashboard or the certificate page with one click; the old code then
verifies as renewed (HTML and JSON) and points to the current one."""

from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.models import Certificate
from tests.conftest import csrf_token, sign_in_as

from ..records import person
from ..renewalkit import at, ce, course_with_rule, holder


def _world(app, courses_dir, clock, hours=((14, "elective"), (6, "ethics"))):
    with app.app_context():
        course = course_with_rule(courses_dir)
        user, certificate = holder(clock, course)
        for amount, category in hours:
            ce(user, amount, category)
        return user.id, certificate.code


def test_the_dashboard_shows_the_standing_and_the_holder_renews(app, client, courses_dir, clock):
    user_id, code = _world(app, courses_dir, clock)
    clock.freeze(at(date(2026, 11, 18)))  # 58 days before January 15, 2027
    sign_in_as(client, user_id)
    page = client.get("/dashboard").get_data(as_text=True)
    standing = "Your certificate expires in 58 days</strong>:\n    20 of 20 CE hours, 6 of 6 ethics"
    assert standing in page
    assert "Renew my certificate" in page

    response = client.post(f"/certificates/{code}/renew", data={"csrf_token": csrf_token(page)})

    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalar(select(Certificate).where(Certificate.renews_id.is_not(None)))
        assert response.headers["Location"].endswith(f"/certificates/{new.code}")
        new_code, expires_on = new.code, new.expires_on
    assert expires_on == date(2028, 1, 15)
    page = client.get(f"/certificates/{new_code}").get_data(as_text=True)
    assert f"Its new code is {new_code}; it expires on January 15, 2028." in page

    old = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "this certificate was renewed on November 18, 2026; the current certificate is" in old
    assert f'href="/verify/{new_code}"' in old
    data = client.get(f"/verify/{code}.json").get_json()
    assert data["status"] == "superseded"
    assert data["current_code"] == new_code and data["renewed_on"] == "2026-11-18"
    assert client.get(f"/verify/{new_code}.json").get_json()["status"] == "valid"
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert new_code in dashboard and code not in dashboard
    own_old = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert f'The current certificate is <a href="/certificates/{new_code}">' in own_old
    again = client.post(f"/certificates/{code}/renew", data={"csrf_token": csrf_token(own_old)})
    assert again.headers["Location"].endswith(f"/certificates/{new_code}")  # a double click
    pdf = client.get(f"/certificates/{code}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_the_certificate_page_says_what_is_missing_and_refuses(app, client, courses_dir, clock):
    user_id, code = _world(app, courses_dir, clock, hours=((12, "elective"),))
    clock.freeze(at(date(2026, 11, 18)))
    sign_in_as(client, user_id)
    page = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "12 of 20 CE hours, 0 of 6 ethics" in page
    assert "Still needed: 8 more CE hours, 6 of them in ethics." in page
    assert 'href="/ce"' in page
    assert "Renew my certificate" not in page

    response = client.post(f"/certificates/{code}/renew", data={"csrf_token": csrf_token(page)})

    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "There is a problem" in text
    assert "You need 8 more CE hours, 6 of them in ethics" in text


def test_grace_and_lapse_are_stated(app, client, courses_dir, clock):
    with app.app_context():
        course = course_with_rule(courses_dir, grace_months=2)
        user, certificate = holder(clock, course)
        user_id, code = user.id, certificate.code
    clock.freeze(at(date(2027, 2, 1)))
    sign_in_as(client, user_id)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Your certificate expired on January 15, 2027.</strong>" in page
    assert "You can still renew it until March 15, 2027" in page
    clock.freeze(at(date(2027, 3, 16)))
    sign_in_as(client, user_id)
    page = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "Your certificate lapsed on March 15, 2027</strong>" in page
    assert "retaking the course" in page
    assert "Expired" in page


def test_only_the_holder_renews(app, client, courses_dir, clock):
    user_id, code = _world(app, courses_dir, clock)
    with app.app_context():
        staff_id = person("stella@example.org", "Stella Staff", "staff").id
        other_id = person("bo@example.org", "Bo Other").id
    clock.freeze(at(date(2026, 11, 18)))
    for who in (staff_id, other_id):
        sign_in_as(client, who)
        token = csrf_token(client.get("/dashboard").get_data(as_text=True))
        response = client.post(f"/certificates/{code}/renew", data={"csrf_token": token})
        assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Certificate.superseded_at)) is None


def test_renewing_without_the_token_changes_nothing(app, client, courses_dir, clock):
    user_id, code = _world(app, courses_dir, clock)
    clock.freeze(at(date(2026, 11, 18)))
    sign_in_as(client, user_id)
    response = client.post(f"/certificates/{code}/renew", data={})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Certificate.superseded_at)) is None
