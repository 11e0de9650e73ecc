"""Signed credentials end to end, with the real issuing (no hand-made credentials): a trainee
earns a certificate, its credential is downloaded from /credentials/<code>.json, and that same
file is checked three ways (verify_file, the /verify/credential page, `lms credentials verify`)
as staff revoke and reinstate it, the holder renews, the key is rotated and the clock passes its
validUntil. The three must always agree, in the same words."""

import html as entities
import io
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from lms import clock as the_clock
from lms.services.credentials import verifying
from tests.conftest import csrf_token, sign_in_as
from tests.credentialkit import issuer  # noqa: F401  (a fixture)
from tests.records import certify, person, publish
from tests.renewalkit import at, ce, course_with_rule, holder
from tests.web.test_staff_certificates import revoke_form

NEW_YORK = ZoneInfo("America/New_York")  # the program's time zone in the tests
ISSUED = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)  # the sample course is valid 12 months
VALID = (
    "This credential is valid: Signed by Peer Support Academy, not altered, "
    "expires on November 21, 2027, not revoked."
)
REVOKED = "This credential is not valid: revoked."
EXPIRED = "This credential is not valid: expired on November 21, 2027."


@pytest.fixture
def earned(app, issuer, courses_dir, clock):  # noqa: F811
    """A trainee's certificate issued at ISSUED, and a staff member."""
    clock.freeze(ISSUED)
    with app.app_context():
        course = publish(courses_dir)
        trainee = person("ada.private@example.org", "Ada Private")
        staff = person("pat@example.org", "Pat Staff", "staff")
        return {"code": certify(trainee, course).code, "staff": staff.id}


def download(client, code):
    response = client.get(f"/credentials/{code}.json")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.data


def page_text(response):
    words = entities.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    return " ".join(words.split())


def checked(app, runner, data):
    """The summary from verify_file, the page and the command, which must be the same; returns
    (summary, the page's words, the command's exit code)."""
    with app.app_context():
        result = verifying.verify_file(data, app.config, the_clock.now())
    assert result.ours

    visitor = app.test_client()  # a verifier with no account
    token = csrf_token(visitor.get("/verify/credential").get_data(as_text=True))
    page = visitor.post(
        "/verify/credential",
        data={"csrf_token": token, "file": (io.BytesIO(data), "certificate.credential.json")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    text = page_text(page)
    assert result.summary in text
    assert "Issuer Peer Support Academy (this site)" in text

    command = runner.invoke(args=["credentials", "verify", "-"], input=data)
    assert command.output.splitlines()[-1] == result.summary, command.output
    assert (command.exit_code == 0) == (result.verdict == verifying.VALID)
    return result.summary, text, command.exit_code


def test_a_downloaded_credential_is_valid_everywhere_before_its_list_was_ever_served(
    app, client, runner, earned
):
    data = download(client, earned["code"])

    summary, text, exit_code = checked(app, runner, data)

    # the status list was never fetched: the verifier reads it as served all the same
    assert summary == VALID and exit_code == 0
    assert "Result: Valid" in text
    assert "Passed: Revocation: not revoked" in text
    assert "Achievement Sample Certificate" in text
    assert "Awarded to No name in the credential" in text  # the holder's name is not in it


def test_staff_revoke_then_reinstate_and_the_same_file_follows(app, client, runner, earned):
    data = download(client, earned["code"])
    staff = app.test_client()
    sign_in_as(staff, earned["staff"])

    assert revoke_form(staff, earned["code"]).status_code == 302
    summary, text, exit_code = checked(app, runner, data)

    assert summary == REVOKED and exit_code == 1
    assert "Result: Not valid" in text and "Failed: Revocation: revoked" in text

    reason = "The practice log was checked again and is sound."
    assert revoke_form(staff, earned["code"], reason, "reinstate").status_code == 302
    assert checked(app, runner, data)[0] == VALID
    assert download(client, earned["code"]) == data  # the file itself never changes


def test_after_a_key_rotation_the_old_credential_still_verifies(app, client, runner, earned):
    data = download(client, earned["code"])

    rotated = runner.invoke(args=["keys", "generate"])

    assert rotated.exit_code == 0, rotated.output
    assert checked(app, runner, data)[0] == VALID


@pytest.mark.parametrize(
    ("moment", "summary", "page_status"),
    [
        (datetime(2027, 11, 19, 12, 0, tzinfo=NEW_YORK), VALID, "valid"),  # the day before
        # Already November 21 in UTC (the old credentials' midnight), still the 20th in New York
        (datetime(2027, 11, 20, 19, 30, tzinfo=NEW_YORK), VALID, "valid"),
        (datetime(2027, 11, 20, 23, 0, tzinfo=NEW_YORK), VALID, "valid"),  # its last day, 11 PM
        (datetime(2027, 11, 20, 23, 59, 59, tzinfo=NEW_YORK), VALID, "valid"),
        (datetime(2027, 11, 21, 0, 0, tzinfo=NEW_YORK), EXPIRED, "expired"),  # midnight there
        (datetime(2027, 11, 21, 0, 0, 1, tzinfo=NEW_YORK), EXPIRED, "expired"),
    ],
)
def test_the_credential_and_the_certificates_page_end_at_the_same_moment(
    app, client, runner, earned, clock, moment, summary, page_status
):
    """The certificate expires November 21, 2027 in the program's time zone (New York): its
    credential is valid until that day begins there, when /verify/<code> first says expired."""
    data = download(client, earned["code"])

    clock.freeze(moment)
    checked_summary, text, exit_code = checked(app, runner, data)

    assert checked_summary == summary and (exit_code == 0) == (summary == VALID)
    if summary == EXPIRED:
        assert "Failed: Dates: expired on November 21, 2027" in text
    assert client.get(f"/verify/{earned['code']}.json").get_json()["status"] == page_status


def test_a_renewal_leaves_the_old_credential_valid_until_its_own_end(
    app,
    client,
    runner,
    issuer,  # noqa: F811
    courses_dir,
    clock,
):
    with app.app_context():
        course = course_with_rule(courses_dir)
        user, old = holder(clock, course)  # issued 15 January 2026, valid 12 months
        ce(user, 14, "elective")
        ce(user, 6, "ethics")
        holder_id, old_code = user.id, old.code
    old_data = download(client, old_code)
    clock.freeze(at(date(2026, 9, 1)))
    sign_in_as(client, holder_id)
    page = client.get(f"/certificates/{old_code}").get_data(as_text=True)
    renewed = client.post(f"/certificates/{old_code}/renew", data={"csrf_token": csrf_token(page)})
    assert renewed.status_code == 302, renewed.get_data(as_text=True)
    new_code = renewed.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    assert new_code != old_code

    old_valid = (
        "This credential is valid: Signed by Peer Support Academy, not altered, "
        "expires on January 15, 2027, not revoked."
    )
    assert checked(app, runner, old_data)[0] == old_valid
    assert checked(app, runner, download(client, new_code))[0] == old_valid.replace("2027", "2028")

    clock.freeze(at(date(2027, 1, 16)))
    assert checked(app, runner, old_data)[0] == (
        "This credential is not valid: expired on January 15, 2027."
    )
