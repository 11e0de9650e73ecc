"""The cohort hours export (staff): one row per trainee with training hours by course and
domain, approved hours by kind, hours waiting for review and certificates; hours as decimals;
formula-looking names defused; staff only; a fixed number of statements at any size."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course
from lms.services.logbook import hours_export
from tests import livekit, records
from tests import roster_data as rd
from tests import transcriptkit as kit
from tests.conftest import sign_in_as
from tests.statements import count_statements


@pytest.fixture
def world(app, courses_dir):
    with app.app_context():
        course = records.publish(courses_dir)
        ada = rd.person("Ada Trainee")
        evil = rd.person('=HYPERLINK("http://x")', email="evil@example.org")
        minus = rd.person("-Minus Person", email="minus@example.org")
        outsider = rd.person("Otto Outside")
        sam = rd.person("Sam Supervisor", roles=("supervisor",))
        stella = rd.person("Stella Staff", roles=("staff",))
        cohort_id = rd.cohort("Spring", course.id)
        rd.enrol(cohort_id, ada, evil, minus)
        rd.supervise(sam, ada)
        first, second = kit.module_ids(course.id)
        kit.pass_module(ada, first)  # 15 minutes of recovery-wellness
        kit.pass_module(ada, second)  # 20 minutes of mentoring-education
        kit.pass_module(outsider, first)
        kit.hours(ada, 615, kind="work", reviewer_id=sam)
        kit.hours(ada, 90, kind="supervision", reviewer_id=sam)
        kit.hours(ada, 30, status="pending")
        kit.hours(ada, 600, status="rejected", reviewer_id=sam)
        rd.certificate(ada, course.id, expires_on=date(2099, 1, 1), code="SC-TEST-0001")
        db.session.commit()
        return {"ada": ada, "sam": sam, "stella": stella, "cohort": cohort_id}


def rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_staff_export_a_row_per_trainee_with_hours_by_domain_and_kind(client, world):
    sign_in_as(client, world["stella"])
    page = client.get(f"/staff/cohorts/{world['cohort']}").get_data(as_text=True)
    assert f'href="/staff/cohorts/{world["cohort"]}/hours.csv"' in page

    response = client.get(f"/staff/cohorts/{world['cohort']}/hours.csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *found = rows(response)
    assert header == [
        "Name", "Email",
        "sample-course: advocacy hours", "sample-course: mentoring-education hours",
        "sample-course: recovery-wellness hours", "sample-course: ethical-responsibility hours",
        "sample-course: total training hours",
        "Approved work hours", "Approved supervision hours", "Hours waiting for review",
        "sample-course: certificate status", "sample-course: certificate code",
    ]  # fmt: skip
    by_email = {row[1]: dict(zip(header, row, strict=True)) for row in found}
    assert len(found) == 3 and "otto.outside@example.org" not in by_email
    ada = by_email["ada.trainee@example.org"]
    assert ada["sample-course: mentoring-education hours"] == "0.33"
    assert ada["sample-course: recovery-wellness hours"] == "0.25"
    assert ada["sample-course: advocacy hours"] == "0.00"
    assert ada["sample-course: total training hours"] == "0.58"
    assert (ada["Approved work hours"], ada["Approved supervision hours"]) == ("10.25", "1.50")
    assert ada["Hours waiting for review"] == "0.50"
    assert (ada["sample-course: certificate status"], ada["sample-course: certificate code"]) == (
        "valid",
        "SC-TEST-0001",
    )
    assert by_email["evil@example.org"]["sample-course: certificate status"] == "none"


def test_minutes_attended_at_live_sessions_are_in_the_domain_columns(app, client, world):
    with app.app_context():
        course_id = db.session.scalar(select(Course.id))
        version = livekit.session_version(course_id, minutes=90, domain_minutes={"advocacy": 90})
        held = livekit.held_meeting(version, world["cohort"], world["sam"], kit.NOW)
        livekit.attend(held, world["ada"], "present")
        db.session.commit()
    sign_in_as(client, world["stella"])

    header, *found = rows(client.get(f"/staff/cohorts/{world['cohort']}/hours.csv"))

    ada = {row[1]: dict(zip(header, row, strict=True)) for row in found}["ada.trainee@example.org"]
    assert ada["sample-course: advocacy hours"] == "1.50"
    assert ada["sample-course: total training hours"] == "2.08"


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_defused(client, world):
    sign_in_as(client, world["stella"])

    names = [row[0] for row in rows(client.get(f"/staff/cohorts/{world['cohort']}/hours.csv"))]

    assert '\'=HYPERLINK("http://x")' in names and "'-Minus Person" in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)


def test_only_staff_export_hours(client, world):
    path = f"/staff/cohorts/{world['cohort']}/hours.csv"
    for who in ("ada", "sam"):
        sign_in_as(client, world[who])
        assert client.get(path).status_code == 403
    sign_in_as(client, world["stella"])
    assert client.get("/staff/cohorts/999999/hours.csv").status_code == 404


def test_hours_are_decimals_with_two_places():
    assert [hours_export.hours_cell(m) for m in (0, 10, 60, 615, 30000)] == [
        "0.00", "0.17", "1.00", "10.25", "500.00"
    ]  # fmt: skip


def test_the_export_runs_the_same_statements_for_3_trainees_as_for_300(app, client, world):
    sign_in_as(client, world["stella"])
    path = f"/staff/cohorts/{world['cohort']}/hours.csv"
    statuses = []
    small = count_statements(app, lambda: statuses.append(client.get(path).status_code))
    with app.app_context():
        course_id, modules = rd.bulk_course(modules=6)
        rd.bulk_trainees(297, course_id, modules, [world["sam"]], world["cohort"], prefix="x")
        db.session.commit()

    large = count_statements(app, lambda: statuses.append(client.get(path).status_code))

    assert statuses == [200, 200]
    assert large == small <= 12
    assert len(rows(client.get(path))) == 301
