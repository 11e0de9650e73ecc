"""The staff pages for people, through the test client with CSRF on: finding accounts, roles
(changed only by admins) and reassigning a trainee's supervisor with its history kept."""

import re

import pytest

from lms.extensions import db
from lms.models import AuditEvent, User
from lms.services.people import people
from tests.auth import sign_in
from tests.conftest import csrf_token, sign_in_as
from tests.unit.cohortkit import build_world, count, person


@pytest.fixture
def world(app, courses_dir):
    with app.app_context():
        made = build_world(courses_dir)
        made["tia"] = person("tia@example.org", "Tia Trainee", ["trainee"]).id
        people.reassign(made["tia"], made["sam"], made["staff"])
        return made


def page(response):
    return response.get_data(as_text=True)


def post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_token(page(client.get(path))), **data})


def test_staff_find_people_with_their_roles_and_supervisor(client, world):
    sign_in_as(client, world["staff"])

    everyone = page(client.get("/staff/people"))
    found = page(client.get("/staff/people?q=TIA"))
    nobody = page(client.get("/staff/people?q=zzz"))

    assert "Every account (Showing 1 to 5 of 5 accounts)" in everyone
    row = re.search(r"Tia Trainee</a></th>(.*?)</tr>", found, re.S).group(1)
    assert "tia@example.org" in row and "Trainee" in row and "Sam Supervisor" in row
    assert "Alex Admin" not in found
    assert "No account’s name or email contains “zzz”." in nobody


def test_people_come_a_page_at_a_time(app, client, world):
    with app.app_context():
        for n in range(26):
            person(f"p{n:02d}@example.org", f"Person {n:02d}", ["trainee"])
    sign_in_as(client, world["staff"])

    first = page(client.get("/staff/people?q=person&per=25"))
    link = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', first)
    second = page(client.get(link.group(1).replace("&amp;", "&")))

    assert "Person 24" in first and "Person 25" not in first and "Previous page" not in first
    assert "q=person" in link.group(1) and "per=25" in link.group(1)
    assert "Person 25" in second and "Person 24" not in second
    assert "Showing 26 to 26 of 26 accounts" in second and "Previous page" in second
    assert 'rel="next"' not in second


def test_staff_see_roles_but_cannot_change_them(app, client, world):
    sign_in_as(client, world["staff"])
    path = f"/staff/people/{world['tia']}"

    shown = page(client.get(path))
    refused = post(client, path, {"change": "roles", "roles": ["trainee", "admin"]})

    assert "Only an admin can change roles." in shown and "Save roles" not in shown
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.get(User, world["tia"]).role_names == {"trainee"}
        assert count(AuditEvent, AuditEvent.action == "role.changed") == 0


def test_an_admin_changes_roles_but_not_their_own_admin_role(app, client, world):
    sign_in_as(client, world["admin"])

    changed = post(
        client, f"/staff/people/{world['tia']}", {"change": "roles", "roles": ["trainee", "staff"]}
    )
    saved = page(client.get(changed.headers["Location"]))
    own = post(client, f"/staff/people/{world['admin']}", {"change": "roles", "roles": ["staff"]})

    assert changed.status_code == 302 and "The roles of Tia Trainee are saved." in saved
    assert own.status_code == 422
    assert (
        "You cannot remove your own admin role. If it must go, ask another admin to do it."
        in page(own)
    )
    with app.app_context():
        assert db.session.get(User, world["tia"]).role_names == {"trainee", "staff"}
        assert db.session.get(User, world["admin"]).role_names == {"admin"}
        assert count(AuditEvent, AuditEvent.action == "role.changed") == 1


def test_reassigning_a_supervisor_keeps_the_history_on_the_page(client, world):
    sign_in_as(client, world["staff"])
    path = f"/staff/people/{world['tia']}"

    response = post(client, path, {"change": "supervisor", "supervisor_id": str(world["lee"])})

    assert response.status_code == 302
    shown = page(client.get(path))
    assert (
        "Tia Trainee is now supervised by Lee Supervisor. Sam Supervisor, their supervisor until "
        "now, is kept in the history." in shown
    )
    assert "Lee Supervisor (lee@example.org)</p>" in shown
    history = re.search(r"<h3>History</h3>(.*?)</ol>", shown, re.S).group(1)
    assert re.search(r"Lee Supervisor: from \w+ \d+, \d{4} \(current\)", history)
    assert re.search(r"Sam Supervisor: from \w+ \d+, \d{4} to \w+ \d+, \d{4}", history)


def test_a_first_supervisor_and_the_same_one_again_are_told_as_what_happened(app, client, world):
    with app.app_context():
        una = person("una@example.org", "Una Trainee", ["trainee"]).id
    sign_in_as(client, world["staff"])
    path = f"/staff/people/{una}"

    first = post(client, path, {"change": "supervisor", "supervisor_id": str(world["lee"])})
    shown = page(client.get(path))
    again = post(client, path, {"change": "supervisor", "supervisor_id": str(world["lee"])})
    shown_again = page(client.get(path))

    assert first.status_code == again.status_code == 302
    assert "Una Trainee is now supervised by Lee Supervisor." in shown
    assert "previous one" not in shown
    assert "Lee Supervisor already supervises Una Trainee: nothing changed." in shown_again
    assert "new supervisor" not in shown_again
    with app.app_context():
        assert len(people.person(una).history) == 1


def test_reassigning_to_someone_who_is_not_a_supervisor_is_refused(client, world):
    sign_in_as(client, world["staff"])

    response = post(
        client,
        f"/staff/people/{world['tia']}",
        {"change": "supervisor", "supervisor_id": str(world["staff"])},
    )

    assert response.status_code == 422
    assert "That account is not a supervisor: give it the supervisor role first." in page(response)


def test_an_unknown_person_is_not_found(client, world):
    sign_in_as(client, world["staff"])

    assert client.get("/staff/people/999").status_code == 404


def test_the_staff_tools_page_links_to_cohorts_and_people(client, world):
    sign_in_as(client, world["staff"])

    shown = page(client.get("/staff/"))

    assert 'href="/staff/cohorts"' in shown and 'href="/staff/people"' in shown


def test_an_enrolled_newcomer_signs_in_after_staff_make_them_a_reset_link(app, client, world):
    with app.app_context():
        newcomer = person("nia@example.org", "Nia New", ["trainee"]).id
    sign_in_as(client, world["staff"])
    shown = page(client.get(f"/staff/people/{newcomer}"))
    assert "Make a password reset link for Nia New" in shown

    made = client.post(
        "/staff/reset-link", data={"csrf_token": csrf_token(shown), "email": "nia@example.org"}
    )
    link = re.search(r'<code class="secret">[^<]*(/reset-password/[^<]+)</code>', page(made))[1]
    visitor = app.test_client()
    chosen = post(visitor, link, {"password": "a long walk by the sea"})

    assert chosen.status_code == 302
    assert sign_in(visitor, "nia@example.org", "a long walk by the sea").status_code == 302
