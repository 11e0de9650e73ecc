"""The supervisor's pages: the roster (filters, sort links, CSV), the cohort picture and a
trainee's page, and who may open them."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course
from lms.services import roster
from lms.services.authoring.publishing import sync_courses
from lms.services.people import supervision
from lms.web.filters import long_date
from tests import roster_data as rd
from tests.conftest import sign_in_as


class TableText(HTMLParser):
    """The text of each body row's cells, as a person reads it: decoration hidden from assistive
    technology (aria-hidden) is left out."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.hidden, self.in_body = [], None, 0, False

    def handle_starttag(self, tag, attrs):
        if self.hidden or ("aria-hidden", "true") in attrs:
            self.hidden += tag not in ("br",)
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self.in_body:
            self.cell = ""

    def handle_endtag(self, tag):
        if self.hidden:
            self.hidden -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data):
        if self.cell is not None and not self.hidden:
            self.cell += data


def table_rows(html):
    parser = TableText()
    parser.feed(html)
    return parser.rows


@pytest.fixture
def people(app, courses_dir):
    with app.app_context():
        sync_courses(courses_dir)
        course = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
        first, second = (m.id for m in course.modules)
        cohort = rd.cohort("Spring", course.id)
        ids = {
            "staff": rd.person("Sam Staff", roles=("staff",)),
            "sue": rd.person("Sue Supervisor", roles=("supervisor",)),
            "sam": rd.person("Sam Supervisor", roles=("supervisor",)),
        }
        for name in ("Ann Active", "Ben Begun", "Cat Certified", "Dee Other"):
            ids[name] = rd.person(name)
            rd.enrol(cohort, ids[name])
        rd.progress(ids["Ann Active"], first, passed=True, score=80)
        rd.progress(ids["Ben Begun"], first)
        for module_id in (first, second):
            rd.progress(ids["Cat Certified"], module_id, passed=True, score=100)
        rd.certificate(
            ids["Cat Certified"], course.id, date.today() + timedelta(days=300),
            revoked="Conduct complaint upheld",
        )  # fmt: skip
        rd.supervise(ids["sue"], ids["Ann Active"], ids["Ben Begun"], ids["Cat Certified"])
        rd.supervise(ids["sam"], ids["Dee Other"])
        db.session.commit()
        ids["cohort"] = cohort
    return ids


def as_(client, people, who):
    return sign_in_as(client, people[who])


def test_the_roster_shows_a_supervisors_own_trainees_sorted_with_words(client, people):
    html = as_(client, people, "sue").get("/supervise/").get_data(as_text=True)

    assert len(re.findall(r"<h1[ >]", html)) == 1 and "<h1>My trainees</h1>" in html
    caption = "Showing 1 to 3 of 3 trainees (3 rows), sorted by name (ascending)"
    assert f'<caption id="roster-caption">{caption}</caption>' in html
    assert '<th scope="col" aria-sort="ascending">' in html
    assert html.count("aria-sort=") == 1
    assert [row[0] for row in table_rows(html)] == ["Ann Active", "Ben Begun", "Cat Certified"]
    assert "Dee Other" not in html
    assert [row[2] for row in table_rows(html)] == ["In progress", "In progress", "Revoked"]
    assert '<a href="/supervise/">My trainees</a>' in html
    assert 'role="region" aria-labelledby="roster-caption" tabindex="0"' in html
    assert '<label for="cohort">Cohort</label>' in html
    assert '<label for="status">Status</label>' in html


def test_sort_links_filters_and_the_export_link_carry_the_same_query(client, people):
    cohort = people["cohort"]
    query = f"cohort={cohort}&status=in_progress&sort=percent&dir=desc"

    html = as_(client, people, "sue").get(f"/supervise/?{query}").get_data(as_text=True)

    assert [row[0] for row in table_rows(html)] == ["Ann Active", "Ben Begun"]
    assert [row[3] for row in table_rows(html)] == ["50%", "0%"]
    assert '<th scope="col" aria-sort="descending">' in html
    amp = query.replace("&", "&amp;")
    assert f'href="/supervise/roster.csv?{amp}">Export CSV</a>' in html
    filtered = f"/supervise/?cohort={cohort}&amp;status=in_progress"
    assert f'href="{filtered}&amp;sort=percent&amp;dir=asc"' in html  # reverses the sorted column
    assert f'href="{filtered}&amp;sort=name&amp;dir=asc"' in html
    assert f'<option selected value="{cohort}">Spring</option>' in html
    assert f'href="/supervise/cohorts/{cohort}">This cohort\'s progress by module</a>' in html


def test_a_filter_value_not_offered_is_explained_next_to_its_field(client, people):
    html = as_(client, people, "sue").get("/supervise/?status=lost&cohort=999").get_data(True)

    assert "That status is not in the list. Choose one of the statuses shown." in html
    assert "That cohort is not in the list. Choose one of the cohorts shown." in html
    assert len(table_rows(html)) == 3  # nothing filtered by the values it could not use


def test_the_csv_download_is_exactly_the_table_shown(client, people):
    client = as_(client, people, "sue")
    query = "sort=status&dir=desc"
    html = client.get(f"/supervise/?{query}").get_data(as_text=True)

    response = client.get(f"/supervise/roster.csv?{query}")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert re.fullmatch(
        r'attachment; filename="roster-\d{4}-\d\d-\d\d\.csv"',
        response.headers["Content-Disposition"],
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffName,Course,Status,Percent complete,Last activity,")
    header, *lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(header) == 10
    assert [line[0] for line in lines] == ["Cat Certified", "Ann Active", "Ben Begun"]
    shown = table_rows(html)
    for line in lines:
        if line[4]:  # the page writes dates out in words, the CSV as ISO dates
            line[4] = long_date(date.fromisoformat(line[4]))
        line[6] = re.sub(
            r"\((expires|expired) (\S+)\)",
            lambda m: f"({m[1]} {long_date(date.fromisoformat(m[2]))})",
            line[6],
        )  # fmt: skip
    assert [[cell for cell in line] for line in lines] == shown


def test_the_certificate_column_says_revoked_or_expired_not_expires(app, client, people):
    ended = date.today() - timedelta(days=3)
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == "sample-course"))
        rd.certificate(people["Dee Other"], course_id, ended)
        db.session.commit()
    staff = as_(client, people, "staff")
    cells = {row[0]: row[6] for row in table_rows(staff.get("/supervise/").get_data(as_text=True))}
    assert cells["Cat Certified"] == f"T-{people['Cat Certified']:04d}-{course_id:04d} (revoked)"
    assert cells["Dee Other"] == (
        f"T-{people['Dee Other']:04d}-{course_id:04d} (expired {long_date(ended)})"
    )
    text = staff.get("/supervise/roster.csv").get_data(as_text=True).removeprefix("\ufeff")
    exported = {line[0]: line[6] for line in csv.reader(io.StringIO(text))}
    assert exported["Cat Certified"].endswith(" (revoked)")
    assert exported["Dee Other"].endswith(f" (expired {ended.isoformat()})")


def test_last_activity_is_the_programs_day_on_the_page_and_in_the_csv(app, client, people):
    """Active at 9 PM on November 20 in New York (02:00 UTC on the 21st): both say the 20th."""
    app.config["LMS_TIMEZONE"] = "America/New_York"
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
        at = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
        rd.progress(people["Dee Other"], course.modules[1].id, at=at)
        db.session.commit()
    staff = as_(client, people, "staff")
    cells = {row[0]: row[4] for row in table_rows(staff.get("/supervise/").get_data(as_text=True))}
    assert cells["Dee Other"] == "November 20, 2026"
    text = staff.get("/supervise/roster.csv").get_data(as_text=True).removeprefix("\ufeff")
    exported = {line[0]: line[4] for line in csv.reader(io.StringIO(text))}
    assert exported["Dee Other"] == "2026-11-20"


def test_the_csv_has_the_roster_columns_and_never_hands_a_spreadsheet_a_formula(
    app, client, people
):
    with app.app_context():
        evil = rd.person("=HYPERLINK(evil)", email="evil@example.org")
        rd.enrol(people["cohort"], evil)
        db.session.commit()

    response = as_(client, people, "staff").get("/supervise/roster.csv?sort=name")

    text = response.get_data(as_text=True)
    header, *lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == list(roster.COLUMNS.values())
    assert sorted(line[0] for line in lines) == [
        "'=HYPERLINK(evil)", "Ann Active", "Ben Begun", "Cat Certified", "Dee Other"
    ]  # fmt: skip
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)


def test_the_cohort_picture_writes_every_count_in_words_and_in_a_table(client, people):
    html = as_(client, people, "staff").get(f"/supervise/cohorts/{people['cohort']}").get_data(True)

    assert "<h1>Spring: progress by module</h1>" in html
    assert "4 trainees in this cohort." in html
    assert (
        "Passed: <strong>2</strong> · In progress: <strong>1</strong> · "
        "Not started: <strong>1</strong>"
    ) in html
    assert table_rows(html) == [["1. First Steps", "2", "1", "1"], ["2. Listening", "1", "0", "3"]]
    assert '<svg class="roster-bar" aria-hidden="true"' in html
    assert "Sample Course: the same counts as a table</caption>" in html


def test_a_supervisor_sees_only_their_trainees_in_the_cohort_picture(client, people):
    html = as_(client, people, "sam").get(f"/supervise/cohorts/{people['cohort']}").get_data(True)

    assert "1 trainee of yours in this cohort." in html
    assert table_rows(html) == [["1. First Steps", "0", "0", "1"], ["2. Listening", "0", "0", "1"]]


def test_the_trainee_page_shows_the_record_and_the_private_reason(client, people):
    html = as_(client, people, "sue").get(f"/supervise/trainees/{people['Cat Certified']}")

    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert "<h1>Cat Certified</h1>" in text
    assert "Revoked" in text and "Conduct complaint upheld" in text
    assert "Sue Supervisor: from" in text
    assert "2 of 2 modules passed (100%)" in text


def test_another_supervisor_gets_404_and_the_old_supervisor_too_after_reassignment(
    app, client, people
):
    ann = people["Ann Active"]
    assert as_(client, people, "sam").get(f"/supervise/trainees/{ann}").status_code == 404
    assert as_(client, people, "sam").get("/supervise/trainees/99999").status_code == 404
    assert as_(client, people, "sue").get(f"/supervise/trainees/{ann}").status_code == 200
    with app.app_context():
        supervision.assign_supervisor(ann, people["sam"])

    assert as_(client, people, "sue").get(f"/supervise/trainees/{ann}").status_code == 404
    assert as_(client, people, "sam").get(f"/supervise/trainees/{ann}").status_code == 200
    assert as_(client, people, "staff").get(f"/supervise/trainees/{ann}").status_code == 200
    assert as_(client, people, "staff").get("/supervise/cohorts/99999").status_code == 404


def test_a_trainee_gets_403_and_a_visitor_is_sent_to_sign_in(client, people):
    paths = [
        "/supervise/",
        "/supervise/roster.csv",
        f"/supervise/cohorts/{people['cohort']}",
        f"/supervise/trainees/{people['Ann Active']}",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in?next=" in response.location, path
    as_(client, people, "Ann Active")
    for path in paths:
        assert client.get(path).status_code == 403, path
    assert "My trainees" not in client.get("/dashboard").get_data(as_text=True)
