"""Signed credentials on the web: the holder's download (linked from the certificate page and
/verify/<code>), the issuer Profile and DID document with every key, and the status lists."""

import json

import pytest
from flask import url_for
from sqlalchemy import select

from lms.extensions import db
from lms.models import Credential
from lms.models.types import utcnow
from lms.services.certification import certificate_lookup, codes, revocation
from lms.services.credentials import addresses, keyring
from lms.vc import status_list
from tests.conftest import sign_in_as
from tests.credentialkit import BASE_URL, issuer  # noqa: F401  (issuer: a fixture)
from tests.records import certify, person, publish

VC_MEDIA_TYPE = "application/vc+ld+json"


@pytest.fixture
def issued(app, issuer, courses_dir):  # noqa: F811
    with app.app_context():
        course = publish(courses_dir)
        holder = person("ada.private@example.org", "Ada Private")
        certificate = certify(holder, course)  # its credential is made when first needed
        return {"code": certificate.code, "certificate_id": certificate.id, "holder_id": holder.id}


def stored(app, certificate_id):
    """The certificate's stored credential, or None."""
    with app.app_context():
        return db.session.scalar(
            select(Credential).where(Credential.certificate_id == certificate_id)
        )


def test_the_credential_downloads_as_stored_with_its_media_type_and_a_file_name(
    app, client, issued
):
    response = client.get(f"/credentials/{issued['code']}.json")

    assert response.status_code == 200
    assert response.mimetype == VC_MEDIA_TYPE
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="certificate-{issued["code"]}.credential.json"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.get_data(as_text=True) == stored(app, issued["certificate_id"]).document
    assert json.loads(response.data)["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_the_verification_page_names_the_credential_as_the_download_saves_it(client, issued):
    page = client.get(f"/verify/{issued['code']}").get_data(as_text=True)
    download = client.get(f"/credentials/{issued['code']}.json")

    name = f"certificate-{issued['code']}.credential.json"
    assert f'.json">{name}</a>' in page
    assert download.headers["Content-Disposition"] == f'attachment; filename="{name}"'


def test_the_credential_holds_no_email_or_name(client, issued):
    text = client.get(f"/credentials/{issued['code']}.json").get_data(as_text=True).lower()

    assert "ada.private" not in text and "ada private" not in text and "@example.org" not in text


def test_a_code_typed_another_way_is_sent_to_the_printed_one(client, issued):
    response = client.get(f"/credentials/{issued['code'].lower()}.json")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/credentials/{issued['code']}.json")


def a_typo_in(code):
    last = code[-1]
    return code[:-1] + ("0" if last != "0" else "1")


def test_unknown_and_mistyped_codes_get_the_answers_verify_gives(client, issued):
    unknown = codes.new_code("SC")  # well formed, but no certificate has it
    mistyped = "This code looks mistyped: one of its characters is probably wrong or missing."
    for code, answer in [
        (unknown, "No certificate has this code."),
        (a_typo_in(issued["code"]), mistyped),
        ("SC-0000", mistyped),
        ("nothing", mistyped),
    ]:
        response = client.get(f"/credentials/{code}.json", follow_redirects=True)
        assert response.status_code == 404
        assert response.get_json()["error"].startswith(answer), code
        verified = client.get(f"/verify/{code}.json", follow_redirects=True)
        assert response.get_json() == verified.get_json(), code


def test_the_credential_is_made_on_first_download_and_the_same_every_time(app, client, issued):
    assert stored(app, issued["certificate_id"]) is None  # not made when it was issued

    first = client.get(f"/credentials/{issued['code']}.json")
    second = client.get(f"/credentials/{issued['code']}.json")

    assert first.status_code == 200 and first.data == second.data
    assert first.get_data(as_text=True) == stored(app, issued["certificate_id"]).document
    assert json.loads(first.data)["id"] == f"{BASE_URL}/credentials/{issued['code']}.json"


def test_an_erased_holder_without_a_credential_is_told_why(app, client, issued):
    with app.app_context():  # erased before the credential was first needed
        certificate = certificate_lookup.certificate_by_code(issued["code"])
        certificate.user.erased_at = utcnow()
        db.session.commit()

    response = client.get(f"/credentials/{issued['code']}.json")

    assert response.status_code == 404
    assert response.get_json()["error"] == (
        "This certificate has no signed credential: its holder's account was erased before one "
        f"was made. The certificate can still be checked at /verify/{issued['code']}."
    )
    page = client.get(f"/verify/{issued['code']}").get_data(as_text=True)
    assert "/credentials/" not in page  # no link to a download that cannot be made
    assert (
        "This certificate has no signed credential (Open Badges 3.0): its holder’s account was "
        "erased\n  before one was made."
    ) in page
    assert stored(app, issued["certificate_id"]) is None


def test_staff_see_that_an_erased_holders_certificate_has_no_credential(app, client, issued):
    with app.app_context():
        staff_id = person("pat@example.org", "Pat", "staff").id
        certificate = certificate_lookup.certificate_by_code(issued["code"])
        certificate.user.erased_at = utcnow()
        db.session.commit()
    sign_in_as(client, staff_id)

    page = client.get(f"/certificates/{issued['code']}").get_data(as_text=True)

    assert "Download signed credential" not in page
    assert "No signed credential (Open Badges 3.0): the holder’s account was erased" in page


def test_an_erased_holders_credential_made_before_stays_offered(app, client, issued):
    client.get(f"/credentials/{issued['code']}.json")  # its first use, before the erasure
    with app.app_context():
        certificate = certificate_lookup.certificate_by_code(issued["code"])
        certificate.user.erased_at = utcnow()
        db.session.commit()

    page = client.get(f"/verify/{issued['code']}").get_data(as_text=True)

    assert f'href="/credentials/{issued["code"]}.json"' in page
    assert client.get(f"/credentials/{issued['code']}.json").status_code == 200


def test_the_certificate_page_offers_the_download_with_what_it_is_for(client, issued):
    sign_in_as(client, issued["holder_id"])

    page = client.get(f"/certificates/{issued['code']}").get_data(as_text=True)

    assert (
        f'<a href="/credentials/{issued["code"]}.json" download>'
        "Download signed credential (Open Badges 3.0)</a>"
    ) in page
    assert "hand to an employer, who can check it is genuine" in page


def test_the_verification_page_links_to_the_credential(client, issued):
    page = client.get(f"/verify/{issued['code']}").get_data(as_text=True)

    assert f'href="/credentials/{issued["code"]}.json"' in page


def test_the_status_list_is_served_signed_with_a_short_cache(app, client, issued):
    client.get(f"/credentials/{issued['code']}.json")  # its credential, made on first download
    index = stored(app, issued["certificate_id"]).status_index
    with app.app_context():
        staff = person("pat@example.org", "Pat", "staff")
        revocation.revoke(issued["certificate_id"], staff.id, "Falsified the practice log.")

    response = client.get("/credentials/status/1")

    assert response.status_code == 200
    assert response.mimetype == VC_MEDIA_TYPE
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json(force=True)
    encoded = document["credentialSubject"]["encodedList"]
    assert encoded == status_list.encode([index])  # its bit, and no other
    assert "proof" in document


def test_an_unknown_status_list_is_not_found(client, issued):
    response = client.get("/credentials/status/7")

    assert response.status_code == 404
    assert response.get_json() == {"error": "No status list has this number."}


def test_the_issuer_profile_lists_every_key_current_and_retired(app, client, issued):
    downloaded = client.get(f"/credentials/{issued['code']}.json")
    old_method = json.loads(downloaded.data)["proof"]["verificationMethod"]
    with app.app_context():
        new_key = keyring.add_key(app.config["LMS_ISSUER_KEYS"])

    response = client.get("/issuer")

    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    profile = response.get_json(force=True)
    assert profile["id"] == "did:web:training.example.org"
    assert profile["type"] == ["Profile"] and profile["name"] == "Peer Support Academy"
    assert profile["url"] == BASE_URL
    methods = {m["id"]: m for m in profile["verificationMethod"]}
    assert set(methods) == {old_method, f"did:web:training.example.org#{new_key.id}"}
    assert all(m["type"] == "Multikey" for m in methods.values())
    assert all(m["publicKeyMultibase"].startswith("z6Mk") for m in methods.values())
    assert "secretKeyMultibase" not in response.get_data(as_text=True)


def test_the_did_document_is_at_the_well_known_address_for_a_bare_host(client, issued):
    response = client.get("/.well-known/did.json")

    assert response.status_code == 200 and response.mimetype == "application/did+ld+json"
    document = response.get_json(force=True)
    assert document["id"] == "did:web:training.example.org"
    assert "secretKeyMultibase" not in response.get_data(as_text=True)
    assert client.get("/did.json").status_code == 404


def test_under_a_path_the_did_document_is_at_path_did_json(app, client, issued):
    app.config["LMS_BASE_URL"] = "https://example.org/peer"

    response = client.get("/did.json")

    assert response.status_code == 200
    assert response.get_json(force=True)["id"] == "did:web:example.org:peer"
    assert client.get("/.well-known/did.json").status_code == 404


def test_the_addresses_credentials_name_are_the_routes_that_serve_them(app):
    with app.test_request_context():
        assert url_for("credentials.credential", code="X") == addresses.CREDENTIAL_PATH.format(
            code="X"
        )
        assert url_for("credentials.status_list", number=3) == (
            addresses.STATUS_LIST_PATH.format(number=3)
        )
        assert url_for("credentials.issuer") == addresses.ISSUER_PATH
        assert url_for("learn.course", course_slug="s") == addresses.COURSE_PATH.format(slug="s")
        assert url_for("verify.certificate", code="X") == addresses.VERIFICATION_PATH.format(
            code="X"
        )
        assert url_for("certificates.certificate", code="X") == (
            addresses.CERTIFICATE_PATH.format(code="X")
        )
