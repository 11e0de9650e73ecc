"""A long list read a page at a time in Chromium: Next and Previous walk the staff's people and
audit log one row to a page (?per=1), each list's page links a navigation region named for the
list, and axe-core finds nothing on a page that has both links."""

import re

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from lms.services import audit
from lms.services.people.accounts import ensure_user
from tests.browser.steps import PASSWORD, follow, sign_in

STAFF = ("Paula Pager", "paula.pager@example.org")
TRAINEES = [("Pia Pages", "pia.pages@example.org"), ("Per Pages", "per.pages@example.org")]
# (address, the name of its page links, what its links say, page type)
LISTS = [
    ("/staff/people?per=1", "People pages", ("Previous page", "Next page"), "people-paged"),
    (
        "/staff/audit?per=1", "Audit log pages",
        ("Previous page (newer events)", "Next page (older events)"), "audit-paged",
    ),
]  # fmt: skip


@pytest.fixture
def staff(live_app):
    """A staff account, at least three accounts and three audit events."""
    with live_app.app_context():
        ensure_user(STAFF[1], STAFF[0], ["staff"], PASSWORD)
        for name, email in TRAINEES:
            ensure_user(email, name, ["trainee"], PASSWORD)
        for n in range(3):
            audit.record("course.synced", f"Paging walk {n}")
        db.session.commit()
    return STAFF[1]


def rows(page):
    return page.locator("main tbody tr").all_inner_texts()


def place(nav):
    """(first, last) of "Showing 2 to 2 of ..." in the pages' navigation."""
    found = re.search(r"Showing ([\d,]+) to ([\d,]+)", nav.inner_text())
    assert found, nav.inner_text()
    return found[1], found[2]


@pytest.mark.parametrize(("address", "label", "words", "page_type"), LISTS)
def test_next_and_previous_walk_a_list_a_row_at_a_time(
    viewport, new_context, check_page, staff, address, label, words, page_type
):
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    sign_in(page, staff)
    previous, following = words

    page.goto(address)
    nav = page.get_by_role("navigation", name=label)
    assert place(nav) == ("1", "1")
    expect(nav.get_by_role("link", name=previous)).to_have_count(0)
    first = rows(page)
    assert len(first) == 1

    follow(page, nav.get_by_role("link", name=following))
    assert place(nav) == ("2", "2")
    second = rows(page)
    assert len(second) == 1 and second != first
    expect(nav.get_by_role("link", name=previous)).to_be_visible()
    expect(nav.get_by_role("link", name=following)).to_be_visible()
    check(page, page_type)

    follow(page, nav.get_by_role("link", name=following))
    assert place(nav) == ("3", "3")
    assert rows(page) not in (first, second)
    follow(page, nav.get_by_role("link", name=previous))
    assert place(nav) == ("2", "2") and rows(page) == second
    follow(page, nav.get_by_role("link", name=previous))
    assert place(nav) == ("1", "1") and rows(page) == first
    expect(nav.get_by_role("link", name=previous)).to_have_count(0)
    assert "per=1" in page.url

    check.assert_no_violations()
