"""A file's history on a 390 px phone: each revision reads as a card, and its Restore button is in
view without scrolling sideways, neither the page nor the table's box. Screen readers still get a
table (its rows, column headers and cells), and axe-core finds nothing."""

import pytest
from playwright.sync_api import expect

from lms.services.people.accounts import ensure_user
from lms.services.workspace import files
from tests.browser.conftest import run_axe
from tests.browser.steps import PASSWORD, sign_in
from tests.browser.test_layout import sideways
from tests.workspacekit import ready_course, write

# An author whose name has no space to break at, and a revision note that is long.
AUTHOR = "Wiremu" + "Tekaumarua" * 4
EMAIL = "wiremu.history@example.org"
SLUG = "history-on-a-phone"


@pytest.fixture
def history_page(live_app):
    with live_app.app_context():
        author = ensure_user(EMAIL, AUTHOR, ["staff"], PASSWORD)
        if files.store.course_by_slug(SLUG) is None:
            course = ready_course(SLUG, author.id)
            for words in ("A first summary.", "A second summary, longer than the first one."):
                text, _ = files.open_file(course, "course.md")
                write(
                    course, "course.md", text.replace("summary: ", f"summary: {words} "), author.id
                )
    return f"/staff/workspace/{SLUG}/history/course.md"


def test_the_history_fits_a_phone_and_restore_is_in_view(new_context, history_page, axe_source):
    page = new_context("phone").new_page()
    sign_in(page, EMAIL)
    page.goto(history_page)

    assert sideways(page) == 0
    box = page.locator(".ws-history").locator("xpath=..")
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth + 1"), "the table scrolls"
    restore = page.get_by_role("button", name="Restore… revision 1")
    expect(restore).to_be_visible()
    edge = restore.bounding_box()
    assert edge["x"] >= 0 and edge["x"] + edge["width"] <= 390

    # Still a table to assistive technology: a row a revision, its cells under their headers.
    table = page.get_by_role("table", name="Revisions of course.md")
    expect(table.get_by_role("columnheader", name="By")).to_have_count(1)
    expect(table.get_by_role("row")).to_have_count(1 + 4)  # the headers, four revisions
    expect(table.get_by_role("cell", name=AUTHOR).first).to_be_attached()
    assert run_axe(page, axe_source) == []
