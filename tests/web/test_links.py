"""Full links (a reset link made by staff, the verification address and QR code on a certificate)
never follow a forged Host header: they come from LMS_BASE_URL, or outside production from the
request's host only when it is in LMS_TRUSTED_HOSTS."""

import io
import re

from pypdf import PdfReader

from tests.auth import make_user
from tests.conftest import sign_in_as
from tests.web.test_certificates import issued  # noqa: F401  (a trainee holding a certificate)

FORGED = {"Host": "evil.example"}


def signed_in_at(client, user_id, *hosts):
    """Sign in, and send the session cookie to these hosts too (as a browser would there)."""
    sign_in_as(client, user_id)
    cookie = client.get_cookie("session").value
    for host in hosts:
        client.set_cookie("session", cookie, domain=host)
    return client


def pdf_text(response):
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.data)).pages[0].extract_text()


def certificate_links(client, code):
    page = client.get(f"/certificates/{code}", headers=FORGED).get_data(as_text=True)
    pdf = pdf_text(client.get(f"/certificates/{code}.pdf", headers=FORGED))
    return page, pdf


def test_a_forged_host_never_reaches_the_certificate_page_pdf_or_qr_code(app, client, issued):  # noqa: F811
    signed_in_at(client, issued["user_id"], "evil.example")

    page, pdf = certificate_links(client, issued["code"])

    assert "evil.example" not in page and "evil.example" not in pdf
    # Not a trusted host and no LMS_BASE_URL: the path alone, which leads nowhere else.
    assert f'href="/verify/{issued["code"]}"' in page
    assert f"/verify/{issued['code']}" in pdf


def test_with_lms_base_url_every_certificate_link_is_built_from_it(app, client, issued):  # noqa: F811
    app.config["LMS_BASE_URL"] = "https://training.example.org"
    signed_in_at(client, issued["user_id"], "evil.example")

    page, pdf = certificate_links(client, issued["code"])

    url = f"https://training.example.org/verify/{issued['code']}"
    assert f'href="{url}"' in page and url in pdf
    assert "evil.example" not in page + pdf


def test_a_trusted_host_is_used_when_lms_base_url_is_not_set(app, client, issued):  # noqa: F811
    app.config["LMS_TRUSTED_HOSTS"] = ["training.example.org"]
    signed_in_at(client, issued["user_id"], "training.example.org")

    page = client.get(
        f"/certificates/{issued['code']}", headers={"Host": "training.example.org"}
    ).get_data(as_text=True)

    assert f'href="http://training.example.org/verify/{issued["code"]}"' in page


def reset_link(client, headers):
    page = client.get("/staff/reset-link", headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', page)[1]
    response = client.post(
        "/staff/reset-link",
        headers=headers,
        data={"csrf_token": token, "email": "dana@example.org"},
    )
    assert response.status_code == 200
    return re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True))[1]


def test_a_staff_reset_link_ignores_a_forged_host(app, client):
    make_user(app)
    staff = make_user(app, email="pat@example.org", name="Pat", roles=("staff",))
    signed_in_at(client, staff, "evil.example")

    assert reset_link(client, FORGED).startswith("/reset-password/")
    app.config["LMS_BASE_URL"] = "https://training.example.org"
    assert reset_link(client, FORGED).startswith("https://training.example.org/reset-password/")
