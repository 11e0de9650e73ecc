"""The staff pages for cohorts and people, through the test client with CSRF on: creating a
cohort, enrolling and removing, importing a CSV file (preview, then confirm), roles and
supervisors, and who may open them."""

import html
import io
import re

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Enrolment, User
from lms.services.people import cohorts, supervision
from tests.conftest import csrf_token, sign_in_as
from tests.unit.cohortkit import build_world, count, person


@pytest.fixture
def world(app, courses_dir):
    with app.app_context():
        return build_world(courses_dir)


def page(response):
    return response.get_data(as_text=True)


def token(client, path):
    return csrf_token(page(client.get(path)))


def post(client, path, data, form_page=None, **kwargs):
    return client.post(
        path, data={"csrf_token": token(client, form_page or path), **data}, **kwargs
    )


def enrol(cohort_id, email, name):
    cohorts.enrol(cohort_id, email, name)


def staff(client, world, who="staff"):
    return sign_in_as(client, world[who])


def upload(client, cohort_id, content, name="cohort.csv"):
    path = f"/staff/cohorts/{cohort_id}/import"
    data = {"file": (io.BytesIO(content), name), "csv_text": ""}
    return post(client, path, data, content_type="multipart/form-data")


def test_staff_create_a_cohort_and_see_the_rules_next_to_the_fields(app, client, world):
    staff(client, world)
    course = str(world["course"])

    refused = post(
        client,
        "/staff/cohorts",
        {"name": "Spring 2027", "starts_on": "2027-05-01", "ends_on": "2027-04-01"},
    )
    made = post(
        client,
        "/staff/cohorts",
        {"name": "Autumn 2027", "starts_on": "2027-09-01", "ends_on": "", "course_ids": course},
    )

    text = page(refused)
    assert refused.status_code == 422
    assert "A cohort called “Spring 2027” already exists. Choose another name." in text
    assert "The end date is before the start date. Enter a later end date." in text
    assert "Choose at least one published course." in text
    assert made.status_code == 302
    shown = page(client.get(made.headers["Location"]))
    assert "<h1>Autumn 2027</h1>" in shown and "September 1, 2027 to no end date" in shown
    listing = page(client.get("/staff/cohorts"))
    assert "Autumn 2027" in listing and "Spring 2027" in listing and "March 1, 2027" in listing


def test_a_date_that_is_not_a_date_is_named(client, world):
    staff(client, world)

    response = post(client, "/staff/cohorts", {"name": "X", "starts_on": "next week"})

    assert "Enter a date such as 2027-03-01 (year, month, day)." in page(response)


def test_enrol_one_person_then_remove_them(app, client, world):
    staff(client, world)
    cohort = f"/staff/cohorts/{world['cohort']}"

    missing_name = post(client, cohort + "/enrol", {"email": "nia@example.org"}, cohort)
    enrolled = post(
        client,
        cohort + "/enrol",
        {"email": "nia@example.org", "name": "Nia New", "supervisor_email": "sam@example.org"},
        cohort,
    )

    assert missing_name.status_code == 422
    assert "A name is needed to create an account for nia@example.org." in page(missing_name)
    assert enrolled.status_code == 302
    shown = page(client.get(cohort))
    assert "Nia New is enrolled, with a new account." in shown
    assert "nia@example.org" in shown and "Sam Supervisor" in shown
    with app.app_context():
        nia = db.session.scalar(select(User.id).where(User.email == "nia@example.org"))

    removed = post(client, f"{cohort}/members/{nia}/remove", {}, cohort)

    assert removed.status_code == 302
    shown = page(client.get(cohort))
    assert "Nia New is no longer in Spring 2027." in shown and "Nobody is enrolled yet." in shown


MEMBER_LINK = r'<th scope="row"><a href="/staff/people/\d+">([^<]+)</a></th>'


def next_or_previous(text, rel):
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', text)
    return html.unescape(found.group(1)) if found else None


def test_the_members_list_pages_one_at_a_time_by_name(app, client, world):
    with app.app_context():
        for email, name in [
            ("c@example.org", "cy Last"),
            ("a@example.org", "Bo Middle"),
            ("b@example.org", "Al First"),
            ("d@example.org", "bo middle"),
        ]:
            enrol(world["cohort"], email, name)  # fmt: skip
    staff(client, world)
    cohort = f"/staff/cohorts/{world['cohort']}"

    pages = [page(client.get(f"{cohort}?per=1"))]
    while (following := next_or_previous(pages[-1], "next")) is not None:
        assert following.startswith(cohort + "?") and "per=1" in following
        pages.append(page(client.get(following)))
        assert len(pages) < 10, "the Next links never end"
    back = [pages[-1]]
    while (earlier := next_or_previous(back[0], "prev")) is not None:
        back.insert(0, page(client.get(earlier)))

    order = ["Al First", "Bo Middle", "bo middle", "cy Last"]  # by name, then account
    assert [re.findall(MEMBER_LINK, text) for text in pages] == [[name] for name in order]
    assert [re.findall(MEMBER_LINK, text) for text in back] == [[name] for name in order]
    assert all("Trainees (4)" in text for text in pages)
    assert "Showing 2 to 2 of 4 trainees" in pages[1]
    assert next_or_previous(pages[0], "prev") is None
    tampered = page(client.get(next_or_previous(pages[0], "next")[:-3] + "abc"))
    assert re.findall(MEMBER_LINK, tampered) == ["Al First"]
    assert "That page link is out of date or was changed" in tampered

    with app.app_context():  # someone not on the first page can be removed from it
        last = db.session.scalar(select(User.id).where(User.email == "c@example.org"))
    removed = post(client, f"{cohort}/members/{last}/remove", {}, f"{cohort}?per=1")
    assert removed.status_code == 302
    assert "cy Last is no longer in Spring 2027." in page(client.get(cohort))


def test_an_uploaded_file_with_bad_rows_shows_each_error_by_its_row_and_no_import_button(
    app, client, world
):
    staff(client, world)
    content = (
        b"name,email,supervisor_email\n"
        b"Ann,ann@example.org,sam@example.org\n"
        b"Bad,dana@,\n"
        b"Ray,ray@example.org,x@y.org\n"
    )

    response = upload(client, world["cohort"], content)

    text = html.unescape(page(response))
    assert response.status_code == 200
    assert "2 rows have errors." in text
    row = re.search(
        r"<tr class=\"cohorts-row-error\">\s*<th scope=\"row\" id=\"line-3\">3</th>(.*?)</tr>",
        text,
        re.S,
    )
    assert row and "line 3: 'dana@' is not an email address" in row.group(1)
    row = re.search(r"<th scope=\"row\" id=\"line-4\">4</th>(.*?)</tr>", text, re.S)
    assert "line 4: no supervisor has the email 'x@y.org'" in row.group(1)
    assert "Import " not in re.sub(r"<h1>.*?</h1>|<title>.*?</title>", "", text)
    assert "/import/confirm" not in text
    with app.app_context():
        assert count(User, User.email == "ann@example.org") == 0


def test_an_uploaded_file_with_errors_comes_back_as_text_to_fix_and_check_again(app, client, world):
    staff(client, world)
    content = b"name,email,supervisor_email\nAnn,ann@example.org,\nBad,dana@,\n"

    first = upload(client, world["cohort"], content)

    text = page(first)
    assert "The file's text is in the box below: fix the rows there" in html.unescape(text)
    box = re.search(r'<textarea[^>]*name="csv_text"[^>]*>(.*?)</textarea>', text, re.S)
    assert html.unescape(box.group(1)).strip() == content.decode().strip()
    fixed = html.unescape(box.group(1)).replace("dana@,", "dana@example.org,")
    again = post(client, f"/staff/cohorts/{world['cohort']}/import", {"csv_text": fixed})
    assert "/import/confirm" in page(again) and "fix the rows there" not in page(again)


def test_a_file_that_is_not_text_is_named(client, world):
    staff(client, world)

    response = upload(client, world["cohort"], "name,email\n".encode("utf-16"))

    assert "The file is not UTF-8 text." in page(response)


def test_choosing_no_file_and_pasting_nothing_is_named(client, world):
    staff(client, world)

    response = post(client, f"/staff/cohorts/{world['cohort']}/import", {"csv_text": "  "})

    assert response.status_code == 422
    assert "Choose a CSV file to upload, or paste its text." in page(response)


def test_a_clean_preview_then_confirm_imports_every_row(app, client, world):
    staff(client, world)
    content = (
        "name,email,supervisor_email\n"
        "Ann Lee,ann@example.org,sam@example.org\n"
        "Bo Brown,bo@example.org,\n"
    )

    preview = page(upload(client, world["cohort"], content.encode()))
    assert "2 rows: 2 new accounts, 0 existing accounts, 0 already in this cohort" in preview
    assert ">Import 2 trainees</button>" in preview
    carried = html.unescape(re.search(r'name="csv_text" type="hidden" value="([^"]*)"', preview)[1])
    assert carried == content
    confirmed = client.post(
        f"/staff/cohorts/{world['cohort']}/import/confirm",
        data={"csrf_token": csrf_token(preview), "csv_text": carried},
    )

    assert confirmed.status_code == 302
    shown = page(client.get(confirmed.headers["Location"]))
    assert (
        "Imported 2 trainees into Spring 2027: 2 with a new account, 0 with an existing one."
        in (shown)
    )
    assert "Ann Lee" in shown and "Bo Brown" in shown
    with app.app_context():
        assert count(Enrolment) == 2
        ann = db.session.scalar(select(User.id).where(User.email == "ann@example.org"))
        assert supervision.current_supervisor_id(ann) == world["sam"]


def test_confirming_a_text_that_has_gone_bad_imports_nothing_and_shows_why(app, client, world):
    staff(client, world)
    text = "name,email,supervisor_email\nAnn,ann@example.org,\nBad,bad@,\n"

    response = post(
        client,
        f"/staff/cohorts/{world['cohort']}/import/confirm",
        {"csv_text": text},
        form_page=f"/staff/cohorts/{world['cohort']}/import",
    )

    shown = html.unescape(page(response))
    assert response.status_code == 422
    assert "Nothing was imported: the file has problems. Correct them and check it again." in shown
    assert "line 3: 'bad@' is not an email address" in shown
    with app.app_context():
        assert count(Enrolment) == 0


def test_a_pasted_file_is_previewed_too(client, world):
    staff(client, world)
    text = "email,name,supervisor_email\nann@example.org,Ann,\n"

    response = post(client, f"/staff/cohorts/{world['cohort']}/import", {"csv_text": text})

    assert ">Import 1 trainee</button>" in page(response)


STAFF_PAGES = ["/staff/cohorts", "/staff/cohorts/{cohort}", "/staff/cohorts/{cohort}/import",
               "/staff/people", "/staff/people/{sam}"]  # fmt: skip


@pytest.mark.parametrize("path", STAFF_PAGES)
@pytest.mark.parametrize("who", ["trainee", "sam"])
def test_trainees_and_supervisors_may_not_open_the_staff_pages(app, client, world, path, who):
    if who == "trainee":
        with app.app_context():
            world["trainee"] = person("tia@example.org", "Tia", ["trainee"]).id
    sign_in_as(client, world[who])

    assert client.get(path.format(**world)).status_code == 403


def test_a_trainee_cannot_enrol_or_import_by_posting(app, client, world):
    with app.app_context():
        trainee = person("tia@example.org", "Tia", ["trainee"]).id
    sign_in_as(client, trainee)
    tok = token(client, "/")

    enrol = client.post(
        f"/staff/cohorts/{world['cohort']}/enrol",
        data={"csrf_token": tok, "email": "tia@example.org"},
    )
    confirm = client.post(
        f"/staff/cohorts/{world['cohort']}/import/confirm",
        data={"csrf_token": tok, "csv_text": "name,email,supervisor_email\nA,a@example.org,\n"},
    )

    assert (enrol.status_code, confirm.status_code) == (403, 403)
    with app.app_context():
        assert count(Enrolment) == 0
