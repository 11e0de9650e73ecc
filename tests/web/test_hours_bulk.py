"""The supervisor approves several sessions at once on the hours page (tick some, or approve all
shown, with one comment), and the trainee logs work or supervision."""

import pytest
from werkzeug.datastructures import MultiDict

from lms.extensions import db
from lms.models import PracticeSession
from lms.services.people import supervision
from tests.conftest import csrf_token
from tests.requirementkit import make_people, publish_course_with_requirements
from tests.web.test_error_summary import assert_error_page
from tests.web.test_requirements_pages import (
    client_for,
    hours_row,
    log_session,
    page,
    session_ids,
)

QUEUE = "/supervise/hours"


@pytest.fixture
def people(app, tmp_path):
    """The sample course asking for 3 supervised hours, published; {name: user id}."""
    with app.app_context():
        publish_course_with_requirements(tmp_path / "required")
        return {name: user.id for name, user in make_people().items()}


def statuses():
    return {s.id: s.status for s in db.session.query(PracticeSession)}


def approve_in_bulk(client, action="selected", selected=(), comment="", shown=None):
    html = page(client, QUEUE)
    data = [("bulk-csrf_token", csrf_token(html)), ("bulk-action", action)]
    data += [("bulk-comment", comment)]
    data += [("bulk-selected", str(i)) for i in selected]
    data += [("bulk-shown", str(i)) for i in shown or ()]
    return client.post(f"{QUEUE}/approve", data=MultiDict(data))


def test_ticked_sessions_are_approved_together_with_one_comment(app, people):
    ada, sam = client_for(app, people["ada"]), client_for(app, people["sam"])
    for hours in ("1.5", "2", "1"):
        log_session(ada, hours=hours)
    with app.app_context():
        first, second, third = session_ids()
    html = page(sam, QUEUE)
    assert (
        f'<input type="checkbox" id="select-{first}" name="bulk-selected" value="{first}" '
        'form="bulk-approve">'
    ) in html
    assert f'<label for="select-{first}">Tick to approve with others</label>' in html
    assert 'value="all">Approve all 3 shown</button>' in html

    response = approve_in_bulk(sam, selected=[first, third], comment="Thanks, well logged.")

    assert response.status_code == 303
    assert "Approved 2 sessions (2.5 hours) for 1 trainee." in page(sam, QUEUE)
    with app.app_context():
        assert statuses() == {first: "approved", second: "pending", third: "approved"}
    html = page(ada, "/practice")
    assert html.count("Your supervisor said: “Thanks, well logged.”") == 2
    assert hours_row(html, "Peer-support work") == ("2.5 hours", "2 hours")


def test_approve_all_shown_approves_only_what_the_page_showed(app, people):
    ada, sam = client_for(app, people["ada"]), client_for(app, people["sam"])
    log_session(ada)
    log_session(ada, hours="2")
    with app.app_context():
        shown = session_ids()
    log_session(ada, hours="3")  # logged after the supervisor loaded the page
    with app.app_context():
        later = session_ids()[-1]

    response = approve_in_bulk(sam, action="all", shown=shown)

    assert response.status_code == 303
    assert "Approved 2 sessions (3.5 hours) for 1 trainee." in page(sam, QUEUE)
    with app.app_context():
        assert statuses() == {shown[0]: "approved", shown[1]: "approved", later: "pending"}


def test_approving_again_from_a_stale_page_says_it_was_already_reviewed(app, people):
    ada, sam = client_for(app, people["ada"]), client_for(app, people["sam"])
    log_session(ada)
    with app.app_context():
        shown = session_ids()
    assert approve_in_bulk(sam, action="all", shown=shown).status_code == 303

    again = approve_in_bulk(sam, action="all", shown=shown)  # a second tab, loaded before

    html = again.get_data(as_text=True)
    assert again.status_code == 422
    assert "was already reviewed. Nothing was approved" in html
    assert "No hours are waiting for your review." in html
    assert "error-summary" not in html  # no summary linking to a form that is not there
    with app.app_context():
        assert statuses() == {shown[0]: "approved"}


def test_a_forged_id_of_another_supervisors_trainee_approves_nothing(app, people):
    ada, bo = client_for(app, people["ada"]), client_for(app, people["bo"])
    sam = client_for(app, people["sam"])
    with app.app_context():
        supervision.assign_supervisor(people["bo"], people["pat"])
    log_session(ada)
    log_session(bo)
    with app.app_context():
        mine, theirs = session_ids()

    response = approve_in_bulk(sam, selected=[mine, theirs])

    assert_error_page(
        response, {"bulk-comment": "1 session chosen is not from a trainee you supervise now."}
    )
    html = response.get_data(as_text=True)
    assert "Nothing was approved: reload the page and try again." in html
    assert f'value="{mine}" form="bulk-approve" checked>' in html  # the ticks are kept
    with app.app_context():
        assert statuses() == {mine: "pending", theirs: "pending"}


def test_pressing_approve_with_nothing_ticked_says_what_to_do(app, people):
    ada, sam = client_for(app, people["ada"]), client_for(app, people["sam"])
    log_session(ada)

    response = approve_in_bulk(sam)

    assert_error_page(
        response,
        {"bulk-comment": "Tick at least one session to approve, or press Approve all shown."},
    )
    with app.app_context():
        assert set(statuses().values()) == {"pending"}


def test_an_id_that_is_not_a_number_is_refused_beside_the_form(app, people):
    ada, sam = client_for(app, people["ada"]), client_for(app, people["sam"])
    log_session(ada)

    response = approve_in_bulk(sam, selected=["²"])

    assert_error_page(response, {"bulk-comment": "Choose one of the options shown."})


def test_only_supervisors_may_approve_in_bulk(app, people):
    ada = client_for(app, people["ada"])
    log_session(ada)
    with app.app_context():
        [session_id] = session_ids()
    token = csrf_token(page(ada, "/practice"))

    response = ada.post(
        f"{QUEUE}/approve",
        data={"bulk-csrf_token": token, "bulk-action": "selected", "bulk-selected": session_id},
    )

    assert response.status_code == 403
    with app.app_context():
        assert statuses() == {session_id: "pending"}


def test_the_trainee_logs_supervision_and_sees_it_apart_from_work(app, people):
    ada = client_for(app, people["ada"])
    html = page(ada, "/practice")
    assert "<legend>What kind of hours are these?</legend>" in html
    assert '<input checked id="kind-0" name="kind" type="radio" value="work">' in html

    response = log_session(ada, kind="supervision", activity="Supervision meeting", hours="1")

    assert response.status_code == 303
    html = page(ada, "/practice")
    assert "Logged 1 hour of supervision on" in html
    assert hours_row(html, "Supervision") == ("0 hours", "1 hour")
    assert hours_row(html, "Peer-support work") == ("0 hours", "0 hours")
    refused = log_session(ada, kind="work", activity="Supervision meeting")
    assert refused.status_code == 200
    assert "A supervision meeting is time spent in supervision" in refused.get_data(as_text=True)
