"""The pages of requirements beyond quizzes: signing the code of ethics, logging practice, the
supervisor's queue of hours to review, and the checklist on the course page and dashboard."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import EthicsSignature, PracticeSession, User
from lms.models.types import utcnow
from lms.services.authoring.publishing import sync_courses
from lms.services.certification import requirements
from tests.conftest import csrf_token, sign_in_as, submission_token
from tests.requirementkit import (
    make_people,
    pass_quizzes,
    publish_course_with_requirements,
    published_course,
)
from tests.unit.test_ethics_signed_once import signed_elsewhere_before_the_write

ETHICS = "/courses/sample-course/ethics"
COURSE = "/courses/sample-course/"


@pytest.fixture
def people(app, tmp_path):
    """The sample course with requirements published; {name: user id}."""
    with app.app_context():
        publish_course_with_requirements(tmp_path / "required")
        return {name: user.id for name, user in make_people().items()}


def client_for(app, user_id):
    return sign_in_as(app.test_client(), user_id)


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def field_error(html, field_id):
    """The error shown next to a field, or None."""
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", match[1]).strip() if match else None


def hours_row(html, kind_name):
    """(approved, waiting) in the trainee's table of hours, for one kind."""
    match = re.search(
        rf'<tr><th scope="row">{kind_name}</th><td>(.*?)</td><td>(.*?)</td></tr>', html
    )
    return match.groups() if match else None


def today():
    return utcnow().date().isoformat()


def log_session(client, **fields):
    data = {"session_date": today(), "hours": "1.5", "activity": "Group facilitation"}
    data.update(fields)
    token = csrf_token(page(client, "/practice"))
    return client.post("/practice", data={"csrf_token": token, **data})


def session_ids():
    return list(db.session.scalars(select(PracticeSession.id).order_by(PracticeSession.id)))


def review(client, session_id, decision, comment=""):
    token = csrf_token(page(client, "/supervise/hours"))
    prefix = f"review-{session_id}"
    return client.post(
        f"/supervise/hours/{session_id}",
        data={f"{prefix}-csrf_token": token, f"{prefix}-decision": decision,
              f"{prefix}-comment": comment},
    )  # fmt: skip


# --- the code of ethics --------------------------------------------------------------------------


def test_the_code_of_ethics_is_signed_by_typing_the_full_name(app, people):
    ada = client_for(app, people["ada"])
    html = page(ada, ETHICS)
    assert "<h1>Code of ethics</h1>" in html
    assert "We treat every person with warmth and respect." in html
    assert '<label for="full_name">Type your full name to sign</label>' in html
    assert "I have read this code of ethics and agree to follow it</label>" in html
    token = csrf_token(html)

    refused = ada.post(ETHICS, data={"csrf_token": token, "full_name": "Ada"})

    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert field_error(html, "agree") == (
        "Error: Tick the box to show you have read the code and agree to follow it."
    )
    assert field_error(html, "full_name") == (
        "Error: Type your full name exactly as it appears on your account: Ada Trainee"
    )

    refused = ada.post(ETHICS, data={"csrf_token": token, "full_name": "", "agree": "y"})

    html = refused.get_data(as_text=True)
    assert field_error(html, "full_name") == "Error: Type your full name to sign."
    assert field_error(html, "agree") is None

    signed = ada.post(ETHICS, data={"csrf_token": token, "full_name": "ada trainee", "agree": "y"})

    assert signed.status_code == 303 and signed.headers["Location"].endswith(ETHICS)
    html = page(ada, ETHICS)
    assert "Thank you. You signed the code of ethics on" in html
    assert re.search(r"You signed this code of ethics on [A-Z][a-z]+ \d{1,2}, \d{4},", html)
    assert "as “ada trainee”" in html
    assert 'name="full_name"' not in html  # nothing more to sign


def test_a_signing_that_lands_after_another_tabs_reads_as_signed(app, people):
    ada = client_for(app, people["ada"])
    token = csrf_token(page(ada, ETHICS))
    with app.app_context():
        signed_elsewhere_before_the_write(people["ada"], published_course(), utcnow())

    signed = ada.post(ETHICS, data={"csrf_token": token, "full_name": "Ada Trainee", "agree": "y"})

    assert signed.status_code == 303 and signed.headers["Location"].endswith(ETHICS)
    html = page(ada, ETHICS)
    assert "Thank you. You signed the code of ethics on" in html
    assert 'name="full_name"' not in html
    with app.app_context():
        assert db.session.scalar(select(func.count(EthicsSignature.id))) == 1


def test_signing_needs_the_csrf_token(app, people):
    ada = client_for(app, people["ada"])

    response = ada.post(ETHICS, data={"full_name": "Ada Trainee", "agree": "y"})

    assert response.status_code == 400
    assert 'name="full_name"' in page(ada, ETHICS)  # still unsigned


def test_a_course_without_a_code_of_ethics_has_no_ethics_page(app, courses_dir, people):
    with app.app_context():
        sync_courses(courses_dir / "sample-course")  # the plain sample course again
    ada = client_for(app, people["ada"])

    assert ada.get(ETHICS).status_code == 404
    assert ada.get("/courses/no-such-course/ethics").status_code == 404
    assert "What your certificate needs" not in page(ada, COURSE)


# --- logging practice ----------------------------------------------------------------------------


def test_the_practice_form_shows_the_privacy_reminder_above_the_notes(app, people):
    html = page(client_for(app, people["ada"]), "/practice")

    reminder = html.index(
        "Never write anything that could identify a person you support: no names, initials, "
        "places or dates of birth."
    )
    assert html.index('<label for="notes">') < reminder < html.index("<textarea")
    assert 'aria-describedby="notes-privacy notes-hint"' in html
    assert "You have no supervisor yet." not in html
    assert "Your supervisor is <strong>Sam Supervisor</strong>." in html


def test_the_practice_pages_say_toward_a_certificate_in_us_english(app, people):
    ada = client_for(app, people["ada"])
    log_session(ada)  # so that the supervisor's queue has a session to review
    trainee = re.sub(r"\s+", " ", page(ada, "/practice"))
    supervisor = re.sub(r"\s+", " ", page(client_for(app, people["sam"]), "/supervise/hours"))

    assert "only approved hours count toward a certificate." in trainee
    assert "Only approved hours count toward a certificate." in supervisor
    assert "towards" not in trainee + supervisor


def test_practice_form_errors_are_shown_next_to_their_fields(app, people):
    ada = client_for(app, people["ada"])

    response = log_session(
        ada, session_date="2999-01-01", hours="1.1", activity="", notes="x" * 2001
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(html, "session_date") == (
        "Error: The date is in the future: log a session after it has happened."
    )
    assert field_error(html, "hours") == (
        "Error: Round to the nearest quarter hour, for example 1, 1.25, 1.5 or 1.75."
    )
    assert field_error(html, "activity") == "Error: Choose the kind of activity."
    assert field_error(html, "notes") == (
        "Error: Keep the notes to 2000 characters or fewer (these have 2001)."
    )
    with app.app_context():
        assert session_ids() == []


def test_a_logged_session_waits_for_review(app, people):
    ada = client_for(app, people["ada"])

    response = log_session(ada, notes="Co-led the Tuesday group.")

    assert response.status_code == 303
    html = page(ada, "/practice")
    assert re.search(
        r"Logged 1\.5 hours of peer-support work on [A-Z][a-z]+ \d{1,2}, \d{4}\. It waits for",
        html,
    )
    assert "<strong>Waiting for review</strong>" in html
    assert hours_row(html, "Peer-support work") == ("0 hours", "1.5 hours")
    assert hours_row(html, "Supervision") == ("0 hours", "0 hours")
    assert (
        "<strong>Sample Course</strong>: 3 approved hours of supervised practice (work and "
        "supervision count together)."
    ) in html


def test_the_practice_form_sent_twice_logs_one_session_and_answers_both_alike(app, people):
    """A double tap, or the form sent again after a slow network: the same token both times."""
    ada = client_for(app, people["ada"])
    html = page(ada, "/practice")
    data = {
        "csrf_token": csrf_token(html),
        "submission": submission_token(html),
        "session_date": today(),
        "hours": "1.5",
        "activity": "Group facilitation",
    }

    first, second = ada.post("/practice", data=data), ada.post("/practice", data=data)

    assert (first.status_code, second.status_code) == (303, 303)
    assert first.location == second.location == "/practice"
    with app.app_context():
        assert len(session_ids()) == 1
    html = page(ada, "/practice")
    assert hours_row(html, "Peer-support work") == ("0 hours", "1.5 hours")
    assert submission_token(html) != data["submission"]  # the next form is a new sending
    ada.post("/practice", data={**data, "submission": submission_token(html)})
    with app.app_context():
        assert len(session_ids()) == 2


# --- the supervisor's queue ----------------------------------------------------------------------


def test_the_supervisor_approves_and_rejects_with_a_comment(app, people):
    ada, sam = client_for(app, people["ada"]), client_for(app, people["sam"])
    log_session(ada, notes="Co-led the Tuesday group.")
    log_session(ada, hours="2", activity="Other")
    with app.app_context():
        first, second = session_ids()
    html = page(sam, "/supervise/hours")
    assert "<h1>Hours waiting for review</h1>" in html
    assert "Ada Trainee: 1.5 hours" in html and "Co-led the Tuesday group." in html
    assert f'<label for="review-{first}-comment">Comment for the trainee</label>' in html

    refused = review(sam, second, "reject")

    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), f"review-{second}-comment") == (
        "Error: Say why, so the trainee can fix it and log it again."
    )
    assert field_error(refused.get_data(as_text=True), f"review-{first}-comment") is None

    assert review(sam, first, "approve", "Good reflection.").status_code == 303
    assert "Approved 1.5 hours for Ada Trainee." in page(sam, "/supervise/hours")
    assert review(sam, second, "reject", "Log supervision meetings as such.").status_code == 303
    html = page(sam, "/supervise/hours")
    assert "Not approved. Ada Trainee will see your comment." in html
    assert "No hours are waiting for your review." in html

    again = review(sam, first, "approve")
    assert again.status_code == 303
    assert "This session has already been reviewed: it was approved." in page(
        sam, "/supervise/hours"
    )

    html = page(ada, "/practice")
    assert "<strong>Approved</strong>" in html and "<strong>Not approved</strong>" in html
    assert "Your supervisor said: “Log supervision meetings as such.”" in html
    # a rejected entry cannot be edited: the page says how to fix it, once, under that entry
    assert html.count("These hours do not count. To fix them, log the session again above.") == 1
    assert hours_row(html, "Peer-support work") == ("1.5 hours", "0 hours")


def test_a_comment_that_cannot_be_stored_comes_back_with_its_text_and_nothing_is_reviewed(
    app, people
):
    ada, sam = client_for(app, people["ada"]), client_for(app, people["sam"])
    log_session(ada)
    with app.app_context():
        (session_id,) = session_ids()

    refused = review(sam, session_id, "reject", "Log it as\x0b supervision.")

    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert field_error(html, f"review-{session_id}-comment")
    assert "Log it as supervision.</textarea>" in html  # the text kept, without the character
    assert "Ada Trainee: 1.5 hours" in page(sam, "/supervise/hours")  # still waiting


def test_another_supervisor_gets_404_for_a_session_that_is_not_theirs(app, people):
    ada, pat = client_for(app, people["ada"]), client_for(app, people["pat"])
    log_session(ada)
    with app.app_context():
        [session_id] = session_ids()

    assert "No hours are waiting for your review." in page(pat, "/supervise/hours")
    assert review(pat, session_id, "approve").status_code == 404
    assert review(pat, session_id + 99, "approve").status_code == 404
    assert ada.get("/supervise/hours").status_code == 403
    with app.app_context():
        assert db.session.get(PracticeSession, session_id).status == "pending"


def test_approving_the_last_hours_issues_the_certificate(app, people):
    ada, sam = client_for(app, people["ada"]), client_for(app, people["sam"])
    with app.app_context():
        pass_quizzes(db.session.get(User, people["ada"]), published_course())
        db.session.commit()
    token = csrf_token(page(ada, ETHICS))
    ada.post(ETHICS, data={"csrf_token": token, "full_name": "Ada Trainee", "agree": "y"})
    log_session(ada, hours="3")
    with app.app_context():
        [session_id] = session_ids()

    review(sam, session_id, "approve")

    assert "Ada Trainee has met every requirement: certificate “Sample Certificate” issued." in (
        page(sam, "/supervise/hours")
    )
    assert "Sample Certificate" in page(ada, "/dashboard")


# --- the checklist -------------------------------------------------------------------------------


def test_the_course_page_shows_what_the_certificate_needs(app, people):
    ada = client_for(app, people["ada"])
    log_session(ada, hours="0.5")

    html = page(ada, COURSE)

    card = html[html.index('<h2 id="req-heading">What your certificate needs</h2>') :]
    card = card[: card.index("</section>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", card))
    assert "Still to do: Pass every module quiz — 0 of 2 quizzes passed" in text
    assert "Still to do: Sign the code of ethics — Not signed yet" in text
    assert (
        "Still to do: 3 hours of supervised practice, approved by your supervisor "
        "— 0 of 3 hours approved (0.5 waiting for review)" in text
    )
    assert f'href="{ETHICS}"' in card and 'href="/practice"' in card
    assert "What your certificate needs" not in page(app.test_client(), COURSE)


def test_the_checklist_dates_a_signature_in_the_programs_time_zone(app, people):
    """Signed at 9:30 PM in New York (the program's zone), already the next day in UTC: the
    checklist gives the day the trainee signed, as their transcript and the session items do."""
    with app.app_context():
        ada = db.session.get(User, people["ada"])
        evening = datetime(2026, 11, 22, 2, 30, tzinfo=UTC)  # November 21, 9:30 PM EST
        requirements.sign_ethics(ada.id, published_course().id, ada.name, evening)

    card = page(client_for(app, people["ada"]), COURSE)
    card = card[card.index('<h2 id="req-heading">') :]
    card = card[: card.index("</section>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", card))
    assert "Done: Sign the code of ethics — Signed November 21, 2026" in text
    # every page that dates the signature gives the same day
    ethics = page(client_for(app, people["ada"]), ETHICS)
    assert "You signed this code of ethics on November 21, 2026," in ethics
    record = page(client_for(app, people["sam"]), f"/supervise/trainees/{people['ada']}")
    assert "Signed November 21, 2026" in record and "November 22" not in record


def test_the_thank_you_after_signing_gives_the_programs_day(app, people, clock):
    """Signed on the page at 9:30 PM in New York, already November 22 in UTC: the message after
    signing gives the day the page itself then shows, November 21."""
    clock.freeze(datetime(2026, 11, 22, 2, 30, tzinfo=UTC))  # November 21, 9:30 PM EST
    ada = client_for(app, people["ada"])
    token = csrf_token(page(ada, ETHICS))

    ada.post(ETHICS, data={"csrf_token": token, "full_name": "Ada Trainee", "agree": "y"})

    html = page(ada, ETHICS)
    assert "Thank you. You signed the code of ethics on November 21, 2026." in html
    assert "You signed this code of ethics on November 21, 2026," in html


def test_the_dashboard_shows_the_short_checklist_and_hours_to_review(app, people):
    ada, sam = client_for(app, people["ada"]), client_for(app, people["sam"])
    log_session(ada)

    html = page(ada, "/dashboard")
    assert "Sign the code of ethics</a>" in html
    assert "Pass every module quiz" not in html  # the progress bar says it already
    assert "Hours waiting for review" not in html and "Hours to review" not in html

    html = page(sam, "/dashboard")
    assert '<a href="/supervise/hours">Hours waiting for review (1)</a>' in html
    assert '<a href="/supervise/hours">Hours to review</a>' in html
