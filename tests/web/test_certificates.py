"""Certificates on the web: public verification (page, JSON, form) and the holder's own page
and PDF."""

import io
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lms.extensions import db
from lms.models import Certificate, Course, Module, ModuleProgress, User, UserRole
from lms.models.types import utcnow
from lms.services.authoring.publishing import sync_courses
from lms.services.certification.certification import issue_if_due, new_code
from lms.services.certification.codes import normalise_code
from lms.services.certification.revocation import revoke
from lms.web.filters import long_date
from tests.conftest import sign_in_as

HOLDER = "Ada Trainee"
EMAIL = "ada.private@example.org"
NOINDEX = "noindex, nofollow"
META_NOINDEX = '<meta name="robots" content="noindex, nofollow">'


def _user(name, email, role="trainee"):
    user = User(email=email, name=name, password_hash="x", roles=[UserRole(role=role)])
    db.session.add(user)
    db.session.commit()
    return user


def _complete(user, course):
    now = utcnow()
    for module_id in db.session.scalars(select(Module.id).where(Module.course_id == course.id)):
        db.session.add(ModuleProgress(user_id=user.id, module_id=module_id, passed_at=now))
    db.session.commit()
    return issue_if_due(user.id, course.id)


@pytest.fixture
def issued(app, courses_dir):
    """A trainee who completed the sample course today, and their certificate's facts."""
    with app.app_context():
        sync_courses(courses_dir)
        course = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
        user = _user(HOLDER, EMAIL)
        certificate = _complete(user, course)
        return {
            "user_id": user.id,
            "course_id": course.id,
            "code": certificate.code,
            "issued_on": certificate.issued_on,
            "expires_on": certificate.expires_on,
        }


def sign_in(client, user_id):
    return sign_in_as(client, user_id)


def change(app, code, **values):
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.code == code))
        for name, value in values.items():
            setattr(certificate, name, value)
        db.session.commit()


def mistyped(code):
    """The code with one random-part character changed, so its check character disagrees."""
    last = code[-2]
    return code[:-2] + ("X" if last != "X" else "Y") + code[-1]


def page(response):
    return response.get_data(as_text=True)


def assert_not_indexed(response):
    assert response.headers["X-Robots-Tag"] == NOINDEX
    if response.mimetype == "text/html":
        assert META_NOINDEX in page(response)


# --- public verification -------------------------------------------------------------------------


def test_a_valid_certificate_shows_its_holder_title_dates_and_status(client, issued):
    response = client.get(f"/verify/{issued['code']}")

    html = page(response)
    assert response.status_code == 200
    assert HOLDER in html and "Sample Certificate" in html
    assert long_date(issued["issued_on"]) in html and long_date(issued["expires_on"]) in html
    assert "<strong>Valid</strong>: this certificate is current until" in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert_not_indexed(response)


def test_verification_shows_nothing_else_about_the_person(client, issued, app):
    change(app, issued["code"], revoked_reason="Private note about a complaint")
    html = page(client.get(f"/verify/{issued['code']}"))

    assert EMAIL not in html and "ada.private" not in html
    assert "Sample Course" not in html  # not even which course, beyond the certificate title
    assert "Private note" not in html
    assert "First Steps" not in html and "passed" not in html.lower()


def test_the_json_has_exactly_the_public_fields(client, issued):
    response = client.get(f"/verify/{issued['code']}.json")

    assert response.status_code == 200
    assert response.json == {
        "code": issued["code"],
        "holder": HOLDER,
        "title": "Sample Certificate",
        "issued_on": issued["issued_on"].isoformat(),
        "expires_on": issued["expires_on"].isoformat(),
        "status": "valid",
    }
    assert EMAIL not in page(response)
    assert_not_indexed(response)


def test_an_expired_certificate_says_expired(client, issued, app):
    yesterday = utcnow().date() - timedelta(days=1)
    change(app, issued["code"], expires_on=yesterday)

    html = page(client.get(f"/verify/{issued['code']}"))
    data = client.get(f"/verify/{issued['code']}.json").json

    assert (
        "<strong>Expired</strong>: this certificate stopped being valid on " + long_date(yesterday)
        in html
    )
    assert "Valid</strong>" not in html
    assert data["status"] == "expired" and data["expires_on"] == yesterday.isoformat()


def test_a_revoked_certificate_says_revoked_without_the_reason(client, issued, app):
    change(app, issued["code"], revoked_at=utcnow(), revoked_reason="Private note")

    response = client.get(f"/verify/{issued['code']}")
    data = client.get(f"/verify/{issued['code']}.json").json

    html = page(response)
    assert response.status_code == 200
    assert "<strong>Revoked</strong>: this certificate has been withdrawn" in html
    assert "Private note" not in html
    assert data["status"] == "revoked" and "Private note" not in str(data)


def test_an_unknown_code_gets_a_plain_not_found_page(client, issued):
    code = new_code("sample-course")

    response = client.get(f"/verify/{code}")
    data = client.get(f"/verify/{code}.json")

    html = page(response)
    assert response.status_code == 404
    assert "<h1>No certificate has this code</h1>" in html
    assert (
        f'We found no certificate with the code <strong class="certificate-code">{code}</strong>'
        in html
    )
    assert "mistyped" not in html
    assert 'value="' + code + '"' in html  # the form to try again keeps what was typed
    assert_not_indexed(response)
    assert data.status_code == 404 and data.json == {"error": "No certificate has this code."}
    assert_not_indexed(data)


def test_a_code_with_a_wrong_check_character_is_called_mistyped(client, issued):
    typo = mistyped(issued["code"])

    response = client.get(f"/verify/{typo}")
    data = client.get(f"/verify/{typo}.json")

    html = page(response)
    assert response.status_code == 404
    assert "<h1>No certificate has this code</h1>" in html
    assert "looks mistyped: one of its\n  characters is probably wrong or missing." in html
    assert HOLDER not in html
    assert_not_indexed(response)
    assert data.status_code == 404
    assert data.json == {
        "error": "This code looks mistyped: one of its characters is probably wrong or missing. "
        "Check it against the certificate and try again."
    }


def test_a_code_typed_loosely_in_the_address_goes_to_its_proper_form(client, issued):
    loose = issued["code"].lower().replace("-", "")

    page_response = client.get(f"/verify/{loose}")
    json_response = client.get(f"/verify/{loose}.json")

    assert page_response.status_code == 302
    assert page_response.headers["Location"] == f"/verify/{issued['code']}"
    assert json_response.headers["Location"] == f"/verify/{issued['code']}.json"
    assert page_response.headers["X-Robots-Tag"] == NOINDEX


def test_the_form_has_a_labelled_code_field_and_needs_no_account(client, issued):
    response = client.get("/verify")

    html = page(response)
    assert response.status_code == 200
    assert '<label for="code">Certificate or transcript code</label>' in html
    assert (
        'aria-describedby="code-hint"' in html
        and "Capitals, spaces and dashes do not matter" in html
    )
    assert '<form class="verify-form" method="get" action="/verify"' in html
    assert_not_indexed(response)


def test_submitting_the_form_opens_the_certificate(client, issued):
    typed = "  " + issued["code"].lower().replace("-", " ") + " "

    response = client.get("/verify?code=" + quote(typed))

    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{issued['code']}"
    assert HOLDER in page(client.get(response.headers["Location"]))


def test_submitting_the_form_empty_shows_the_error_beside_the_field(client, issued):
    response = client.get("/verify?code=+")

    html = page(response)
    assert response.status_code == 200
    error = (
        '<p class="field-error" id="code-error"><strong>Error:</strong> '
        "Enter the code printed on the certificate or transcript, for example "
        "PSF-7K3Q-9XWM-4RT2.</p>"
    )
    assert error in html
    assert 'aria-invalid="true"' in html
    assert html.index('for="code"') < html.index(error) < html.index('id="code" name="code"')


def test_a_code_with_no_letters_or_digits_says_what_to_type(client):
    html = page(client.get("/verify?code=---"))

    assert (
        "That code has no letters or digits. Type the code printed on the certificate or "
        "transcript." in html
    )


# --- the holder's certificate --------------------------------------------------------------------


def test_the_holder_sees_their_certificate_with_pdf_and_verification_links(client, issued):
    sign_in(client, issued["user_id"])

    response = client.get(f"/certificates/{issued['code']}")

    html = page(response)
    assert response.status_code == 200
    assert HOLDER in html and "Sample Certificate" in html and issued["code"] in html
    assert "Sample Course, version 1" in html
    assert long_date(issued["issued_on"]) in html and long_date(issued["expires_on"]) in html
    assert f'href="/certificates/{issued["code"]}.pdf" download>Download PDF</a>' in html
    assert f'href="http://localhost/verify/{issued["code"]}"' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1


def test_the_pdf_holds_the_name_code_dates_and_verification_address(client, issued):
    sign_in(client, issued["user_id"])

    response = client.get(f"/certificates/{issued['code']}.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=certificate-{issued['code']}.pdf"
    )
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert HOLDER in text and issued["code"] in text
    assert "Sample Certificate" in text and "Sample Course, version 1" in text
    assert long_date(issued["issued_on"]) in text and long_date(issued["expires_on"]) in text
    assert f"http://localhost/verify/{issued['code']}" in text


def test_the_pdf_is_on_us_letter_or_on_a4_when_the_program_asks(app, client, issued):
    sign_in(client, issued["user_id"])

    def size():
        pdf = client.get(f"/certificates/{issued['code']}.pdf").data
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        return round(float(box.width)), round(float(box.height))

    assert size() == (792, 612)  # 11 x 8.5 inches, landscape
    app.config["LMS_PAPER_SIZE"] = "a4"
    assert size() == (842, 595)  # 297 x 210 mm


def test_the_certificate_page_names_the_paper_the_pdf_is_printed_on(app, client, issued):
    sign_in(client, issued["user_id"])

    def note():
        html = page(client.get(f"/certificates/{issued['code']}"))
        return re.search(r"Download PDF</a>\s*<span class=\"meta\">([^<]*)</span>", html).group(1)

    assert note() == "US Letter, ready to print."  # the default paper, not "A4"
    app.config["LMS_PAPER_SIZE"] = "a4"
    assert note() == "A4, ready to print."


def test_the_verification_address_uses_lms_base_url_when_set(app, client, issued):
    app.config["LMS_BASE_URL"] = "https://training.example.org"
    sign_in(client, issued["user_id"])

    html = page(client.get(f"/certificates/{issued['code']}"))
    pdf = client.get(f"/certificates/{issued['code']}.pdf").data

    url = f"https://training.example.org/verify/{issued['code']}"
    assert f'href="{url}"' in html
    assert url in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_a_unicode_name_prints_on_the_page_and_in_the_pdf(app, client, issued):
    name = "Zoë Łukasiewicz-Ngũgĩ"
    with app.app_context():
        db.session.get(User, issued["user_id"]).name = name
        db.session.commit()
    sign_in(client, issued["user_id"])

    html = page(client.get(f"/certificates/{issued['code']}"))
    pdf = client.get(f"/certificates/{issued['code']}.pdf")

    assert name in html
    assert name in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert client.get(f"/verify/{issued['code']}.json").json["holder"] == name


def test_another_trainee_gets_not_found_for_page_and_pdf(app, client, issued):
    with app.app_context():
        other = _user("Bo Other", "bo@example.org").id
    sign_in(client, other)

    for path in (f"/certificates/{issued['code']}", f"/certificates/{issued['code']}.pdf"):
        response = client.get(path)
        assert response.status_code == 404
        assert HOLDER not in page(response)
    # The same answer as for a code that does not exist at all.
    assert client.get(f"/certificates/{new_code('sample-course')}").status_code == 404


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_may_view_a_trainees_certificate(app, client, issued, role):
    with app.app_context():
        viewer = _user("Pat Staff", f"{role}@example.org", role=role).id
    sign_in(client, viewer)

    assert HOLDER in page(client.get(f"/certificates/{issued['code']}"))
    assert client.get(f"/certificates/{issued['code']}.pdf").status_code == 200


def test_a_supervisor_cannot_open_someone_elses_certificate(app, client, issued):
    with app.app_context():
        viewer = _user("Sam Supervisor", "sam@example.org", role="supervisor").id
    sign_in(client, viewer)

    assert client.get(f"/certificates/{issued['code']}").status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client, issued):
    for path in (f"/certificates/{issued['code']}", f"/certificates/{issued['code']}.pdf"):
        response = client.get(path)

        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/sign-in"
        assert parse_qs(location.query)["next"] == [path]


def test_the_holder_sees_when_their_certificate_has_expired(app, client, issued):
    change(app, issued["code"], expires_on=utcnow().date() - timedelta(days=1))
    sign_in(client, issued["user_id"])

    html = page(client.get(f"/certificates/{issued['code']}"))

    assert "<strong>Expired</strong>" in html


def revoke_issued(app, issued):
    """Staff revoke the issued certificate on December 3, 2026, with a private reason."""
    with app.app_context():
        staff = _user("Pat Staff", "pat.staff@example.org", role="staff").id
        certificate_id = db.session.scalar(
            select(Certificate.id).where(Certificate.code == issued["code"])
        )
        revoke(certificate_id, staff, "Private note", now=datetime(2026, 12, 3, 9, 30, tzinfo=UTC))


def test_a_revoked_certificates_pdf_says_revoked_across_it_with_the_date(app, client, issued):
    revoke_issued(app, issued)
    sign_in(client, issued["user_id"])

    response = client.get(f"/certificates/{issued['code']}.pdf")

    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "REVOKED" in text and "on December 3, 2026" in text
    assert HOLDER in text and "Private note" not in text


def test_the_dashboard_never_calls_a_revoked_or_expired_certificate_valid(app, client, issued):
    revoke_issued(app, issued)
    sign_in(client, issued["user_id"])

    revoked = page(client.get("/dashboard"))

    assert issued["code"] in revoked
    assert "expires on" not in revoked
    assert "<strong>revoked</strong> on December 3, 2026, no longer valid" in revoked
    assert "Private note" not in revoked

    change(app, issued["code"], revoked_at=None, expires_on=date(2026, 1, 9))
    expired = page(client.get("/dashboard"))

    assert "expires on" not in expired
    assert "<strong>expired</strong> on January 9, 2026" in expired


def test_an_expired_certificates_pdf_says_expired(app, client, issued):
    change(app, issued["code"], expires_on=date(2026, 1, 9))
    sign_in(client, issued["user_id"])

    text = PdfReader(io.BytesIO(client.get(f"/certificates/{issued['code']}.pdf").data))
    text = text.pages[0].extract_text()

    assert "EXPIRED" in text and "on January 9, 2026" in text


def test_a_loosely_typed_certificate_address_redirects(client, issued):
    sign_in(client, issued["user_id"])
    loose = issued["code"].lower()

    response = client.get(f"/certificates/{loose}.pdf")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/certificates/{issued['code']}.pdf"
    assert normalise_code(loose) == issued["code"]


def test_long_date_spells_the_month_without_a_leading_zero():
    assert long_date(date(2026, 11, 21)) == "November 21, 2026"
    assert long_date(date(2027, 5, 1)) == "May 1, 2027"
    assert long_date(datetime(2026, 1, 9, 23, 59, tzinfo=UTC)) == "January 9, 2026"
    assert long_date(None) == ""
