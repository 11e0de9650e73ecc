"""The course page's certificate checklist, kept by the worker that made it
(lms/services/certification/kept_checklists.py): used again only while it is still true. Each
change to what it is read from, written by any page, service or statement, shows at the next
view; so does a next meeting that has begun; and one trainee's is never another's."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from lms.extensions import db
from lms.models import Course, Meeting, PracticeSession
from lms.services.authoring.publishing import sync_courses
from lms.services.certification import kept_checklists
from lms.services.people import accounts
from tests import livekit, transcriptkit
from tests import roster_data as rd
from tests.conftest import BUNDLED_COURSES, sign_in_as
from tests.statements import recorded_statements

PAGE = "/courses/peer-support-foundations/"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def checklist_text(client):
    """The page's checklist as words, and the statements the view ran."""
    with recorded_statements(client.application) as statements:
        response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    section = re.search(r'<section class="card req-checklist".*?</section>', html, re.S).group()
    return " ".join(re.sub(r"<[^>]+>", " ", section).split()), len(statements)


def setup(app):
    with app.app_context():
        sync_courses(BUNDLED_COURSES / "peer-support-foundations")
        ada = accounts.ensure_user("ada@example.org", "Ada", ["trainee"], "a-long-passphrase").id
        bob = accounts.ensure_user("bob@example.org", "Bob", ["trainee"], "a-long-passphrase").id
        staff = rd.person("Sam Staff", roles=("staff", "supervisor"))
        course = db.session.scalar(select(Course))
        spring = rd.cohort("Spring", course.id)
        rd.enrol(spring, ada)
        db.session.commit()
        return ada, bob, staff, course.id, spring


def test_each_change_shows_at_the_next_view(app, clock):
    clock.freeze(NOW)
    ada, bob, staff, course_id, spring = setup(app)
    client = sign_in_as(app.test_client(), ada)
    client.get("/")  # the catalog copy made

    def change(write):
        with app.app_context():
            write()
            db.session.commit()

    text, made = checklist_text(client)
    assert "Not signed yet" in text and "0 of 31 quizzes passed" in text
    assert made == 7
    assert checklist_text(client) == (text, 2)  # kept

    change(lambda: rd.signature(ada, course_id, db.session.get(Course, course_id).ethics_hash))
    text, made = checklist_text(client)
    assert "Signed" in text and "Not signed yet" not in text
    assert made == 7
    assert checklist_text(client)[1] == 2

    change(lambda: transcriptkit.hours(ada, 120, status="pending"))
    assert "(2 waiting for review)" in checklist_text(client)[0]
    change(lambda: db.session.execute(update(PracticeSession).values(status="approved")))
    text, _ = checklist_text(client)
    assert "2 of" in text and "waiting for review" not in text

    # A meeting scheduled for her cohort is her next session, until it begins.
    assert "no session is scheduled" in text
    change(
        lambda: livekit.held_meeting(
            livekit.current_versions(course_id)[0], spring, staff, NOW + timedelta(minutes=20)
        )
    )
    text, _ = checklist_text(client)
    assert "Not yet; next session" in text
    assert checklist_text(client)[1] == 2
    clock.advance(minutes=21)
    text, made = checklist_text(client)
    assert "Not yet; next session" not in text, text
    assert made == 10  # the session's last-seen note (every 5 minutes) begins a transaction

    # Marked present at it: attended.
    def present():
        meeting = db.session.scalar(select(Meeting))
        livekit.attend(meeting, ada)

    change(present)
    assert "Attended on" in checklist_text(client)[0]

    # A module passed, as a quiz would (the page's own progress counts the quizzes).
    change(lambda: transcriptkit.pass_module(ada, transcriptkit.module_ids(course_id)[0]))
    assert "1 of 31 quizzes passed" in checklist_text(client)[0]

    # Bob's page is his own, though Ada's is kept.
    text, made = checklist_text(sign_in_as(app.test_client(), bob))
    assert "Not signed yet" in text and "0 of 31 quizzes passed" in text
    assert made == 7


def test_a_publish_makes_it_again(app):
    ada, *_ = setup(app)
    client = sign_in_as(app.test_client(), ada)
    client.get("/")
    checklist_text(client)
    assert checklist_text(client)[1] == 2
    with app.app_context():
        from lms.services.learning import catalog_version

        catalog_version.bump()
        db.session.commit()
    assert checklist_text(client)[1] > 2


def test_a_worker_keeps_at_most_so_many(app, monkeypatch):
    monkeypatch.setattr(kept_checklists, "KEPT", 1)
    ada, bob, *_ = setup(app)
    ada_client = sign_in_as(app.test_client(), ada)
    bob_client = sign_in_as(app.test_client(), bob)
    ada_client.get("/")
    checklist_text(ada_client)
    assert checklist_text(ada_client)[1] == 2
    checklist_text(bob_client)  # takes Ada's place
    assert checklist_text(ada_client)[1] == 7
