"""Staff certificate pages: find, read, revoke and reinstate (CSRF on, staff and admins only), and
the public verification page and JSON that then say "revoked" without the private reason."""

import re
from datetime import UTC, datetime, time, timedelta
from html import unescape

import pytest

from lms.dates import long_date
from tests.conftest import csrf_token, sign_in_as
from tests.records import certificate, certify, person, publish

REASON = "Found to have falsified the supervised practice log."
HOLDER = "Ada Holder"


@pytest.fixture
def people(app, courses_dir):
    with app.app_context():
        course = publish(courses_dir)
        holder = person("ada.private@example.org", HOLDER)
        ids = {
            role: person(f"{role}@example.org", f"{role.title()} Person", role).id
            for role in ("trainee", "supervisor", "staff", "admin")
        }
        ids["code"] = certify(holder, course).code
        return ids


def html(response):
    return response.get_data(as_text=True)


def ask_to_change(client, code, reason=REASON, action="revoke"):
    """The first step: the reason, sent from the certificate's page."""
    token = csrf_token(html(client.get(f"/staff/certificates/{code}")))
    return client.post(
        f"/staff/certificates/{code}/{action}", data={"csrf_token": token, "reason": reason}
    )


def revoke_form(client, code, reason=REASON, action="revoke"):
    """Both steps: the reason, then "Yes" on the page that says what will change (when it is
    shown; a refused reason comes back on the certificate's page instead)."""
    asked = ask_to_change(client, code, reason, action)
    page = html(asked)
    if 'name="confirmed" value="yes"' not in page:
        return asked
    reason_sent = re.search(r'name="reason" value="([^"]*)"', page)[1]
    return client.post(
        f"/staff/certificates/{code}/{action}",
        data={"csrf_token": csrf_token(page), "reason": unescape(reason_sent), "confirmed": "yes"},
    )


def test_staff_find_certificates_with_their_status_in_words(client, people):
    sign_in_as(client, people["staff"])

    page = html(client.get("/staff/certificates"))
    assert "<h1>Certificates</h1>" in page and people["code"] in page
    assert HOLDER in page and "<strong>Valid</strong>" in page

    page = html(client.get("/staff/certificates?q=ada.private"))
    assert people["code"] in page and "Certificates matching “ada.private”" in page
    page = html(client.get("/staff/certificates?q=" + people["code"][-4:]))
    assert people["code"] in page
    page = html(client.get("/staff/certificates?q=nobody"))
    assert "No certificate matches “nobody”." in page


def test_the_staff_tools_page_links_to_certificates_and_the_audit_log(client, people):
    sign_in_as(client, people["staff"])

    page = html(client.get("/staff/"))

    assert 'href="/staff/certificates"' in page and 'href="/staff/audit"' in page


def test_staff_revoke_with_a_reason_and_the_public_check_says_revoked(app, client, people):
    code = people["code"]
    sign_in_as(client, people["staff"])

    response = revoke_form(client, code)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/certificates/{code}"
    page = html(client.get(response.headers["Location"]))
    assert f"Certificate {code} is revoked. The public check now says it is revoked." in page
    assert "<strong>Revoked</strong>" in page and REASON in page
    assert "Reinstate certificate" in page
    with app.app_context():
        assert certificate(code).revoked_reason == REASON

    public = app.test_client()
    page = html(public.get(f"/verify/{code}"))
    assert "<strong>Revoked</strong>" in page and HOLDER in page
    assert REASON not in page and "falsified" not in page
    data = public.get(f"/verify/{code}.json").get_json()
    assert data["status"] == "revoked" and data["holder"] == HOLDER
    assert "reason" not in data and REASON not in str(data)


def test_revoking_first_shows_what_will_change_and_changes_nothing(app, client, people):
    code = people["code"]
    sign_in_as(client, people["staff"])

    response = ask_to_change(client, code)

    page = html(response)
    assert response.status_code == 200
    assert "<title>Revoke certificate " + code + "? ·" in page
    assert "<h1>Revoke this certificate?</h1>" in page
    assert f"The public verification page for {code} will say <strong>Revoked</strong>" in page
    assert "The holder keeps access to their account" in page
    with app.app_context():
        title = certificate(code).title
    assert f"<dt>Certificate</dt><dd>{title}</dd>" in page
    assert HOLDER in page and code in page and REASON in page
    assert f"Yes, revoke certificate {code}</button>" in page
    assert "No, go back without changing anything</button>" in page
    with app.app_context():
        assert certificate(code).revoked_at is None
    assert app.test_client().get(f"/verify/{code}.json").get_json()["status"] == "valid"


def test_going_back_from_the_question_keeps_the_reason_typed_and_changes_nothing(
    app, client, people
):
    code = people["code"]
    sign_in_as(client, people["staff"])
    reason = "Hours <b>not</b> confirmed by the supervisor & the board."
    question = html(ask_to_change(client, code, reason))

    back = client.post(
        f"/staff/certificates/{code}/revoke",
        data={"csrf_token": csrf_token(question), "reason": reason, "confirmed": "back"},
    )

    page = html(back)
    assert (
        back.status_code == 200 and '<h2 id="change-heading">Revoke this certificate</h2>' in page
    )
    textarea = re.search(r"<textarea[^>]*name=\"reason\"[^>]*>(.*?)</textarea>", page, re.S)
    assert unescape(textarea.group(1)).strip() == reason
    assert "Yes, revoke" not in page and 'name="confirmed" value="yes"' not in page
    with app.app_context():
        assert certificate(code).revoked_at is None
    # Sent again from there, it asks again before revoking.
    again = client.post(
        f"/staff/certificates/{code}/revoke",
        data={"csrf_token": csrf_token(page), "reason": reason, "confirmed": ""},
    )
    assert "<h1>Revoke this certificate?</h1>" in html(again)
    with app.app_context():
        assert certificate(code).revoked_at is None


def test_staff_are_told_who_can_read_the_reason_before_they_write_it(app, client, people):
    """The reason is never public, but not for staff alone: the holder's supervisors see a
    reason for revoking on their record of the holder, and the holder sees both reasons in the
    download of their own data. Staff are told so before they write it."""
    code = people["code"]
    sign_in_as(client, people["staff"])
    revoking = "the holder’s supervisors and the holder (in the download of their own data)"
    reinstating = "staff and the holder (in the download of their own data) can read it"
    confirm_reinstating = "and so can the holder (in the download of their own data)."

    page = unescape(html(client.get(f"/staff/certificates/{code}")))
    assert revoking in page and "Staff see it; the public never does." not in page
    question = unescape(html(ask_to_change(client, code)))
    assert revoking in question and "The reason stays private" not in question
    revoke_form(client, code)
    page = unescape(html(client.get(f"/staff/certificates/{code}")))
    assert reinstating in page and "supervisors" not in page
    question = unescape(html(ask_to_change(client, code, "Checked again.", "reinstate")))
    assert confirm_reinstating in question and "supervisors" not in question


def test_reinstating_also_asks_first(app, client, people):
    code = people["code"]
    sign_in_as(client, people["staff"])
    revoke_form(client, code)

    page = html(ask_to_change(client, code, "Checked again.", "reinstate"))

    assert "<h1>Reinstate this certificate?</h1>" in page
    assert "will stop saying it is revoked" in page
    with app.app_context():
        assert certificate(code).revoked_at is not None


def test_reinstating_an_expired_certificate_does_not_promise_it_becomes_valid(
    app, client, people, clock
):
    code = people["code"]
    with app.app_context():
        expires_on = certificate(code).expires_on
    clock.freeze(datetime.combine(expires_on, time(9), tzinfo=UTC))  # its expiry date
    sign_in_as(client, people["staff"])
    revoke_form(client, code)
    expired = (
        f"It stays expired: its expiry date, {long_date(expires_on)}, has passed. The public "
        "check will say it expired, no longer that it is revoked."
    )

    page = html(client.get(f"/staff/certificates/{code}"))
    assert expired in page and "becomes valid again" not in page
    page = html(ask_to_change(client, code, "Checked again.", "reinstate"))
    assert "<h1>Reinstate this certificate?</h1>" in page
    assert expired in page and "becomes valid again" not in page

    clock.freeze(datetime.combine(expires_on - timedelta(days=1), time(9), tzinfo=UTC))
    sign_in_as(client, people["staff"])
    page = html(ask_to_change(client, code, "Checked again.", "reinstate"))
    assert f"The certificate becomes valid again until {long_date(expires_on)}." in page


def test_admins_may_revoke_too(client, people):
    sign_in_as(client, people["admin"])

    assert revoke_form(client, people["code"]).status_code == 302


def test_a_reason_is_required_and_shown_next_to_the_field(app, client, people):
    sign_in_as(client, people["staff"])

    response = revoke_form(client, people["code"], reason="   ")

    page = html(response)
    assert response.status_code == 200
    assert 'id="reason-error"' in page
    assert "Give a reason: it is kept in the audit log, never shown publicly." in page
    with app.app_context():
        assert certificate(people["code"]).revoked_at is None


def test_a_reason_longer_than_1000_characters_is_refused(app, client, people):
    sign_in_as(client, people["staff"])

    page = html(revoke_form(client, people["code"], reason="x" * 1001))

    assert "Shorten the reason to 1000 characters or fewer." in page
    with app.app_context():
        assert certificate(people["code"]).revoked_at is None


def test_revoking_twice_says_it_is_already_revoked(client, people):
    sign_in_as(client, people["staff"])
    stale = csrf_token(html(client.get(f"/staff/certificates/{people['code']}")))
    revoke_form(client, people["code"])

    response = client.post(
        f"/staff/certificates/{people['code']}/revoke",
        data={"csrf_token": stale, "reason": "Again."},
    )

    assert "<strong>Error:</strong> This certificate is already revoked." in html(response)


def test_staff_reinstate_and_the_history_shows_both_reasons(app, client, people):
    code = people["code"]
    sign_in_as(client, people["staff"])
    revoke_form(client, code)

    response = revoke_form(client, code, "Checked again: the log is genuine.", "reinstate")

    page = html(client.get(response.headers["Location"]))
    assert f"Certificate {code} is reinstated." in page
    assert "<strong>Valid</strong>" in page and "Revoke certificate" in page
    history = page.split('id="history-heading"')[1]
    assert history.index("Certificate reinstated") < history.index("Certificate revoked")
    assert history.index("Certificate revoked") < history.index("Certificate issued")
    assert "Checked again: the log is genuine." in history and REASON in history
    assert "by Staff Person" in history
    with app.app_context():
        assert certificate(code).revoked_at is None
    assert app.test_client().get(f"/verify/{code}.json").get_json()["status"] == "valid"


def test_a_post_without_the_csrf_token_is_refused(app, client, people):
    sign_in_as(client, people["staff"])

    response = client.post(f"/staff/certificates/{people['code']}/revoke", data={"reason": REASON})

    assert response.status_code == 400
    with app.app_context():
        assert certificate(people["code"]).revoked_at is None


@pytest.mark.parametrize("role", ["trainee", "supervisor"])
def test_trainees_and_supervisors_get_403(app, client, people, role):
    code = people["code"]
    sign_in_as(client, people[role])

    assert client.get("/staff/certificates").status_code == 403
    assert client.get(f"/staff/certificates/{code}").status_code == 403
    token = csrf_token(html(client.get("/account/password")))
    for action in ("revoke", "reinstate"):
        response = client.post(
            f"/staff/certificates/{code}/{action}", data={"csrf_token": token, "reason": REASON}
        )
        assert response.status_code == 403
    with app.app_context():
        assert certificate(code).revoked_at is None


def test_visitors_are_sent_to_sign_in(client, people):
    response = client.get(f"/staff/certificates/{people['code']}")

    assert response.status_code == 302 and "/sign-in?next=" in response.headers["Location"]


def test_an_unknown_or_mistyped_code_is_404(client, people):
    sign_in_as(client, people["staff"])

    assert client.get("/staff/certificates/PSF-0000-0000-0000").status_code == 404
    assert client.get("/staff/certificates/NONSENSE").status_code == 404


def test_a_code_typed_another_way_redirects_to_the_printed_form(client, people):
    sign_in_as(client, people["staff"])

    response = client.get(f"/staff/certificates/{people['code'].lower()}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/certificates/{people['code']}"
