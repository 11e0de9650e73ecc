"""Pages judge a certificate by the program's day (LMS_TIMEZONE, New York here): at 9 PM in New
York on the eve of its expiry day (2 AM UTC on that day) the public check, its JSON, the holder's
dashboard and the staff renewals page all say it is still valid; from midnight in New York they
all say it has expired. A certificate earned at 9 PM is issued that day, on every page."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from lms.extensions import db
from tests.conftest import sign_in_as

from ..records import person
from ..renewalkit import course_with_rule, holder

NEW_YORK = ZoneInfo("America/New_York")
EVENING_BEFORE = datetime(2027, 11, 21, 21, 0, tzinfo=NEW_YORK)  # 02:00 UTC on the 22nd
AFTER_MIDNIGHT = datetime(2027, 11, 22, 0, 30, tzinfo=NEW_YORK)
ISSUED_A_YEAR_BEFORE = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # expires November 22, 2027


def _world(app, courses_dir, clock, when=ISSUED_A_YEAR_BEFORE):
    with app.app_context():
        course = course_with_rule(courses_dir)
        user, certificate = holder(clock, course, when=when)
        staff = person("stella@example.org", "Stella Staff", "staff")
        db.session.commit()
        return user.id, staff.id, certificate.code


def test_on_the_eve_of_its_expiry_day_every_page_says_valid(app, client, courses_dir, clock):
    user_id, staff_id, code = _world(app, courses_dir, clock)
    clock.freeze(EVENING_BEFORE)

    assert "<strong>Valid</strong>" in client.get(f"/verify/{code}").get_data(as_text=True)
    assert client.get(f"/verify/{code}.json").get_json()["status"] == "valid"
    sign_in_as(client, user_id)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "expires on November 22, 2027" in dashboard
    assert "expired" not in dashboard
    sign_in_as(client, staff_id)
    assert code in client.get("/staff/renewals").get_data(as_text=True)
    assert code not in client.get("/staff/renewals?view=expired").get_data(as_text=True)


def test_from_midnight_in_new_york_every_page_says_expired(app, client, courses_dir, clock):
    user_id, staff_id, code = _world(app, courses_dir, clock)
    clock.freeze(AFTER_MIDNIGHT)

    assert "<strong>Expired</strong>" in client.get(f"/verify/{code}").get_data(as_text=True)
    assert client.get(f"/verify/{code}.json").get_json()["status"] == "expired"
    sign_in_as(client, user_id)
    assert "expired</strong> on November 22, 2027" in client.get("/dashboard").get_data(
        as_text=True
    )
    sign_in_as(client, staff_id)
    assert code not in client.get("/staff/renewals").get_data(as_text=True)
    assert code in client.get("/staff/renewals?view=expired").get_data(as_text=True)


def test_a_certificate_earned_in_the_evening_is_dated_that_day(app, client, courses_dir, clock):
    _, _, code = _world(app, courses_dir, clock, when=EVENING_BEFORE)

    found = client.get(f"/verify/{code}.json").get_json()
    assert (found["issued_on"], found["expires_on"]) == ("2027-11-21", "2028-11-21")
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "November 21, 2027" in html and "November 22, 2027" not in html
