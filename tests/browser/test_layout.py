"""Staff and supervisor pages, checked by axe-core at both sizes; pages that must not scroll
sideways on a 390 px phone (wide tables scroll inside their own
labelled, focusable box instead, and long unbroken names wrap), a desktop roster that shows its
last column, and a bad practice-hours entry that comes back with the error summary in view and
focused on a phone."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.extensions import db
from lms.models import Cohort, Course
from lms.services.logbook import practice
from lms.services.people import cohorts, supervision
from lms.services.people.accounts import ensure_user
from lms.services.workspace import files
from lms.services.workspace.errors import WorkspaceError
from tests.browser.steps import PASSWORD, follow, sign_in

# A name with no space to break at, as some people (and some typos) have.
LONG_NAME = "Wiremu" + "Tekaumarua" * 6
TRAINEE = (LONG_NAME, "wiremu.longname@example.org")
SUPERVISOR = ("Aroha Supervisor", "aroha.layout@example.org")
STAFF = ("Jonas Staff", "jonas.layout@example.org")
COHORT = "Layout cohort"
# A module's preview has wide Markdown tables, which the renderer puts in a focusable region.
COURSE_SLUG = "peer-support-foundations"
CSV = (
    "name,email,supervisor_email\n"
    "Margaretha Oyelaran-Kowalczyk,margaretha.oyelaran-kowalczyk@example.org,"
    f"{SUPERVISOR[1]}\n"
    "Bo,not-an-email,\n"
)


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        staff = ensure_user(STAFF[1], STAFF[0], ["staff"], PASSWORD)
        boss = ensure_user(SUPERVISOR[1], SUPERVISOR[0], ["supervisor"], PASSWORD)
        trainee = ensure_user(TRAINEE[1], TRAINEE[0], ["trainee"], PASSWORD)
        if supervision.current_supervisor_id(trainee.id) is None:
            supervision.assign_supervisor(trainee.id, boss.id, assigned_by_id=staff.id)
            practice.log_session(
                trainee.id, date(2026, 11, 20), "1.5", practice.ACTIVITIES[0], notes="Drop-in."
            )
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == COHORT))
        if cohort is None:
            course_ids = list(db.session.scalars(select(Course.id)))
            cohort = cohorts.create_cohort(COHORT, date(2027, 3, 1), None, course_ids)
        db.session.commit()
        return {"trainee": trainee.id, "cohort": cohort.id}


# Every box that scrolls sideways, unless the keyboard can reach it (tabindex="0") and it is a
# region named for what it holds.
UNREACHABLE_SCROLLERS = """() => [...document.querySelectorAll("main *")]
    .filter((box) => box.scrollWidth > box.clientWidth + 1
        && ["auto", "scroll"].includes(getComputedStyle(box).overflowX))
    .filter((box) => !(box.getAttribute("tabindex") === "0" && box.getAttribute("role") === "region"
        && (box.getAttribute("aria-labelledby") || box.getAttribute("aria-label"))))
    .map((box) => box.outerHTML.slice(0, 80))"""


def sideways(page):
    """How many CSS pixels the page is wider than the window (0 when it fits).

    Measured against the layout viewport (the root's clientWidth): on a phone, where the browser
    zooms out to show a page that is too wide, `window.innerWidth` grows with the page and the
    difference would always be 0."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_no_staff_page_scrolls_sideways_and_axe_finds_nothing(
    viewport, new_context, check_page, people
):
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    sign_in(page, STAFF[1])
    pages = {
        "/staff/courses": "staff-courses",
        f"/staff/people/{people['trainee']}": "staff-person",
        f"/supervise/trainees/{people['trainee']}": "trainee-record",
        "/supervise/": "roster",
        "/staff/cohorts": "cohorts",
        f"/staff/cohorts/{people['cohort']}": "cohort",
        "/staff/certificates": "staff-certificates",
        "/staff/audit": "audit",
        "/staff/people": "people",
        "/staff/": "staff-home",
        "/staff/users/new": "new-user",
        "/staff/reset-link": "reset-link",
        f"/staff/courses/{COURSE_SLUG}/items": "course-items",
        f"/supervise/cohorts/{people['cohort']}": "cohort-picture",
        f"/staff/courses/{COURSE_SLUG}/preview/the-recovery-process": "course-preview",
        # a live session's facilitator guide, with its plan table and skills checklist
        f"/staff/courses/{COURSE_SLUG}/sessions/role-play-listening": "session-preview",
    }
    wide = {}
    for path, page_type in pages.items():
        page.goto(path)
        if sideways(page) > 0:
            wide[path] = sideways(page)
        assert not page.evaluate(UNREACHABLE_SCROLLERS), path
        check(page, page_type)

    # The CSV import preview: a table of long names and emails.
    page.goto(f"/staff/cohorts/{people['cohort']}/import")
    page.get_by_label("Or paste the CSV here").fill(CSV)
    follow(page, page.get_by_role("button", name="Check the file"))
    expect(page.get_by_role("heading", name="What the file holds")).to_be_visible()
    if sideways(page) > 0:
        wide["import preview"] = sideways(page)
    assert not page.evaluate(UNREACHABLE_SCROLLERS)
    check(page, "cohort-import-preview")
    # No cell is squeezed to a letter a line: the longest word of a name stays on one line.
    cell = page.locator(".cohorts-preview td").filter(has_text="Margaretha").first
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")
    assert cell.bounding_box()["height"] < 4 * line, "the preview squeezes the names"

    assert not wide, f"pages wider than the {viewport} window (by CSS pixels): {wide}"
    check.assert_no_violations()


def test_the_desktop_roster_shows_its_last_column(new_context, people):
    page = new_context("desktop").new_page()
    sign_in(page, STAFF[1])
    page.goto("/supervise/")

    last = page.locator(".roster-table thead th").last
    box, window = last.bounding_box(), page.viewport_size
    scroller = page.locator(".roster-scroll")
    clipped = scroller.evaluate("(box) => box.scrollWidth - box.clientWidth")
    assert clipped <= 0 and box["x"] + box["width"] <= window["width"], (
        f"the roster's last column is cut off ({clipped} px hidden)"
    )


def test_a_bad_practice_entry_on_a_phone_brings_the_summary_into_view_and_focus(
    new_context, check_page, people
):
    check = check_page("phone")
    page = new_context("phone").new_page()
    sign_in(page, TRAINEE[1])
    page.goto("/practice")
    page.get_by_label("Date of the session").fill("2026-11-20")
    page.get_by_role("textbox", name="Hours").fill("lots")
    page.get_by_label("Kind of activity").select_option(index=1)
    follow(page, page.get_by_role("button", name="Log this session"))

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert page.title().startswith("Error: ")
    # Its link leads to the field, which then has the focus.
    expect(summary.get_by_role("link")).to_have_count(1)
    summary.get_by_role("link", name="Enter the number of hours").click()
    expect(page.get_by_role("textbox", name="Hours")).to_be_focused()
    check(page, "practice-errors")
    check.assert_no_violations()


def test_refusing_hours_without_a_comment_on_a_phone_shows_the_summary(
    new_context, check_page, people
):
    check = check_page("phone")
    page = new_context("phone").new_page()
    sign_in(page, SUPERVISOR[1])
    page.goto("/supervise/hours")
    check(page, "hours-review")

    follow(page, page.get_by_role("button", name="Not approve").first)

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert page.title().startswith("Error: ")
    assert sideways(page) <= 0
    check(page, "hours-review-errors")
    check.assert_no_violations()


def test_approving_in_bulk_on_a_phone_with_nothing_ticked_shows_the_summary(
    new_context, check_page, people
):
    check = check_page("phone")
    page = new_context("phone").new_page()
    sign_in(page, SUPERVISOR[1])
    page.goto("/supervise/hours")

    follow(page, page.get_by_role("button", name="Approve ticked sessions"))

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Tick at least one session to approve")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    assert sideways(page) <= 0
    check(page, "hours-bulk-errors")
    check.assert_no_violations()


WORKSPACE_SLUG = "layout-draft"


def test_the_workspace_pages_fit_a_phone_and_axe_finds_nothing(
    viewport, new_context, check_page, people, live_app
):
    from lms.services.workspace import store
    from tests.workspacekit import MODULE, ready_course, write

    with live_app.app_context():
        course = store.course_by_slug(WORKSPACE_SLUG) or ready_course(WORKSPACE_SLUG)
        # a second revision with a long unbroken line, for the diff, and a module with errors
        write(course, "01-introduction.md", MODULE.format(n=1, text="x" * 150))
        write(course, "02-broken.md", "no front matter at all\n")
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    sign_in(page, STAFF[1])
    base = f"/staff/workspace/{WORKSPACE_SLUG}"
    pages = {
        "/staff/workspace/": "workspace",
        f"{base}/": "workspace-course",
        f"{base}/history/01-introduction.md?old=1&new=2": "workspace-history",
        f"{base}/publish": "workspace-publish",
    }
    wide = {}
    for path, page_type in pages.items():
        page.goto(path)
        if sideways(page) > 0:
            wide[path] = sideways(page)
        assert not page.evaluate(UNREACHABLE_SCROLLERS), path
        check(page, page_type)
    page.goto(f"{base}/")
    follow(page, page.get_by_role("button", name="Add"))
    check(page, "workspace-course-errors")
    page.goto(f"{base}/")
    page.get_by_label("File to delete").select_option("02-broken.md")
    follow(page, page.get_by_role("button", name="Delete…"))
    check(page, "workspace-delete-confirm")
    page.goto(f"{base}/history/01-introduction.md")
    # by keyboard: the button sits in the table's sideways-scrolling region on a phone
    with page.expect_navigation():
        page.get_by_role("button", name="Restore… revision 1").focus()
        page.keyboard.press("Enter")
    check(page, "workspace-restore-confirm")
    assert not wide, f"pages wider than the {viewport} window (by CSS pixels): {wide}"


# The workspace editor: a draft course with a module of wide lines and a quiz.
DRAFT_SLUG = "layout-editor-draft"
DRAFT_MODULE = "01-introduction.md"


def _draft_module(live_app):
    with live_app.app_context():
        try:
            course = files.course_named(DRAFT_SLUG)
        except WorkspaceError:
            course = files.create_course(DRAFT_SLUG, None, "Layout draft")
            overview, revision = files.open_file(course, "course.md")
            overview = overview.replace("summary:\n", "summary: A draft for the layout walk.\n")
            files.save_text(course, "course.md", overview, revision)
        text, revision = files.open_file(course, DRAFT_MODULE)
        return course, text, revision


def unreachable_but_the_text_area(page):
    """The editor's text area keeps each line on one line (so its line numbers stay beside
    them) and scrolls sideways itself: a labelled field, reached and scrolled by the keyboard."""
    return [box for box in page.evaluate(UNREACHABLE_SCROLLERS) if not box.startswith("<textarea")]


def test_the_workspace_editor_fits_a_phone_and_axe_finds_nothing(
    viewport, new_context, check_page, people, live_app
):
    _, text, _ = _draft_module(live_app)
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    sign_in(page, STAFF[1])
    editor = f"/staff/workspace/{DRAFT_SLUG}/edit/{DRAFT_MODULE}"
    page.goto(editor + "?line=3")
    assert sideways(page) == 0
    assert not unreachable_but_the_text_area(page)
    check(page, "workspace-editor")

    # Typing: the script checks and previews the unsaved text after a pause.
    box = page.get_by_label(f"Markdown source of {DRAFT_MODULE}")
    box.fill(text.replace("minutes: 12", "minutes: lots"))
    expect(page.locator("#editor-messages")).to_contain_text("'minutes' must be")
    page.locator("#editor-messages a[href='#line-3']").first.click()
    cursor_line = "(area) => area.value.slice(0, area.selectionStart).split('\\n').length"
    assert box.evaluate(cursor_line) == 3
    box.fill(text.replace("Write the lesson here", "Typed *here*: write the lesson"))
    expect(page.locator("#editor-preview em")).to_have_text("here")

    # Check with the button (as without JavaScript): the messages and the preview beside it.
    follow(page, page.get_by_role("button", name="Check"))
    assert sideways(page) == 0
    assert not unreachable_but_the_text_area(page)
    check(page, "workspace-editor-checked")

    # Someone else saves meanwhile: Save meets the conflict page.
    with live_app.app_context():
        course = files.course_named(DRAFT_SLUG)
        current, revision = files.open_file(course, DRAFT_MODULE)
        files.save_text(course, DRAFT_MODULE, current + "\nTheirs.\n", revision)
    follow(page, page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Someone else saved")
    assert sideways(page) == 0
    assert not unreachable_but_the_text_area(page)
    check(page, "workspace-conflict")
    follow(page, page.get_by_role("button", name="Save merged"))
    expect(page.get_by_role("status")).to_contain_text("Saved 01-introduction.md as revision")
    check.assert_no_violations()
