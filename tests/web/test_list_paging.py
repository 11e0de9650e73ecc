"""Every long staff and supervisor list pages by keyset cursor (issue 13): Next and Previous keep
the filters and the sort, a changed or foreign cursor starts again at page 1 with a message, the
last page has no Next, an empty list says so, each CSV streams every filtered row, and a page runs
the same few statements wherever it is in the list."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import insert

from lms import clock
from lms.extensions import db
from lms.models import AuditEvent
from lms.services import audit
from lms.services.keyset import COUNT_CAP
from lms.web.paging import BAD_CURSOR
from tests import roster_data as rd
from tests.conftest import sign_in_as
from tests.statements import count_statements

TRAINEES = 55  # more than a page of 50
BOUND = 16  # statements for one page of any list, however long the list

TRAINEE_LINK = r'<th scope="row"><a href="/supervise/trainees/\d+">([^<]+)</a>'
LISTS = {
    # name: (who looks, the list's address with a filter and sort, what names a row, what its
    # page links are called for screen readers)
    "people": (
        "staff", "/staff/people?q=trainee", r'<a href="/staff/people/\d+">([^<]+)</a>',
        "People pages",
    ),
    "audit": (
        "staff", "/staff/audit?action=course.synced", r"<strong>[^<]+</strong><br>([^<]+)",
        "Audit log pages",
    ),
    "certificates": (
        "staff", "/staff/certificates?q=trainee", r'class="certificate-code" href="[^"]+">([^<]+)<',
        "Certificate pages",
    ),
    "renewals": (
        "staff", "/staff/renewals?view=due&dir=desc&cohort={cohort}", TRAINEE_LINK,
        "Renewal pages",
    ),
    "roster": (
        "staff", "/supervise/?cohort={cohort}&sort=email&dir=desc", TRAINEE_LINK, "Roster pages"
    ),
    # Filtered by a computed status (a WHERE on the status computed in SQL; every trainee of
    # "Main" holds a certificate expiring within 60 days) ...
    "roster-status": (
        "staff", "/supervise/?cohort={cohort}&status=expiring&sort=name&dir=desc", TRAINEE_LINK,
        "Roster pages",
    ),
    # ... and sorted by a computed column (the rows' keys in SQL, a page of rows).
    "roster-computed": (
        "staff", "/supervise/?cohort={cohort}&sort=certificate&dir=desc", TRAINEE_LINK,
        "Roster pages",
    ),
    "hours": ("sue", "/supervise/hours", r'<h2 id="review-(\d+)-heading">', "Review queue pages"),
}  # fmt: skip


@pytest.fixture
def world(app):
    """55 trainees in cohort "Main" supervised by Sue, each with a certificate due within 90
    days and a session waiting for review; 3 more in another cohort with another supervisor;
    55 "course.synced" audit events and 3 others."""
    with app.app_context():
        ids = {
            "staff": rd.person("Sam Staff", roles=("staff",)),
            "sue": rd.person("Sue Supervisor", roles=("supervisor",)),
            "sid": rd.person("Sid Supervisor", roles=("supervisor",)),
        }
        course_id, _ = rd.bulk_course(modules=2)
        ids["cohort"] = rd.cohort("Main", course_id)
        other = rd.cohort("Other", course_id)
        today = clock.today()
        for n in range(TRAINEES + 3):
            main = n < TRAINEES
            name = f"Trainee {n:03d}" if main else f"Outsider {n:03d}"
            trainee = rd.person(name)
            rd.enrol(ids["cohort"] if main else other, trainee)
            rd.supervise(ids["sue"] if main else ids["sid"], trainee)
            due = today + timedelta(days=1 + n % 80)
            rd.certificate(trainee, course_id, due, code=f"C-{n:04d}")
            rd.practice(trainee, 1, status="pending")
            audit.record("course.synced" if main else "role.changed", f"event {n:03d}")
        db.session.commit()
    return ids


def html(response):
    assert response.status_code == 200
    return response.get_data(as_text=True)


def address(world, name, per=5):
    who, url, _, _ = LISTS[name]
    url = url.format(cohort=world["cohort"])
    return who, f"{url}{'&' if '?' in url else '?'}per={per}"


def shown(name, page):
    return re.findall(LISTS[name][2], page)


def link(page, rel):
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return found.group(1).replace("&amp;", "&") if found else None


def walk(client, url):
    """Every page from the first, following Next: [(address, html)]."""
    pages = [(url, html(client.get(url)))]
    while (following := link(pages[-1][1], "next")) is not None:
        pages.append((following, html(client.get(following))))
        assert len(pages) < 50, "the Next links never end"
    return pages


@pytest.mark.parametrize("name", LISTS)
def test_next_and_previous_walk_the_whole_filtered_list_keeping_its_query(client, world, name):
    who, url = address(world, name)
    sign_in_as(client, world[who])

    pages = walk(client, url)

    rows = [row for _, page in pages for row in shown(name, page)]
    assert len(rows) == TRAINEES and len(set(rows)) == TRAINEES  # each row once, none left out
    assert not any("Outsider" in row or row.endswith(("055", "056", "057")) for row in rows)
    first, second, last = pages[0][1], pages[1][1], pages[-1][1]
    assert len(shown(name, first)) == 5 and link(first, "prev") is None
    assert f'<nav class="records-pages" aria-label="{LISTS[name][3]}">' in first
    assert "Showing 1 to 5" in first
    assert "Showing 6 to 10" in second
    assert "Showing 51 to 55" in last and link(last, "next") is None
    query = url.split("?", 1)[1] if "?" in url else ""
    for following, _ in pages[1:]:  # every link keeps the filters, the sort and the page size
        for part in query.split("&"):
            assert part in following
    back = html(client.get(link(second, "prev")))
    assert shown(name, back) == shown(name, first) and link(back, "prev") is None
    back_from_last = html(client.get(link(last, "prev")))
    assert shown(name, back_from_last) == shown(name, pages[-2][1])


@pytest.mark.parametrize("name", LISTS)
def test_a_changed_or_foreign_cursor_gives_the_first_page_and_says_why(client, world, name):
    who, url = address(world, name)
    sign_in_as(client, world[who])
    first = html(client.get(url))
    token = re.search(r"after=([^&\"]+)", link(first, "next")).group(1)

    for bad in ("nonsense", token[:-3] + "abc", "W10.sig"):
        page = html(client.get(f"{url}&after={bad}"))
        assert shown(name, page) == shown(name, first)
        assert BAD_CURSOR.replace("’", "&#39;") in page or BAD_CURSOR in page


def test_a_cursor_from_another_list_or_another_sort_is_refused(client, world):
    sign_in_as(client, world["staff"])
    people = html(client.get("/staff/people?per=5"))
    token = re.search(r"after=([^&\"]+)", link(people, "next")).group(1)
    roster = html(client.get("/supervise/?sort=name&per=5"))
    by_name = re.search(r"after=([^&\"]+)", link(roster, "next")).group(1)

    certificates = html(client.get(f"/staff/certificates?after={token}"))
    by_email = html(client.get(f"/supervise/?sort=email&per=5&after={by_name}"))

    assert BAD_CURSOR in certificates and "Showing 1 to" in certificates
    assert BAD_CURSOR in by_email and "Showing 1 to 5" in by_email


@pytest.mark.parametrize(
    "url, words",
    [
        ("/staff/people?q=zzz", "No account’s name or email contains “zzz”."),
        ("/staff/audit?person=nobody@example.org", "No events match these filters."),
        ("/staff/certificates?q=zzz", "No certificate matches “zzz”."),
        ("/staff/renewals?view=expired", "No certificates are expired in the last 12 months"),
        ("/supervise/?status=revoked", "No trainees match these filters."),
    ],
)
def test_an_empty_list_says_so_without_paging_links(client, world, url, words):
    sign_in_as(client, world["staff"])
    page = html(client.get(url))
    assert words in page
    assert link(page, "next") is None and link(page, "prev") is None


def test_an_empty_queue_of_hours_says_so(client, world, app):
    with app.app_context():
        nobody = rd.person("Nia Newsupervisor", roles=("supervisor",))
        db.session.commit()
    sign_in_as(client, nobody)
    page = html(client.get("/supervise/hours"))
    assert "No hours are waiting for your review." in page and link(page, "next") is None


def test_a_count_past_the_cap_says_more_than_the_cap(app, client):
    """Counting stops at keyset.COUNT_CAP: one row past it, the page says "more than"."""
    with app.app_context():
        staff = rd.person("Sam Staff", roles=("staff",))
        events = [{"action": "course.synced", "summary": f"event {n}"} for n in range(COUNT_CAP)]
        db.session.execute(insert(AuditEvent), events)
        db.session.commit()
    sign_in_as(client, staff)
    url = "/staff/audit?action=course.synced&per=5"

    at_the_cap = html(client.get(url))
    with app.app_context():
        audit.record("course.synced", "one more")
        db.session.commit()
    past_it = html(client.get(url))

    assert f"Showing 1 to 5 of {COUNT_CAP:,} events." in at_the_cap
    assert f"Showing 1 to 5 of more than {COUNT_CAP:,} events." in past_it
    assert "1,001" not in past_it


def test_per_is_kept_within_bounds(client, world):
    sign_in_as(client, world["staff"])
    assert len(shown("people", html(client.get("/staff/people?per=0")))) == 1
    assert len(shown("people", html(client.get("/staff/people?per=x")))) == 50
    everyone = html(client.get("/staff/people?per=9999"))  # at most 200: all 61 here
    assert len(shown("people", everyone)) == 61 and "Showing 1 to 61 of 61 accounts" in everyone


CSVS = {
    "/staff/people.csv?q=trainee": "Name",
    "/staff/audit.csv?action=course.synced": "When (UTC)",
    "/staff/certificates.csv?q=trainee": "Code",
    "/staff/renewals.csv?cohort={cohort}": "Name",
    "/supervise/roster.csv?cohort={cohort}&sort=email": "Name",
    "/supervise/roster.csv?cohort={cohort}&sort=status&dir=desc": "Name",
}


@pytest.mark.parametrize("url", CSVS)
def test_each_csv_streams_every_filtered_row(client, world, url):
    sign_in_as(client, world["staff"])

    response = client.get(url.format(cohort=world["cohort"]))

    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    header, *lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header[0] == CSVS[url]
    assert len(lines) == TRAINEES  # more than a page: the whole filtered set
    assert "Outsider" not in text and "role.changed" not in text


@pytest.mark.parametrize("sort", ["email", "certificate"])
def test_the_roster_csv_follows_the_pages_order(client, world, sort):
    sign_in_as(client, world["staff"])
    url = f"/supervise/?cohort={world['cohort']}&sort={sort}&dir=desc&per=5"
    shown_names = [row for _, page in walk(client, url) for row in shown("roster", page)]

    text = client.get(f"/supervise/roster.csv?cohort={world['cohort']}&sort={sort}&dir=desc")

    lines = list(csv.reader(io.StringIO(text.get_data(as_text=True).removeprefix("\ufeff"))))
    assert [line[0] for line in lines[1:]] == shown_names


@pytest.mark.parametrize("name", LISTS)
def test_a_deep_page_runs_as_few_statements_as_the_first(app, client, world, name):
    who, url = address(world, name)
    sign_in_as(client, world[who])
    pages = walk(client, url)

    counts = [
        count_statements(app, lambda address=address: client.get(address))
        for address in (pages[0][0], pages[5][0], pages[-1][0])
    ]

    assert counts[0] == counts[1] == counts[2] <= BOUND, counts
