"""Signed credentials in real Chromium, on a 390 px phone and a desktop: a visitor checks a
credential file at /verify/credential by dropping it on the page (JavaScript on) or choosing it
(JavaScript off), and reads the checks; the holder's certificate page offers the LinkedIn link
and the signed credential, which, downloaded, checks as valid and signed by this site; the public
/verify/<code> page links to it. Every page is photographed and checked by axe-core."""

import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms import clock
from lms.extensions import db
from lms.models import Certificate, Course
from lms.services.certification.certification import add_months, new_code
from lms.services.people.accounts import ensure_user
from tests.browser.steps import PASSWORD, sign_in
from tests.browser.test_layout import sideways
from tests.credentialkit import as_bytes, did_web_credential, ours, store_status_list

PAGE = "/verify/credential"
COURSE_SLUG = "peer-support-foundations"
DROP = """([text, name]) => {
    const area = document.querySelector(".credential-drop");
    const chosen = new DataTransfer();
    chosen.items.add(new File([text], name, {type: "application/json"}));
    for (const kind of ["dragenter", "dragover", "drop"]) {
        const options = {dataTransfer: chosen, bubbles: true, cancelable: true};
        area.dispatchEvent(new DragEvent(kind, options));
    }
}"""


@pytest.fixture(scope="module")
def files(live_app, tmp_path_factory):
    """Our credential (its status list stored, nothing revoked), another issuer's did:web one and
    a broken file, signed with a key ring of this module's own."""
    folder = tmp_path_factory.mktemp("credentials")
    live_app.config["LMS_ISSUER_KEYS"] = str(folder / "issuer-keys.json")
    with live_app.app_context():
        store_status_list(live_app.config)
        made = {
            "ours.json": as_bytes(ours(live_app.config)),
            "elsewhere.json": as_bytes(did_web_credential()),
            "broken.json": b'{\n  "issuer": \n',
        }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return folder


def result_heading(page):
    return page.get_by_role("heading", level=2).first


def test_a_visitor_drops_a_credential_file_and_reads_the_checks(
    viewport, new_context, check_page, files
):
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    page.goto(PAGE)
    expect(page.get_by_text("Or drop the file here")).to_be_visible()
    assert sideways(page) <= 0
    check(page, "verify-credential-form")

    with page.expect_navigation():
        page.evaluate(DROP, [(files / "ours.json").read_text(), "ours.json"])
    expect(result_heading(page)).to_have_text("Result: Valid")
    expect(page.locator(".credential-check")).to_have_count(4)
    expect(page.locator(".check-passed")).to_have_count(4)
    expect(page.get_by_text("Passed: Signature: Signed by Peer Support Academy")).to_be_visible()
    assert sideways(page) <= 0
    check(page, "verify-credential-valid")

    page.get_by_label("Credential file").set_input_files(files / "elsewhere.json")
    page.get_by_role("button", name="Check this credential").click()
    expect(result_heading(page)).to_have_text("Result: Not fully checked here")
    expect(page.locator(".check-unchecked").first).to_contain_text("Not checked here: Signature")
    assert sideways(page) <= 0
    check(page, "verify-credential-unchecked")
    check.assert_no_violations()


def _without_javascript(page, files, check=None):
    """The form as a browser without script uses it: choose a file, send nothing, paste."""
    page.goto(PAGE)
    expect(page.get_by_text("Or drop the file here")).to_be_hidden()
    if check:
        check(page, "verify-credential-no-js")
    page.get_by_label("Credential file").set_input_files(files / "broken.json")
    page.get_by_role("button", name="Check this credential").click()
    expect(result_heading(page)).to_have_text("Result: Not a credential file")
    expect(page.get_by_text("The file is not valid JSON: line 3, column 1")).to_be_visible()
    if check:
        check(page, "verify-credential-unreadable")
    page.get_by_role("button", name="Check this credential").click()  # nothing chosen
    expect(page.locator(".error-summary")).to_contain_text(
        "Choose the credential's .json file, or paste its text."
    )
    if check:
        check(page, "verify-credential-errors")
    text = json.dumps(json.loads((files / "ours.json").read_text()))
    page.get_by_label("Or paste the credential's text").fill(text)
    page.get_by_role("button", name="Check this credential").click()
    expect(result_heading(page)).to_have_text("Result: Valid")


def test_without_javascript_the_file_input_and_the_text_box_work(
    viewport, new_context, check_page, files
):
    # Script really off: the form works.
    _without_javascript(new_context(viewport, javascript=False).new_page(), files)
    # axe needs script to run, so the same pages are checked with the app's own scripts blocked
    # (what a browser without script shows, plus axe).
    check = check_page(viewport)
    context = new_context(viewport)
    context.route("**/static/js/**", lambda route: route.abort())
    _without_javascript(context.new_page(), files, check)
    check.assert_no_violations()


def certified(app, viewport):
    """A holder (one per viewport) with a valid certificate; returns (email, code)."""
    email = f"credential.{viewport}@example.org"
    with app.app_context():
        person = ensure_user(email, f"Noa Credential-Holder ({viewport})", ["trainee"], PASSWORD)
        existing = db.session.scalar(select(Certificate).where(Certificate.user_id == person.id))
        if existing is not None:
            return email, existing.code
        course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
        expires_on = clock.today() + timedelta(days=300)
        certificate = Certificate(
            code=new_code(COURSE_SLUG), user_id=person.id, course_id=course.id,
            course_version=course.version, title=course.certificate_title,
            issued_on=add_months(expires_on, -course.certificate_valid_for_months),
            expires_on=expires_on,
        )  # fmt: skip
        db.session.add(certificate)
        db.session.commit()
        return email, certificate.code


def test_the_holders_certificate_page_offers_the_linkedin_link(
    viewport, new_context, check_page, live_app
):
    email, code = certified(live_app, viewport)
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    sign_in(page, email)
    page.goto(f"/certificates/{code}")
    link = page.get_by_role("link", name="Add this certificate to your LinkedIn profile")
    expect(link).to_be_visible()
    url = urlsplit(link.get_attribute("href"))  # not followed: LinkedIn is another site
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    params = dict(parse_qsl(url.query))
    assert params["startTask"] == "CERTIFICATION_NAME"
    assert params["certId"] == code
    assert params["certUrl"].endswith(f"/verify/{code}")
    assert params["organizationName"] and params["name"]
    assert sideways(page) <= 0
    check(page, "certificate-share")
    check.assert_no_violations()


def test_the_holder_downloads_the_signed_credential_and_it_checks_as_valid(
    viewport, new_context, check_page, live_app, files, tmp_path
):
    email, code = certified(live_app, viewport)  # `files` gave the app its key ring
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    sign_in(page, email)
    page.goto(f"/certificates/{code}")
    link = page.get_by_role("link", name="Download signed credential (Open Badges 3.0)")
    expect(link).to_be_visible()
    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.suggested_filename == f"certificate-{code}.credential.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    page.goto(PAGE)
    page.get_by_label("Credential file").set_input_files(saved)
    page.get_by_role("button", name="Check this credential").click()
    expect(result_heading(page)).to_have_text("Result: Valid")
    expect(page.locator(".check-passed")).to_have_count(4)
    expect(page.locator(".verify-facts")).to_contain_text("(this site)")
    expect(page.get_by_text("Passed: Revocation: not revoked")).to_be_visible()
    assert sideways(page) <= 0
    check(page, "verify-credential-downloaded")
    check.assert_no_violations()


def test_the_public_verification_page_links_to_the_credential(
    viewport, new_context, live_app, files
):
    _, code = certified(live_app, viewport)
    page = new_context(viewport).new_page()
    page.goto(f"/verify/{code}")
    link = page.locator(f'a[href="/credentials/{code}.json"]')
    expect(link.first).to_be_visible()
    response = page.request.get(link.first.get_attribute("href"))  # ours: fetched, not clicked
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/vc+ld+json")
    assert json.loads(response.body())["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
