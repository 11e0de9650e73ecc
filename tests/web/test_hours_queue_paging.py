"""The supervisor's queue of hours pages; a review posted from page 2 (refused for a missing
reason, or done, one at a time or in bulk) comes back to page 2, not to page 1 where the refused
form and its message are not even shown."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from lms.extensions import db
from lms.models import PracticeSession
from tests.conftest import csrf_token
from tests.requirementkit import make_people, publish_course_with_requirements
from tests.web.test_error_summary import assert_error_page
from tests.web.test_requirements_pages import client_for, field_error, log_session, page

FIRST_PAGE = "/supervise/hours?per=1"


@pytest.fixture
def queue(app, tmp_path):
    """Ada has logged four sessions, waiting for Sam's review: (Sam's client, [session ids])."""
    with app.app_context():
        publish_course_with_requirements(tmp_path / "required")
        people = {name: user.id for name, user in make_people().items()}
    ada, sam = client_for(app, people["ada"]), client_for(app, people["sam"])
    for hours in ("1", "1.5", "2", "2.5"):
        log_session(ada, hours=hours)
    with app.app_context():
        ids = list(db.session.scalars(db.select(PracticeSession.id).order_by(PracticeSession.id)))
    return sam, ids


def link(html, rel):
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return found[1].replace("&amp;", "&") if found else None


def query(url):
    return parse_qs(urlsplit(url).query)


def shown(html):
    return [int(n) for n in re.findall(r'<h2 id="review-(\d+)-heading">', html)]


def action(html, path):
    """The action of the form on the page that posts to `path` (its query string included)."""
    found = re.search(rf'action="({re.escape(path)}(\?[^"]*)?)"', html)
    assert found, f"no form posts to {path}"
    return found[1].replace("&amp;", "&")


def second_page(sam):
    url = link(page(sam, FIRST_PAGE), "next")
    return url, page(sam, url)


def review(sam, html, session_id, decision, comment=""):
    prefix = f"review-{session_id}"
    return sam.post(
        action(html, f"/supervise/hours/{session_id}"),
        data={f"{prefix}-csrf_token": csrf_token(html), f"{prefix}-decision": decision,
              f"{prefix}-comment": comment},
    )  # fmt: skip


def test_a_refused_review_on_page_2_is_shown_again_on_page_2(queue):
    sam, ids = queue
    _, html = second_page(sam)
    assert shown(html) == [ids[1]] and "Showing 2 to 2 of 4 sessions" in html

    refused = review(sam, html, ids[1], "reject")

    again = assert_error_page(refused, {f"review-{ids[1]}-comment": "Say why"})
    assert shown(again) == [ids[1]] and "Showing 2 to 2 of 4 sessions" in again
    assert field_error(again, f"review-{ids[1]}-comment") == (
        "Error: Say why, so the trainee can fix it and log it again."
    )
    # Its form still carries page 2: the corrected review comes back to page 2 as well.
    done = review(sam, again, ids[1], "reject", "Log it as supervision.")
    assert done.status_code == 303
    after = page(sam, done.location)
    assert "Not approved. Ada Trainee will see your comment." in after
    assert shown(after) == [ids[2]] and "Showing 2 to 2 of 3 sessions" in after


def test_an_approval_on_page_2_lands_on_page_2(queue):
    sam, ids = queue
    url, html = second_page(sam)

    done = review(sam, html, ids[1], "approve")

    assert done.status_code == 303
    assert query(done.location) == query(url)  # the same cursor and page size
    after = page(sam, done.location)
    assert "Approved 1.5 hours for Ada Trainee." in after
    assert shown(after) == [ids[2]] and "Showing 2 to 2 of 3 sessions" in after
    assert link(after, "prev") is not None


def test_a_review_already_made_elsewhere_says_so_on_the_same_page(queue):
    sam, ids = queue
    _, html = second_page(sam)
    assert review(sam, html, ids[1], "approve").status_code == 303

    twice = review(sam, html, ids[1], "approve")  # the same form again: a stale tab

    assert twice.status_code == 303
    after = page(sam, twice.location)
    assert "This session has already been reviewed: it was approved." in after
    assert shown(after) == [ids[2]]


def test_bulk_approval_on_page_2_lands_on_page_2(queue):
    sam, ids = queue
    _, html = second_page(sam)
    data = MultiDict(
        [("bulk-csrf_token", csrf_token(html)), ("bulk-action", "all"), ("bulk-comment", "")]
        + [("bulk-shown", str(i)) for i in shown(html)]
    )

    done = sam.post(action(html, "/supervise/hours/approve"), data=data)

    assert done.status_code == 303
    after = page(sam, done.location)
    assert "Approved 1 session (1.5 hours) for 1 trainee." in after
    assert shown(after) == [ids[2]] and "Showing 2 to 2 of 3 sessions" in after


def test_reviewing_the_last_page_empty_shows_the_first_page_not_an_empty_queue(queue):
    sam, ids = queue
    url = FIRST_PAGE
    for _ in range(3):  # to page 4, the last
        url = link(page(sam, url), "next")
    html = page(sam, url)
    assert shown(html) == [ids[3]] and link(html, "next") is None

    done = review(sam, html, ids[3], "approve")

    after = page(sam, done.location)
    assert "No hours are waiting for your review." not in after
    assert shown(after) == [ids[0]] and "Showing 1 to 1 of 3 sessions" in after
    # The forms now carry page 1 (and the page size), not the emptied page.
    assert action(after, f"/supervise/hours/{ids[0]}") == f"/supervise/hours/{ids[0]}?per=1"


def test_emptying_page_1_reached_by_previous_shows_what_remains(queue):
    sam, ids = queue
    _, html = second_page(sam)
    back = link(html, "prev")  # page 1 by a "before" cursor
    html = page(sam, back)
    assert shown(html) == [ids[0]]

    done = review(sam, html, ids[0], "approve")

    after = page(sam, done.location)
    assert shown(after) == [ids[1]] and "Showing 1 to 1 of 3 sessions" in after
