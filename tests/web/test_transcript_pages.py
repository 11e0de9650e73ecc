"""The training transcript on the web: the trainee's own page and PDF, the supervisor's and
staff's view of a trainee's transcript (scoped as the trainee record is), /verify for a
transcript code (page and JSON, also once the trainee was erased), and a fixed number of SQL
statements however long the history."""

import io
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Transcript, User
from lms.services.certification import certification, codes
from lms.services.people import erasure, supervision
from tests import livekit, records
from tests import roster_data as rd
from tests import transcriptkit as kit
from tests.conftest import csrf_token, sign_in_as
from tests.statements import count_statements
from tests.xss import assert_no_script

PAYLOAD = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'


@pytest.fixture
def world(app, courses_dir):
    with app.app_context():
        course = records.publish(courses_dir)
        ada = records.person("ada@example.org", "Ada Trainee")
        bo = records.person("bo@example.org", "Bo Trainee")
        sam = records.person("sam@example.org", "Sam Supervisor", "supervisor")
        pat = records.person("pat@example.org", "Pat Supervisor", "supervisor")
        stella = records.person("stella@example.org", "Stella Staff", "staff")
        alex = records.person("alex@example.org", "Alex Admin", "admin")
        cohort_id = rd.cohort("Spring", course.id)
        rd.enrol(cohort_id, ada.id, bo.id)
        rd.supervise(sam.id, ada.id)
        rd.supervise(pat.id, bo.id)
        first, _ = kit.module_ids(course.id)
        kit.pass_module(ada.id, first, at=datetime(2026, 3, 2, 9, tzinfo=UTC))
        version = livekit.session_version(course.id, minutes=120)
        meeting = livekit.held_meeting(
            version, cohort_id, sam.id, datetime(2026, 5, 1, 15, tzinfo=UTC)
        )
        livekit.attend(meeting, ada.id, "partial", minutes=75, skills=[1])
        kit.hours(ada.id, 90, reviewer_id=sam.id, activity="Peer group")
        kit.hours(ada.id, 600, status="pending", activity="Not yet approved")
        db.session.commit()
        ids = {p.email.split("@")[0]: p.id for p in (ada, bo, sam, pat, stella, alex)}
        return ids | {"course": course.id, "cohort": cohort_id, "first": first}


def download(client, page, action):
    """Open the transcript page, then press its Download PDF button."""
    html = client.get(page).get_data(as_text=True)
    return client.post(action, data={"csrf_token": csrf_token(html)})


def pdf_text(response):
    reader = PdfReader(io.BytesIO(response.data))
    return [page.extract_text() for page in reader.pages]


def test_the_trainee_sees_their_transcript_and_downloads_it_as_a_dated_pdf(app, client, world):
    sign_in_as(client, world["ada"])
    assert 'href="/transcript"' in client.get("/dashboard").get_data(as_text=True)
    html = client.get("/transcript").get_data(as_text=True)

    assert "<h1>My training transcript</h1>" in html
    for text in ("First Steps", "Role-play: listening", "1.25 (part of it)", "Asks open questions",
                 "Sam Supervisor", "Peer group", "Mentoring and education"):  # fmt: skip
        assert text in html, text
    assert "Not yet approved" not in html
    assert "None yet. Each PDF" in html

    response = download(client, "/transcript", "/transcript.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    with app.app_context():
        code = db.session.scalar(select(Transcript.code))
    assert f"transcript-{code}.pdf" in response.headers["Content-Disposition"]
    pages = pdf_text(response)
    text = "\n".join(pages)
    for expected in ("Training transcript", "Ada Trainee", code, f"/verify/{code}", "First Steps",
                     "Role-play: listening", "Asks open questions", "Peer group",
                     "Sam Supervisor"):  # fmt: skip
        assert expected in text, expected
    assert "Not yet approved" not in text
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert all("Ada Trainee" in page and "issued" in page for page in pages)
    assert code in client.get("/transcript").get_data(as_text=True)


def test_transcripts_issued_are_dated_in_the_programs_time_zone(app, client, world):
    """Issued at 2 AM UTC on 22 November is still the evening of the 21st in New York, the date
    the transcript itself carries."""
    sign_in_as(client, world["ada"])
    download(client, "/transcript", "/transcript.pdf")
    with app.app_context():
        row = db.session.scalar(select(Transcript))
        row.issued_at = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
        db.session.commit()
        code = row.code

    html = client.get("/transcript").get_data(as_text=True)

    assert app.config["LMS_TIMEZONE"] == "America/New_York"
    assert f'November 21, 2026 · <span class="certificate-code">{code}</span>' in html


def test_downloading_without_the_forms_token_issues_nothing(app, client, world):
    sign_in_as(client, world["ada"])

    assert client.post("/transcript.pdf").status_code == 400

    with app.app_context():
        assert db.session.scalar(select(func.count(Transcript.id))) == 0


def test_a_long_transcript_runs_over_pages_each_with_name_date_and_page_number(app, client, world):
    with app.app_context():
        kit.bulk_history(world["ada"], world["course"], world["cohort"], world["sam"], 200, 40, 60)
        db.session.commit()
    sign_in_as(client, world["ada"])

    pages = pdf_text(download(client, "/transcript", "/transcript.pdf"))

    assert len(pages) > 3
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert all("Ada Trainee" in page for page in pages)


def test_a_supervisor_opens_the_transcript_of_their_current_trainees_only(app, client, world):
    sign_in_as(client, world["sam"])
    ada, bo = world["ada"], world["bo"]
    record = client.get(f"/supervise/trainees/{ada}").get_data(as_text=True)
    assert f'href="/supervise/trainees/{ada}/transcript"' in record

    page = client.get(f"/supervise/trainees/{ada}/transcript")
    assert page.status_code == 200
    assert "Training transcript of Ada Trainee" in page.get_data(as_text=True)
    pdf = download(
        client, f"/supervise/trainees/{ada}/transcript", f"/supervise/trainees/{ada}/transcript.pdf"
    )
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with app.app_context():
        row = db.session.scalar(select(Transcript))
        assert (row.user_id, row.issued_by_id) == (ada, world["sam"])

    assert client.get(f"/supervise/trainees/{bo}/transcript").status_code == 404
    token = csrf_token(page.get_data(as_text=True))
    post = client.post(f"/supervise/trainees/{bo}/transcript.pdf", data={"csrf_token": token})
    assert post.status_code == 404
    assert client.get(f"/supervise/trainees/{world['pat']}/transcript").status_code == 404

    with app.app_context():
        supervision.assign_supervisor(ada, world["pat"])
    assert client.get(f"/supervise/trainees/{ada}/transcript").status_code == 404


def test_staff_open_any_trainees_transcript_from_their_people_page(app, client, world):
    sign_in_as(client, world["stella"])
    person = client.get(f"/staff/people/{world['bo']}").get_data(as_text=True)
    assert f'href="/supervise/trainees/{world["bo"]}/transcript"' in person

    for trainee in ("ada", "bo"):
        assert client.get(f"/supervise/trainees/{world[trainee]}/transcript").status_code == 200
    assert client.get(f"/supervise/trainees/{world['sam']}/transcript").status_code == 404
    assert client.get("/supervise/trainees/999999/transcript").status_code == 404


def test_a_trainee_cannot_open_anothers_transcript(client, world):
    sign_in_as(client, world["bo"])

    assert client.get(f"/supervise/trainees/{world['ada']}/transcript").status_code == 403
    assert "Ada Trainee" not in client.get("/transcript").get_data(as_text=True)


def test_verify_shows_only_who_and_when_for_a_transcript_code(app, client, world):
    sign_in_as(client, world["ada"])
    download(client, "/transcript", "/transcript.pdf")
    with app.app_context():
        code = db.session.scalar(select(Transcript.code))
    anonymous = app.test_client()

    typed = anonymous.get("/verify", query_string={"code": code.lower().replace("-", " ")})
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/verify/{code}")
    page = anonymous.get(f"/verify/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    today = re.search(r"issued on (\w+ \d+, \d{4}) to Ada Trainee", html)
    assert today, html
    for private in ("First Steps", "Peer group", "1.5", "Role-play", "ada@example.org"):
        assert private not in html, private
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"

    data = anonymous.get(f"/verify/{code}.json").json
    assert data == {"type": "transcript", "code": code, "holder": "Ada Trainee",
                    "issued_on": data["issued_on"]}  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["issued_on"])


def test_a_mistyped_or_unknown_transcript_code_is_not_found(app, client, world):
    good = codes.new_code("TR")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")

    unknown = client.get(f"/verify/{good}")
    assert unknown.status_code == 404
    assert "<h1>No transcript has this code</h1>" in unknown.get_data(as_text=True)
    assert "mistyped" in client.get(f"/verify/{wrong}").get_data(as_text=True)
    assert client.get(f"/verify/{good}.json").json == {"error": "No transcript has this code."}
    assert "mistyped" in client.get(f"/verify/{wrong}.json").json["error"]


def test_an_erased_trainees_transcript_still_verifies_without_their_name(app, client, world):
    sign_in_as(client, world["ada"])
    download(client, "/transcript", "/transcript.pdf")
    with app.app_context():
        code = db.session.scalar(select(Transcript.code))
        erasure.erase_trainee(world["alex"], world["ada"])

    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "No longer available" in html and "Ada Trainee" not in html
    assert client.get(f"/verify/{code}.json").json["holder"] is None


def test_user_text_on_the_transcript_page_is_escaped(app, client, world):
    with app.app_context():
        kit.hours(world["ada"], 60, reviewer_id=world["sam"], activity=PAYLOAD[:60])
        ada = db.session.get(User, world["ada"])
        ada.name = PAYLOAD
        db.session.commit()
    sign_in_as(client, world["sam"])

    html = client.get(f"/supervise/trainees/{world['ada']}/transcript").get_data(as_text=True)

    # The page's own forms (sign out, Download PDF) are allowed; nothing from the text is.
    assert_no_script(html, "transcript page", page=True, allow_tags=("form", "input", "button"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def _measure(app, client, world):
    results = {}
    for who, page, pdf in (
        ("ada", "/transcript", "/transcript.pdf"),
        ("sam", f"/supervise/trainees/{world['ada']}/transcript",
         f"/supervise/trainees/{world['ada']}/transcript.pdf"),
    ):  # fmt: skip
        sign_in_as(client, world[who])
        client.get(page)
        statuses = []

        def open_page(page=page, statuses=statuses):
            statuses.append(client.get(page).status_code)

        results[f"{page} as {who}"] = count_statements(app, open_page)
        token = csrf_token(client.get(page).get_data(as_text=True))

        def press(pdf=pdf, statuses=statuses, token=token):
            statuses.append(client.post(pdf, data={"csrf_token": token}).status_code)

        results[f"{pdf} as {who}"] = count_statements(app, press)
        assert statuses == [200, 200]
    return results


def test_the_transcript_page_and_pdf_run_the_same_statements_whatever_the_history(
    app, client, world
):
    small = _measure(app, client, world)
    with app.app_context():
        kit.bulk_history(world["ada"], world["course"], world["cohort"], world["sam"], 199, 40, 60)
        db.session.commit()

    large = _measure(app, client, world)

    assert large == small
    assert all(count <= 20 for count in large.values()), large


def test_a_certificate_whose_course_initials_are_tr_still_verifies(app, client, world):
    with app.app_context():
        code = certification.new_code("trauma-recovery")
        rd.certificate(world["ada"], world["course"], expires_on=date(2099, 1, 1), code=code)
        db.session.commit()
    assert code.startswith("TR-")

    page = client.get(f"/verify/{code}")

    assert page.status_code == 200 and "Awarded to" in page.get_data(as_text=True)
    assert client.get(f"/verify/{code}.json").json["status"] == "valid"
