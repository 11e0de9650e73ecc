"""'Add to LinkedIn profile' on the holder's own certificate page: only for the holder, only
while the certificate is valid, never on the public verification page."""

from datetime import timedelta
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from lms.models.types import utcnow
from tests.web.test_certificates import _user, change, issued, page, sign_in  # noqa: F401

LINK_TEXT = "Add this certificate to your LinkedIn profile"


def linkedin_href(html):
    start = html.index('<a class="linkedin-link" href="') + len('<a class="linkedin-link" href="')
    return unescape(html[start : html.index('"', start)])


def test_the_holder_gets_the_link_filled_in_with_the_certificate(app, client, issued):  # noqa: F811
    app.config["LMS_BASE_URL"] = "https://training.example.org"
    app.config["LMS_SITE_NAME"] = "Peer Training Online"  # the site, not who issues
    app.config["LMS_ISSUER_NAME"] = "Recovery & Peer Training"
    sign_in(client, issued["user_id"])

    html = page(client.get(f"/certificates/{issued['code']}"))

    assert f'rel="noopener">{LINK_TEXT}</a>' in html
    url = urlsplit(linkedin_href(html))
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    assert dict(parse_qsl(url.query)) == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Sample Certificate",
        "organizationName": "Recovery & Peer Training",
        "issueYear": str(issued["issued_on"].year),
        "issueMonth": str(issued["issued_on"].month),
        "expirationYear": str(issued["expires_on"].year),
        "expirationMonth": str(issued["expires_on"].month),
        "certUrl": f"https://training.example.org/verify/{issued['code']}",
        "certId": issued["code"],
    }


def test_no_link_on_an_expired_or_revoked_certificate(app, client, issued):  # noqa: F811
    sign_in(client, issued["user_id"])
    change(app, issued["code"], expires_on=utcnow().date() - timedelta(days=1))
    assert LINK_TEXT not in page(client.get(f"/certificates/{issued['code']}"))

    change(app, issued["code"], expires_on=utcnow().date() + timedelta(days=30))
    change(app, issued["code"], revoked_at=utcnow(), revoked_reason="Private")
    assert LINK_TEXT not in page(client.get(f"/certificates/{issued['code']}"))


def test_staff_viewing_a_trainees_certificate_get_no_link(app, client, issued):  # noqa: F811
    with app.app_context():
        staff = _user("Pat Staff", "pat@example.org", role="staff").id
    sign_in(client, staff)

    html = page(client.get(f"/certificates/{issued['code']}"))

    assert "Sample Certificate" in html and LINK_TEXT not in html


def test_the_public_verification_page_has_no_link(client, issued):  # noqa: F811
    html = page(client.get(f"/verify/{issued['code']}"))

    assert "linkedin" not in html.lower()
