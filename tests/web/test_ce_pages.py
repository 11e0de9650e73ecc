"""The CE pages: the ledger and its form (upload judged by content, size limits), evidence
downloads (owner and staff only, as attachments that cannot run), withdrawing, the CE
certificate, staff review, and XSS payloads through every text a person types."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from lms.extensions import db
from lms.models import CEEntry, CEEvidence, User
from lms.services.authoring.publishing import sync_courses
from lms.services.logbook import ce, evidence
from tests import cekit
from tests import requirementkit as kit
from tests.cekit import HTML, PDF, image
from tests.conftest import csrf_token, sign_in_as, submission_token
from tests.statements import recorded_statements
from tests.xss import assert_no_script, load_payloads, require_testdata

LEDGER = "/ce"
REVIEW = "/staff/ce"
# The pages' own forms (the payloads must add none: their text is escaped).
OWN_FORMS = ("form", "input", "button", "textarea", "select")


@pytest.fixture
def people(app, courses_dir):
    with app.app_context():
        sync_courses(courses_dir)
        found = kit.make_people()
        found["admin"] = kit.person("Alex Admin", "alex@example.org", "admin")
        cekit.give_renewal_rule()
        return {name: user.id for name, user in found.items()}


def client_for(app, user_id):
    return sign_in_as(app.test_client(), user_id)


def field_error(html, field_id):
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", match[1]).strip() if match else None


def log_form(client, name="certificate.pdf", data=PDF, **changes):
    token = csrf_token(client.get(LEDGER).get_data(as_text=True))
    fields = {
        "csrf_token": token,
        "title": "Ethics in peer work",
        "provider": "State Peer Network",
        "completed_on": cekit.TODAY.isoformat(),
        "hours": "1.5",
        "category": "ethics",
        **changes,
    }
    if data is not None:
        fields["evidence"] = (BytesIO(data), name)
    # Built here so that the body Werkzeug spools to a temporary file (over 500 KB) is closed.
    builder = EnvironBuilder(path=LEDGER, method="POST", data=fields)
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def only_entry(app):
    with app.app_context():
        entry = db.session.scalar(select(CEEntry))
        db.session.expunge(entry)
        return entry


def test_the_ledger_offers_the_categories_and_logs_an_entry(app, people, clock):
    clock.freeze(cekit.NOW)
    client = client_for(app, people["ada"])
    html = client.get(LEDGER).get_data(as_text=True)
    assert '<option value="peer-specific">Peer-specific</option>' in html
    assert 'enctype="multipart/form-data"' in html
    response = log_form(client)
    assert response.status_code == 303
    html = client.get(LEDGER).get_data(as_text=True)
    assert "Logged 1.5 CE hours for “Ethics in peer work”" in html
    assert "Waiting for review" in html and "certificate.pdf" in html
    assert re.search(r'<th scope="row">Ethics</th><td>0 hours</td><td>1.5 hours</td>', html)


def test_the_form_sent_twice_logs_one_entry_and_answers_both_alike(app, people, clock):
    clock.freeze(cekit.NOW)
    client = client_for(app, people["ada"])
    token = submission_token(client.get(LEDGER).get_data(as_text=True))

    first = log_form(client, submission=token)
    second = log_form(client, submission=token)

    assert (first.status_code, second.status_code) == (303, 303)
    assert first.location == second.location == LEDGER
    assert (count(app, CEEntry), count(app, CEEvidence)) == (1, 1)


def test_with_no_renewal_rule_the_page_says_logging_is_not_open(app, people):
    with app.app_context():
        for course in db.session.scalars(select(ce.Course)):
            course.renewal = {}
        db.session.commit()
    html = client_for(app, people["ada"]).get(LEDGER).get_data(as_text=True)
    assert "Logging opens once a course here has a renewal rule" in html


def test_html_named_pdf_is_refused_by_its_bytes(app, people, clock):
    clock.freeze(cekit.NOW)
    response = log_form(client_for(app, people["ada"]), name="certificate.pdf", data=HTML)
    assert response.status_code == 422
    message = field_error(response.get_data(as_text=True), "evidence")
    assert message.startswith("Error: This kind of file cannot be kept")
    assert count(app, CEEvidence) == 0


def test_a_png_named_pdf_is_kept_as_the_png_it_is(app, people, clock):
    clock.freeze(cekit.NOW)
    response = log_form(client_for(app, people["ada"]), name="scan.pdf", data=image())
    assert response.status_code == 303
    with app.app_context():
        stored = db.session.scalar(select(CEEvidence))
        assert (stored.content_type, stored.file_name) == ("image/png", "scan.png")


def test_evidence_is_required_and_the_other_fields_are_kept(app, people, clock):
    clock.freeze(cekit.NOW)
    response = log_form(client_for(app, people["ada"]), data=None, hours="1.1")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "evidence").startswith("Error: Choose your evidence file")
    assert field_error(html, "hours") == (
        "Error: Round to the nearest quarter hour, for example 1, 1.25, 1.5 or 1.75."
    )
    assert 'value="Ethics in peer work"' in html


def test_a_file_over_10_mb_is_refused_with_a_message_and_a_huge_one_with_413(app, people, clock):
    clock.freeze(cekit.NOW)
    client = client_for(app, people["ada"])
    over = b"%PDF-" + b"0" * (evidence.MAX_BYTES + 100)
    response = log_form(client, data=over)
    assert response.status_code == 422
    assert "the limit is 10 MB" in field_error(response.get_data(as_text=True), "evidence")
    huge = b"%PDF-" + b"0" * (12 * 1024 * 1024)
    response = log_form(client, data=huge)
    assert response.status_code == 413
    assert "at most 10 MB" in response.get_data(as_text=True)
    assert "choose a smaller file" in response.get_data(as_text=True)
    assert count(app, CEEntry) == 0


def test_evidence_is_served_to_its_owner_and_staff_only_as_an_attachment(app, people, clock):
    clock.freeze(cekit.NOW)
    log_form(client_for(app, people["ada"]), name="proof.png", data=image())
    entry = only_entry(app)
    path = f"/ce/evidence/{entry.evidence_id}"
    for who in ("ada", "stella", "admin"):
        response = client_for(app, people[who]).get(path)
        assert response.status_code == 200, who
        assert response.mimetype == "image/png"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "proof.png" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response.headers["Cache-Control"] == "private, no-store"
    for who in ("bo", "sam"):
        assert client_for(app, people[who]).get(path).status_code == 404, who
    assert client_for(app, people["ada"]).get("/ce/evidence/999").status_code == 404
    assert app.test_client().get(path).status_code == 302  # to sign in


def test_pages_keep_the_sites_own_content_security_policy(app, people):
    response = client_for(app, people["ada"]).get(LEDGER)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_owner_withdraws_a_pending_entry_and_nobody_else_can(app, people, clock):
    clock.freeze(cekit.NOW)
    ada = client_for(app, people["ada"])
    log_form(ada)
    entry = only_entry(app)
    bo = client_for(app, people["bo"])
    token = csrf_token(bo.get(LEDGER).get_data(as_text=True))
    path = f"/ce/{entry.id}/withdraw"
    assert bo.post(path, data={"csrf_token": token}).status_code == 404
    token = csrf_token(ada.get(LEDGER).get_data(as_text=True))
    assert ada.post(path, data={"csrf_token": token}).status_code == 303
    assert "Withdrew “Ethics in peer work”" in ada.get(LEDGER).get_data(as_text=True)
    assert count(app, CEEntry) == 0 and count(app, CEEvidence) == 0


def test_staff_see_the_count_and_approve_with_the_queue(app, people, clock):
    clock.freeze(cekit.NOW)
    log_form(client_for(app, people["ada"]))
    entry = only_entry(app)
    staff = client_for(app, people["stella"])
    assert "1 entry waiting" in staff.get("/staff/").get_data(as_text=True)
    html = staff.get(REVIEW).get_data(as_text=True)
    assert "Ada Trainee: 1.5 hours of ethics" in html
    assert f'href="/ce/evidence/{entry.evidence_id}"' in html
    token = csrf_token(html)
    response = staff.post(
        f"{REVIEW}/{entry.id}",
        data={"csrf_token": token, f"ce-{entry.id}-decision": "approve",
              f"ce-{entry.id}-comment": ""},
    )  # fmt: skip
    assert response.status_code == 303
    html = staff.get(REVIEW).get_data(as_text=True)
    assert "Approved 1.5 CE hours for Ada Trainee." in html
    assert "No continuing education is waiting for review." in html
    assert only_entry(app).status == "approved"
    assert "none waiting" in staff.get("/staff/").get_data(as_text=True)


def test_rejecting_without_a_comment_shows_the_message_by_the_field(app, people, clock):
    clock.freeze(cekit.NOW)
    log_form(client_for(app, people["ada"]))
    entry = only_entry(app)
    staff = client_for(app, people["stella"])
    token = csrf_token(staff.get(REVIEW).get_data(as_text=True))
    response = staff.post(
        f"{REVIEW}/{entry.id}",
        data={"csrf_token": token, f"ce-{entry.id}-decision": "reject"},
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), f"ce-{entry.id}-comment") == (
        "Error: Say why, so the person can fix it and log it again."
    )
    assert only_entry(app).status == "pending"


def test_staff_cannot_approve_their_own_entry_another_can(app, people, clock):
    clock.freeze(cekit.NOW)
    with app.app_context():
        entry_id = cekit.log(db.session.get(User, people["stella"])).id
    stella, admin = client_for(app, people["stella"]), client_for(app, people["admin"])
    html = stella.get(REVIEW).get_data(as_text=True)
    assert "Stella Staff: 1.5 hours of ethics" in html and ce.OWN_ENTRY in html
    assert f'action="{REVIEW}/{entry_id}"' not in html
    response = stella.post(
        f"{REVIEW}/{entry_id}",
        data={"csrf_token": csrf_token(html), f"ce-{entry_id}-decision": "approve"},
    )
    assert response.status_code == 303
    assert ce.OWN_ENTRY in stella.get(REVIEW).get_data(as_text=True)
    assert only_entry(app).status == "pending"
    assert f'action="{REVIEW}/{entry_id}"' in admin.get(REVIEW).get_data(as_text=True)


def test_only_staff_and_admins_open_the_review_page(app, people):
    for who, status in (("ada", 403), ("sam", 403), ("stella", 200), ("admin", 200)):
        assert client_for(app, people[who]).get(REVIEW).status_code == status, who


def test_the_ce_certificate_downloads_for_its_holder(app, people):
    with app.app_context():
        cekit.grant_ce()
        ada = db.session.get(ce.User, people["ada"])
        entry = ce.record_module_pass(ada.id, cekit.grant_ce(), cekit.NOW, "Riverside")
        db.session.commit()
        entry_id = entry.id
    path = f"/ce/{entry_id}/certificate.pdf"
    response = client_for(app, people["ada"]).get(path)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "CE certificate (PDF)" in client_for(app, people["ada"]).get(LEDGER).get_data(
        as_text=True
    )
    assert client_for(app, people["bo"]).get(path).status_code == 404
    assert client_for(app, people["stella"]).get(path).status_code == 200
    box = PdfReader(BytesIO(response.data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)  # US Letter
    app.config["LMS_PAPER_SIZE"] = "a4"
    a4 = PdfReader(BytesIO(client_for(app, people["ada"]).get(path).data)).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (842, 595)


def xss_payloads(limit=40):
    require_testdata()
    return [
        p for p in load_payloads("xss_payloads_quick.txt")
        if "\n" not in p and "\r" not in p and p.strip() and len(p) <= 190
        and not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", p)
    ][:limit]  # fmt: skip


def test_xss_payloads_in_title_provider_comment_and_file_name_stay_text(app, people, clock):
    clock.freeze(cekit.NOW)
    ada = client_for(app, people["ada"])
    staff = client_for(app, people["stella"])
    payloads = xss_payloads()
    assert len(payloads) >= 20
    for payload in payloads:
        response = log_form(ada, name=payload + ".pdf", title=payload, provider=payload)
        assert response.status_code == 303, payload
    with app.app_context():
        ids = list(db.session.scalars(select(CEEntry.id).order_by(CEEntry.id)))
    review_html = staff.get(REVIEW).get_data(as_text=True)
    assert_no_script(review_html, "review page", page=True, allow_tags=OWN_FORMS)
    token = csrf_token(review_html)
    for entry_id, payload in zip(ids, payloads, strict=True):
        staff.post(
            f"{REVIEW}/{entry_id}",
            data={"csrf_token": token, f"ce-{entry_id}-decision": "reject",
                  f"ce-{entry_id}-comment": payload},
        )  # fmt: skip
    ledger_html = ada.get(LEDGER).get_data(as_text=True)
    assert ledger_html.count("Not approved") >= len(payloads)
    assert_no_script(ledger_html, "ledger", page=True, allow_tags=OWN_FORMS)
    review_html = staff.get(REVIEW).get_data(as_text=True)
    assert "No continuing education is waiting for review." in review_html
    assert_no_script(review_html, "review page", page=True, allow_tags=OWN_FORMS)
    with app.app_context():
        names = set(db.session.scalars(select(CEEvidence.file_name)))
    assert all(re.fullmatch(r"[A-Za-z0-9 ._-]+", name) for name in names)


def statements_for(app, client, path):
    with recorded_statements(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_the_ledger_and_the_queue_run_as_many_statements_for_30_entries_as_for_1(
    app, people, clock
):
    clock.freeze(cekit.NOW)
    ada, staff = client_for(app, people["ada"]), client_for(app, people["stella"])
    log_form(ada)
    few = statements_for(app, ada, LEDGER), statements_for(app, staff, REVIEW)
    with app.app_context():
        for n in range(29):
            user = db.session.get(ce.User, people["ada" if n % 2 else "bo"])
            cekit.log(user, title=f"Workshop {n}")
    many = statements_for(app, ada, LEDGER), statements_for(app, staff, REVIEW)
    assert many == few
    assert few[0] <= 8
