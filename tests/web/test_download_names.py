"""Every download named for a day is named for the program's day (LMS_TIMEZONE, New York here),
as every date a person reads: at 9 PM on November 20 in New York (02:00 UTC on the 21st) the
roster, people, audit, certificates and renewals CSVs and a person's data export are named
2026-11-20, not the UTC date of the next day."""

import re
from datetime import UTC, datetime

import pytest

from lms.extensions import db
from tests.conftest import sign_in_as
from tests.records import person

NINE_PM_IN_NEW_YORK = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # November 20, 9 PM EST
PROGRAM_DAY = "2026-11-20"


@pytest.fixture
def people(app, clock):
    app.config["LMS_TIMEZONE"] = "America/New_York"
    clock.freeze(NINE_PM_IN_NEW_YORK)
    with app.app_context():
        ids = {
            "trainee": person("tara@example.org", "Tara Trainee").id,
            "supervisor": person("sam@example.org", "Sam Supervisor", "supervisor").id,
            "staff": person("stella@example.org", "Stella Staff", "staff").id,
        }
        db.session.commit()
        return ids


def saved_as(response):
    """The file name a browser saves the download as. The response is read to its end and
    closed, so that a streamed CSV's request context ends here even when an assert fails."""
    response.get_data()
    response.close()
    assert response.status_code == 200, response.status_code
    disposition = response.headers["Content-Disposition"]
    return re.fullmatch(r'attachment; filename="([^"]+)"', disposition).group(1)


@pytest.mark.parametrize(
    ("who", "path", "name"),
    [
        ("supervisor", "/supervise/roster.csv", f"roster-{PROGRAM_DAY}.csv"),
        ("staff", "/supervise/roster.csv", f"roster-{PROGRAM_DAY}.csv"),
        ("staff", "/staff/people.csv", f"people-{PROGRAM_DAY}.csv"),
        ("staff", "/staff/audit.csv", f"audit-{PROGRAM_DAY}.csv"),
        ("staff", "/staff/certificates.csv", f"certificates-{PROGRAM_DAY}.csv"),
        ("staff", "/staff/renewals.csv", f"renewals-due-{PROGRAM_DAY}.csv"),
        ("staff", "/staff/renewals.csv?view=expired", f"renewals-expired-{PROGRAM_DAY}.csv"),
        ("trainee", "/account/data.json", f"my-data-{PROGRAM_DAY}.json"),
    ],
)
def test_a_download_at_9_pm_in_new_york_is_named_for_that_day(client, people, who, path, name):
    sign_in_as(client, people[who])
    assert saved_as(client.get(path)) == name


def test_the_data_export_keeps_its_utc_moment_inside_and_the_programs_day_outside(client, people):
    sign_in_as(client, people["trainee"])
    response = client.get("/account/data.json")
    assert saved_as(response) == f"my-data-{PROGRAM_DAY}.json"
    assert response.get_json()["exported_at"] == "2026-11-21T02:00:00+00:00"


def test_from_midnight_in_new_york_the_names_carry_the_new_day(client, people, clock):
    clock.freeze(datetime(2026, 11, 21, 5, 0, tzinfo=UTC))  # midnight, November 21, in New York
    sign_in_as(client, people["staff"])
    assert saved_as(client.get("/staff/people.csv")) == "people-2026-11-21.csv"
    clock.freeze(datetime(2026, 11, 21, 4, 59, 59, tzinfo=UTC))
    assert saved_as(client.get("/staff/people.csv")) == "people-2026-11-20.csv"
