"""The staff cohort page's certificate tools through the test client with CSRF on: the zip of a
cohort's certificates, and the switch that emails each new certificate to its holder."""

import io
import zipfile

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Cohort, OutgoingEmail
from lms.services.certification.cohort_certificates import NOTHING_TO_DOWNLOAD
from tests.conftest import csrf_token, sign_in_as
from tests.sharingkit import build, certify_all
from tests.unit.cohortkit import person


@pytest.fixture
def world(app, courses_dir):
    with app.app_context():
        return build(courses_dir)


def page(response):
    return response.get_data(as_text=True)


def zip_path(world):
    return f"/staff/cohorts/{world['cohort']}/certificates.zip"


def test_staff_download_the_zip_from_the_cohort_page(app, client, world):
    with app.app_context():
        codes = certify_all(world)
    sign_in_as(client, world["staff"])

    html = page(client.get(f"/staff/cohorts/{world['cohort']}"))
    assert f'href="{zip_path(world)}">Download certificates (zip)</a>' in html
    assert "Revoked certificates, ones replaced by a renewal" in html
    response = client.get(zip_path(world))

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=Spring-2027-Leeds-certificates.zip"
    )
    assert "no-store" in response.headers["Cache-Control"]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    # a PDF and a signed credential for each of the three certificates, and the manifest
    assert len(names) == 7 and "manifest.csv" in names
    assert any(codes["ada"] in name for name in names)
    response.close()


def test_an_empty_cohort_says_so_instead_of_an_empty_zip(app, client, world):
    sign_in_as(client, world["staff"])

    response = client.get(zip_path(world), follow_redirects=True)

    assert response.status_code == 200 and response.mimetype == "text/html"
    assert NOTHING_TO_DOWNLOAD in page(response)
    with app.app_context():
        assert None is db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "cohort.certificates_downloaded")
        )


def test_an_unknown_cohort_is_not_found(client, world):
    sign_in_as(client, world["staff"])

    assert client.get("/staff/cohorts/9999/certificates.zip").status_code == 404


@pytest.mark.parametrize("role", ["trainee", "supervisor"])
def test_only_staff_may_download(app, client, world, role):
    with app.app_context():
        certify_all(world)
        someone = person(f"{role}-x@example.org", "Someone", [role]).id
    sign_in_as(client, someone)

    assert client.get(zip_path(world)).status_code == 403


def emails_path(world):
    return f"/staff/cohorts/{world['cohort']}/certificate-emails"


def switch(client, world, on):
    token = csrf_token(page(client.get(f"/staff/cohorts/{world['cohort']}")))
    data = {"csrf_token": token, **({"email_certificates": "y"} if on else {})}
    return client.post(emails_path(world), data=data, follow_redirects=True)


def emails_on(app, world):
    with app.app_context():
        return db.session.get(Cohort, world["cohort"]).email_certificates


def set_up_email(app):
    app.config.update(LMS_SMTP_HOST="127.0.0.1", LMS_BASE_URL="https://training.example.org")


def test_staff_turn_certificate_emails_on_and_off_audited(app, client, world):
    set_up_email(app)
    sign_in_as(client, world["staff"])
    html = page(client.get(f"/staff/cohorts/{world['cohort']}"))
    assert "Email each new certificate to its holder" in html
    assert 'name="email_certificates" type="checkbox" value="y">' in html  # off by default

    html = page(switch(client, world, on=True))

    assert emails_on(app, world)
    assert "each new certificate of Spring 2027 / Leeds’s trainees is emailed" in html
    assert 'checked id="email_certificates"' in html
    assert "Email is not set up" not in html and "no certificate can be emailed" not in html
    assert "Nothing changed." in page(switch(client, world, on=True))
    html = page(switch(client, world, on=False))
    assert not emails_on(app, world)
    assert "are no longer emailed" in html
    with app.app_context():
        events = list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "cohort.emails_changed")
                .order_by(AuditEvent.id)
            )
        )
    assert [event.details["email_certificates"] for event in events] == [True, False]
    assert all(event.actor_id == world["staff"] for event in events)


def test_turning_emails_on_without_email_set_up_says_none_can_be_sent(app, client, world):
    sign_in_as(client, world["staff"])
    html = page(client.get(f"/staff/cohorts/{world['cohort']}"))
    assert "Email is not set up on this site\n    (LMS_SMTP_HOST and LMS_BASE_URL)" in html
    assert 'aria-describedby="email_certificates-hint certificate-emails-not-set-up"' in html

    html = page(switch(client, world, on=True))

    assert emails_on(app, world)  # kept: it takes effect once email is set up
    assert (
        "Saved, but no certificate can be emailed yet: email is not set up on this site "
        "(LMS_SMTP_HOST and LMS_BASE_URL). Until it is, new certificates of Spring 2027 / "
        "Leeds’s trainees are not emailed, and they are not sent later either"
    ) in html
    assert "is emailed to its holder" not in html
    with app.app_context():
        codes = certify_all(world)  # issued now: nothing is queued for later
        assert codes and db.session.scalars(select(OutgoingEmail)).all() == []


def test_the_switch_needs_the_csrf_token(app, client, world):
    sign_in_as(client, world["staff"])

    response = client.post(emails_path(world), data={"email_certificates": "y"})

    assert response.status_code == 400
    assert not emails_on(app, world)


def test_a_trainee_cannot_turn_emails_on(app, client, world):
    with app.app_context():
        trainee = person("t-x@example.org", "T", ["trainee"]).id
    sign_in_as(client, trainee)
    token = csrf_token(page(client.get("/account")))

    data = {"csrf_token": token, "email_certificates": "y"}
    response = client.post(emails_path(world), data=data)

    assert response.status_code == 403
    assert not emails_on(app, world)
