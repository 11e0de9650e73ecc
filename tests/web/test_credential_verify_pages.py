"""/verify/credential: anyone uploads or pastes a credential file (a POST with CSRF) and reads the
checks in words; every name taken from the credential is escaped on the page."""

import html as entities
import io
import json
import re

import pytest

from lms.services.credentials import verifying
from tests.conftest import csrf_token
from tests.credentialkit import (
    BASE_URL,
    INDEX,
    TODAY,
    as_bytes,
    configure,
    did_key_credential,
    did_web_credential,
    ours,
    store_status_list,
)
from tests.xss import DOMPURIFY_SET, find_script, load_payloads, payload_sets, require_testdata

PAGE = "/verify/credential"
PAGE_TAGS = ("form", "input", "textarea", "button")
OWN_SCRIPT = '<script src="/static/js/credential-drop.js" defer></script>'


@pytest.fixture
def config(app, tmp_path, clock):
    from datetime import UTC, datetime, time

    clock.freeze(datetime.combine(TODAY, time(12), tzinfo=UTC))
    with app.app_context():
        config = configure(app, tmp_path)
        store_status_list(config)
    return config


def token(client):
    return csrf_token(client.get(PAGE).get_data(as_text=True))


BOUNDARY = "credential-test-boundary"


def upload(client, data, name="credential.json"):
    """A multipart POST as a browser sends it. The body is built here, in memory: the test
    client would spool a large one to a temporary file that it never closes."""
    part = '--{}\r\nContent-Disposition: form-data; name="{}"{}\r\n\r\n'
    body = (
        part.format(BOUNDARY, "csrf_token", "").encode()
        + token(client).encode()
        + b"\r\n"
        + part.format(BOUNDARY, "file", f'; filename="{name}"').encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return client.post(
        PAGE,
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        content_length=len(body),
    )


def paste(client, text):
    return client.post(PAGE, data={"csrf_token": token(client), "pasted": text})


def page_text(response):
    """The page's words as a person reads them: no tags, entities decoded, spaces collapsed."""
    words = entities.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    return " ".join(words.split())


def test_the_form_is_public_not_cached_and_not_indexed(client, config):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    html = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert 'accept=".json,application/json,application/ld+json"' in html
    assert "js/credential-drop.js" in html and " defer>" in html


def test_a_credential_not_valid_yet_says_when_on_the_programs_day(app, client, config, clock):
    """Its validFrom is 02:00 UTC on November 21: 9 PM on November 20 in New York, the program's
    zone, where it is 8:30 PM when it is checked. The page says that evening, not the UTC date."""
    from datetime import UTC, datetime

    app.config["LMS_TIMEZONE"] = "America/New_York"
    clock.freeze(datetime(2026, 11, 21, 1, 30, tzinfo=UTC))
    with app.app_context():
        data = as_bytes(ours(config, validFrom="2026-11-21T02:00:00Z"))
    text = page_text(upload(client, data))
    assert "Result: Not valid" in text
    assert "Failed: Dates: not valid until 9:00 PM EST on November 20, 2026" in text
    assert "November 21" not in text


def test_the_code_page_points_to_the_credential_check(client, config):
    assert 'href="/verify/credential"' in client.get("/verify").get_data(as_text=True)


def test_an_uploaded_credential_of_ours_is_valid(app, client, config):
    with app.app_context():
        data = as_bytes(ours(config))
    response = upload(client, data)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    text = page_text(response)
    assert "Result: Valid" in text
    assert (
        "This credential is valid: Signed by Peer Support Academy, not altered, expires on "
        "November 21, 2028, not revoked." in text
    )
    assert "Issuer Peer Support Academy (this site)" in text
    assert "Passed: Signature: Signed by Peer Support Academy, not altered" in text
    assert "Passed: Revocation: not revoked" in text
    assert "Awarded to Ada O'Neill" in text
    assert "Achievement Peer Support Foundations" in text


def test_a_pasted_revoked_credential_is_not_valid(app, client, config):
    with app.app_context():
        store_status_list(config, revoked=[94567])
        document = json.dumps(ours(config))
    text = page_text(paste(client, document))
    assert "Result: Not valid" in text
    assert "Failed: Revocation: revoked" in text
    assert "This credential is not valid: revoked." in text


def test_another_issuers_web_key_is_not_checked_here(client, config):
    text = page_text(upload(client, as_bytes(did_web_credential())))
    assert "Result: Not fully checked here" in text
    assert (
        "Not checked here: Signature: cannot check the signature here: the issuer's key "
        "did:web:badges.elsewhere.example#key-1 is not on this server" in text
    )
    assert "(this site)" not in text


def test_another_issuers_did_key_credential_is_valid(client, config):
    text = page_text(upload(client, as_bytes(did_key_credential())))
    assert "Result: Valid" in text
    assert "Elsewhere Recovery Network" in text and "(this site)" not in text


@pytest.mark.parametrize(
    ("send", "message"),
    [
        (
            lambda client: paste(client, '{"issuer": }'),
            "The file is not valid JSON: line 1, column 12: Expecting value.",
        ),
        (
            lambda client: upload(client, b"\xff\xfe{}"),
            "The file is not UTF-8 text (byte 1 cannot be read), so it is not a credential.",
        ),
        (
            lambda client: upload(client, b" " * (verifying.MAX_BYTES + 10)),
            "The file is larger than 1 MB, so it is not a credential: a credential file is a few "
            "kilobytes. Choose the credential's .json file.",
        ),
        (
            lambda client: paste(client, "[1, 2]"),
            "The file holds a list, not a credential: a credential is one JSON object",
        ),
    ],
)
def test_files_that_are_not_credentials_are_named(client, config, send, message):
    response = send(client)
    assert response.status_code == 200
    text = page_text(response)
    assert "Result: Not a credential file" in text
    assert message in text


def test_a_file_far_over_the_limit_is_refused_before_it_is_read_with_the_same_limit(client, config):
    assert "credential, at most 1 MB." in page_text(client.get(PAGE))  # the form's hint

    response = upload(client, b" " * (3 * verifying.MAX_BYTES))

    assert response.status_code == 413
    text = page_text(response)
    assert "This page accepts a file of at most 1 MB" in text
    assert "choose the credential's .json file (a credential is a few kilobytes)" in text


def test_only_status_lists_under_the_sites_own_address_are_read_never_the_requests_host(
    app, client, config
):
    """Whoever sends a request chooses its Host: another issuer's credential whose status list
    is 'under' that host must not be answered from our lists."""
    with app.app_context():
        store_status_list(config, revoked=[INDEX])  # our list 1 has this place revoked

    def pointing_at(base):
        url = f"{base}/credentials/status/1"
        entry = {
            "id": f"{url}#{INDEX}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(INDEX),
            "statusListCredential": url,
        }
        return json.dumps(did_key_credential(credentialStatus=entry))

    forged = "http://forged.example"
    token = csrf_token(client.get(PAGE, base_url=forged).get_data(as_text=True))
    text = page_text(
        client.post(
            PAGE, base_url=forged, data={"csrf_token": token, "pasted": pointing_at(forged)}
        )
    )
    assert "Result: Not fully checked here" in text
    assert "revoked" not in text.replace("not revoked", "")

    assert "Failed: Revocation: revoked" in page_text(paste(client, pointing_at(BASE_URL)))


def test_an_object_that_is_not_a_credential(client, config):
    text = page_text(paste(client, '{"name": "My badge"}'))
    assert "Result: Not valid" in text
    assert "it names no issuer" in text


def test_nothing_sent(client, config):
    response = paste(client, "  ")
    assert response.status_code == 422
    assert f"Error: {verifying_nothing()}" in page_text(response)


def verifying_nothing():
    from lms.web.verify import NOTHING_SENT

    return NOTHING_SENT


def test_a_post_without_the_token_is_refused(client, config):
    response = client.post(PAGE, data={"pasted": "{}"})
    assert response.status_code == 400


def _payloads():
    """The quick set and the DOMPurify set whole; every 10th payload of the others."""
    require_testdata()
    chosen = []
    for name in payload_sets():
        payloads = load_payloads(name)
        whole = name in ("xss_payloads_quick.txt", DOMPURIFY_SET)
        chosen.extend(payloads if whole else payloads[::10])
    return chosen


def test_xss_payloads_in_the_credentials_names_are_escaped(client, config):
    payloads = _payloads()
    for start in range(0, len(payloads), 4):
        names = (payloads[start : start + 4] * 4)[:4]
        document = did_key_credential(name=names[0])
        document.pop("proof")
        document["issuer"]["name"] = names[1]
        document["issuer"]["id"] = names[2]  # shown as the issuer's id
        document["credentialSubject"]["name"] = names[3]
        document["credentialSubject"]["achievement"]["name"] = names[0] + " " + names[3]
        html = upload(client, as_bytes(document)).get_data(as_text=True)
        assert "Result: Not valid" in html, names  # the names reached the page
        # the page's own form is the only form markup it has
        assert html.count(OWN_SCRIPT) == 1
        problems = find_script(html.replace(OWN_SCRIPT, ""), page=True, allow_tags=PAGE_TAGS)
        assert problems == [], names
