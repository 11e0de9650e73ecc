"""Privacy on the web: a person downloads their data as JSON; only an admin erases a trainee, after
typing ERASE; the certificate then verifies with the holder "No longer available"."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.auth import sign_in
from tests.conftest import csrf_token, sign_in_as
from tests.records import PASSWORD, certify, person, publish

NEW_YORK = ZoneInfo("America/New_York")  # the tests' program zone (LMS_TIMEZONE)
HOLDER = "Ada Lovelace"
EMAIL = "ada.private@example.org"


@pytest.fixture
def people(app, courses_dir):
    with app.app_context():
        course = publish(courses_dir)
        ada = person(EMAIL, HOLDER)
        ids = {
            role: person(f"{role}@example.org", f"{role.title()} Person", role).id
            for role in ("supervisor", "staff", "admin")
        }
        ids["ada"] = ada.id
        ids["code"] = certify(ada, course).code
        return ids


def html(response):
    return response.get_data(as_text=True)


def erase(client, user_id, confirm="ERASE"):
    path = f"/staff/people/{user_id}/erase"
    token = csrf_token(html(client.get(path)))
    return client.post(path, data={"csrf_token": token, "confirm": confirm})


# --- download ------------------------------------------------------------------------------------


def test_a_trainee_downloads_their_data_as_a_json_attachment(client, people):
    sign_in_as(client, people["ada"])
    client.get(f"/credentials/{people['code']}.json")  # the credential is made on first download

    response = client.get("/account/data.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"', disposition)
    assert response.headers["Cache-Control"] == "private, no-store"
    data = json.loads(response.get_data())
    assert (data["account"]["name"], data["account"]["email"]) == (HOLDER, EMAIL)
    # Named for the program's day (New York here) of the moment exported: test_download_names
    exported_on = datetime.fromisoformat(data["exported_at"]).astimezone(NEW_YORK).date()
    assert disposition == f'attachment; filename="my-data-{exported_on.isoformat()}.json"'
    assert [c["code"] for c in data["certificates"]] == [people["code"]]
    [credential] = data["credentials"]
    assert credential["certificate_code"] == people["code"]
    assert credential["id"].endswith(f"/credentials/{people['code']}.json")
    assert "/credentials/status/" in credential["status_list"] and credential["status_index"]
    assert "proof" not in credential and "credentialSubject" not in credential
    assert len(data["progress"]) == 2


def test_the_account_page_links_to_the_download(client, people):
    sign_in_as(client, people["ada"])

    page = html(client.get("/account/password"))

    assert '<a href="/account/data.json" download>Download my data</a>' in page


def test_visitors_are_sent_to_sign_in_for_the_download(client, people):
    response = client.get("/account/data.json")

    assert response.status_code == 302 and "/sign-in?next=" in response.headers["Location"]


# --- erase ---------------------------------------------------------------------------------------


def test_the_confirmation_page_says_what_goes_and_what_stays(client, people):
    sign_in_as(client, people["admin"])

    page = html(client.get(f"/staff/people/{people['ada']}/erase"))

    assert "<h1>Erase an account</h1>" in page and HOLDER in page and EMAIL in page
    assert "public check shows the holder as “No longer available”" in page
    assert "signed credentials stay as they were signed" in page
    assert "only a salted hash of the email" in page
    assert '<label for="confirm">Type ERASE to confirm</label>' in page


@pytest.mark.parametrize("typed", ["", "erase", "yes"])
def test_erasing_needs_the_word_erase(app, client, people, typed):
    sign_in_as(client, people["admin"])

    page = html(erase(client, people["ada"], typed))

    assert 'id="confirm-error"' in page
    assert "Type ERASE in capital letters to confirm." in page
    assert app.test_client().get(f"/verify/{people['code']}.json").get_json()["holder"] == HOLDER


def test_an_admin_erases_a_trainee_and_the_certificate_no_longer_names_them(app, client, people):
    sign_in_as(client, people["admin"])

    response = erase(client, people["ada"])

    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    page = html(client.get("/staff/"))
    assert f"Account #{people['ada']} is erased." in page
    public = app.test_client()
    page = html(public.get(f"/verify/{people['code']}"))
    assert "<dd>No longer available</dd>" in page and "<strong>Valid</strong>" in page
    assert "Ada" not in page and "Lovelace" not in page
    data = public.get(f"/verify/{people['code']}.json").get_json()
    assert data["holder"] is None and data["status"] == "valid"
    assert "Lovelace" not in json.dumps(data)
    audit = html(client.get("/staff/audit?action=trainee.erased"))
    assert audit.count("Erased the personal data of account") == 1


def test_an_erased_trainee_cannot_sign_in_and_their_session_ends(app, client, people):
    trainee = app.test_client()
    sign_in(trainee, EMAIL, PASSWORD)
    assert trainee.get("/account/data.json").status_code == 200
    sign_in_as(client, people["admin"])
    erase(client, people["ada"])

    assert "/sign-in?next=" in trainee.get("/account/data.json").headers["Location"]
    page = html(sign_in(app.test_client(), EMAIL, PASSWORD))
    assert "That email and password do not match. Check them and try again." in page


def test_an_erased_account_shows_no_form_again(client, people):
    sign_in_as(client, people["admin"])
    erase(client, people["ada"])

    page = html(client.get(f"/staff/people/{people['ada']}/erase"))

    assert "This account has already been erased." in page and "Type ERASE" not in page
    assert HOLDER not in page and EMAIL not in page


def test_staff_accounts_are_not_erased(client, people):
    sign_in_as(client, people["admin"])

    page = html(client.get(f"/staff/people/{people['staff']}/erase"))

    assert "This account holds the staff or admin role." in page and "Type ERASE" not in page


def test_a_post_without_the_csrf_token_is_refused(app, client, people):
    sign_in_as(client, people["admin"])

    response = client.post(f"/staff/people/{people['ada']}/erase", data={"confirm": "ERASE"})

    assert response.status_code == 400
    assert app.test_client().get(f"/verify/{people['code']}.json").get_json()["holder"] == HOLDER


@pytest.mark.parametrize("role", ["ada", "supervisor", "staff"])
def test_only_admins_may_erase(app, client, people, role):
    sign_in_as(client, people[role])
    path = f"/staff/people/{people['ada']}/erase"

    assert client.get(path).status_code == 403
    token = csrf_token(html(client.get("/account/password")))
    assert client.post(path, data={"csrf_token": token, "confirm": "ERASE"}).status_code == 403
    assert app.test_client().get(f"/verify/{people['code']}.json").get_json()["holder"] == HOLDER


def test_an_unknown_account_is_404(client, people):
    sign_in_as(client, people["admin"])

    assert client.get("/staff/people/987654/erase").status_code == 404
