"""The audit log page: staff and admins read who did what, when and to whom, newest first; filter
by action, person and dates; page through fifty at a time; everyone else gets 403."""

import re
from datetime import UTC, datetime

import pytest

from lms.extensions import db
from lms.services import audit
from tests.conftest import sign_in_as
from tests.records import person


def at(day, hour=12, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def log(app):
    with app.app_context():
        pat = person("pat@example.org", "Pat Staff", "staff")
        ada = person("ada@example.org", "Ada Trainee")
        sam = person("sam@example.org", "Sam Supervisor", "supervisor")
        rows = [
            ("course.synced", None, None, "Courses: 1 added", at(1, 8, 5)),
            ("certificate.issued", ada.id, ada.id, "Certificate PSF-1 issued", at(2, 9)),
            ("certificate.revoked", pat.id, ada.id, "Revoked certificate PSF-1", at(2, 23, 59)),
            ("hours.approved", sam.id, ada.id, "Approved 2 hours", at(3, 7, 30)),
        ]
        for action, actor_id, subject_id, summary, when in rows:
            event = audit.record(action, summary, actor_id=actor_id, subject_id=subject_id)
            event.occurred_at = when
        db.session.commit()
        return {"pat": pat.id, "ada": ada.id, "sam": sam.id}


def html(response):
    return response.get_data(as_text=True)


def rows(page):
    """The "What" column of each row, in the order shown."""
    return re.findall(r"<td><strong>([^<]+)</strong>", page)


def test_staff_read_who_did_what_when_and_to_whom_newest_first(client, log):
    sign_in_as(client, log["pat"])

    page = html(client.get("/staff/audit"))

    assert "<h1>Audit log</h1>" in page
    assert rows(page) == [
        "Practice hours approved", "Certificate revoked", "Certificate issued", "Courses published"
    ]  # fmt: skip
    revoked = page.split("<tr>")[3]
    assert '<time datetime="2026-11-02T23:59:00+00:00">November 2, 2026, 23:59</time>' in revoked
    assert "<td>Pat Staff</td>" in revoked and "Revoked certificate PSF-1" in revoked
    assert "<td>Ada Trainee</td>" in revoked
    synced = page.split("<tr>")[5]
    assert "<td>a command-line task</td>" in synced and "nobody in particular" in synced


def test_admins_may_read_it(app, client, log):
    with app.app_context():
        admin = person("alex@example.org", "Alex Admin", "admin")
    sign_in_as(client, admin.id)

    assert client.get("/staff/audit").status_code == 200


@pytest.mark.parametrize("who", ["ada", "sam"])
def test_trainees_and_supervisors_get_403(client, log, who):
    sign_in_as(client, log[who])

    assert client.get("/staff/audit").status_code == 403


def test_filter_by_action_with_a_select(client, log):
    sign_in_as(client, log["pat"])

    page = html(client.get("/staff/audit?action=certificate.revoked"))

    assert rows(page) == ["Certificate revoked"]
    assert '<option selected value="certificate.revoked">Certificate revoked</option>' in page
    assert '<label for="action">What happened</label>' in page


def test_an_unknown_action_is_refused_next_to_the_select(client, log):
    sign_in_as(client, log["pat"])

    page = html(client.get("/staff/audit?action=nonsense"))

    assert 'id="action-error"' in page and rows(page) == []
    assert "That action is not in the list. Choose one of those shown." in page


def test_filter_by_person_email_as_actor_or_subject(client, log):
    sign_in_as(client, log["pat"])

    assert rows(html(client.get("/staff/audit?person=SAM@example.org"))) == [
        "Practice hours approved"
    ]
    assert rows(html(client.get("/staff/audit?person=ada@example.org"))) == [
        "Practice hours approved", "Certificate revoked", "Certificate issued"
    ]  # fmt: skip
    page = html(client.get("/staff/audit?person=nobody@example.org"))
    assert "No events match these filters." in page


def test_filter_by_dates_from_and_to_inclusive(client, log):
    sign_in_as(client, log["pat"])

    page = html(client.get("/staff/audit?since=2026-11-02&until=2026-11-02"))

    assert rows(page) == ["Certificate revoked", "Certificate issued"]
    assert rows(html(client.get("/staff/audit?since=2026-11-03"))) == ["Practice hours approved"]
    assert rows(html(client.get("/staff/audit?until=2026-11-01"))) == ["Courses published"]


def test_bad_dates_are_explained_next_to_their_fields(client, log):
    sign_in_as(client, log["pat"])

    page = html(client.get("/staff/audit?since=21/11/2026"))
    assert 'id="since-error"' in page
    assert "Enter the date as year-month-day: For example 2026-11-21 (year, month, day)." in page

    page = html(client.get("/staff/audit?since=2026-11-03&until=2026-11-01"))
    assert 'id="until-error"' in page
    assert "The “To” date is before the “From” date. Swap them, or pick again." in page
    assert rows(page) == []


def test_pages_of_fifty_with_next_and_previous_keeping_the_filters(app, client, log):
    with app.app_context():
        for n in range(60):
            audit.record("course.synced", f"sync {n}").occurred_at = at(10, 0, n % 60)
        db.session.commit()
    sign_in_as(client, log["pat"])

    first = html(client.get("/staff/audit?action=course.synced"))
    assert len(rows(first)) == 50 and "Previous page" not in first
    link = re.search(r'<a href="([^"]+)" rel="next">Next page \(older events\)</a>', first)
    assert link and "action=course.synced" in link.group(1) and "after=" in link.group(1)

    second = html(client.get(link.group(1).replace("&amp;", "&")))
    assert len(rows(second)) == 11 and "Next page" not in second
    assert 'rel="prev">Previous page (newer events)</a>' in second
