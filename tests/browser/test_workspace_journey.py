"""The course workspace's journey in real Chromium, on a phone and on a desktop, with JavaScript on
and off, through the pages only: a staff member creates a course from nothing, uploads an image,
writes two modules with quizzes in the editor, meets a checker error with its line and fixes it,
previews, reviews the changes and publishes; a trainee opens the new module and passes its quiz;
then two staff members edit the same module at once and the second meets the conflict page,
merges and saves, and the history shows both saves.

With JavaScript on, the checker's messages come as one types and a line link moves the cursor;
with it off, Check and New question post the form and a line link jumps to the line's number.
Every workspace page on the way is photographed and checked by axe-core.
"""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from lms.services.people.accounts import ensure_user
from tests.browser.steps import PASSWORD, answer_key, follow, pass_quiz, sign_in

AUTHOR = ("Rangi Author", "rangi.workspace@example.org")
COLLEAGUE = ("Ines Colleague", "ines.workspace@example.org")
TRAINEE = ("Tomasz Trainee", "tomasz.workspace@example.org")
IMAGE = "circle-of-chairs.png"
ALT = "Six chairs in a circle, one of them empty"
FIRST = "01-introduction.md"
SECOND = "02-listening-without-fixing.md"
# The question typed with no right answer: the checker names its heading's line.
UNANSWERED = "### What does a peer supporter do first when someone arrives upset?"
QUIZ = "## Quiz\n"

LESSON = f"""---
title: Arriving Together
minutes: 2
domain: advocacy
objectives:
  - Welcome someone who arrives upset without rushing to fix things.
---

A peer supporter starts by being with the person: a seat, a drink of water, time.

![{ALT}](media/{IMAGE})

## Quiz

### Who sets the pace of a first conversation?

- [x] The person who arrived.
- [ ] The peer supporter, to keep things moving.

> The person leads; the supporter follows and listens.
"""

SECOND_LESSON = """---
title: Listening Without Fixing
minutes: 2
domain: mentoring-education
objectives:
  - Reflect back what a person said before offering anything.
---

Listening well means staying with the story before reaching for an answer.

## Quiz

### What comes before any suggestion?

- [x] Saying back what you heard, first.
- [ ] Offering a list of useful services.

> Reflecting first shows the person they were heard.
"""


@pytest.fixture(scope="module")
def people(live_app):
    with live_app.app_context():
        for name, email, roles in (
            (*AUTHOR, ["staff"]),
            (*COLLEAGUE, ["staff"]),
            (*TRAINEE, ["trainee"]),
        ):
            ensure_user(email, name, roles, PASSWORD)


@pytest.fixture(scope="module")
def picture(tmp_path_factory):
    """A small real PNG, made here, to upload."""
    path = tmp_path_factory.mktemp("upload") / "Circle Of Chairs.png"
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (40, 110, 90)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def heading(page):
    return page.get_by_role("heading", level=1)


def notice(page):
    return page.locator(".notice").first


def editor_box(page, path):
    return page.get_by_label(f"Markdown source of {path}")


def line_of(text, wanted):
    return text.split("\n").index(wanted) + 1


def cursor_line(box):
    return box.evaluate("(area) => area.value.slice(0, area.selectionStart).split('\\n').length")


def check_text(page, javascript):
    """Have the text checked: by the script after a pause in typing, or by the Check button."""
    if javascript:
        expect(page.locator("#editor-messages .editor-summary")).to_be_visible()
    else:
        follow(page, page.get_by_role("button", name="Check", exact=True))


def save(page, path):
    follow(page, page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_role("status")).to_contain_text(f"Saved {path} as revision")


def open_editor(page, path):
    follow(page, page.get_by_role("link", name=f"Edit {path}"))
    expect(heading(page)).to_have_text(f"Edit {path}")


def back_to_course(page, slug):
    follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=slug))


def create_course(page, slug, check):
    page.goto("/staff/")
    follow(page, page.get_by_role("link", name=re.compile(r"^Course workspace")))
    expect(heading(page)).to_have_text("Course workspace")
    check(page, "workspace")
    page.get_by_label("Slug of the new course").fill(slug)
    follow(page, page.get_by_role("button", name="Create the course"))
    expect(heading(page)).to_have_text(slug)
    expect(notice(page)).to_contain_text(f"Draft course “{slug}” created")
    # the starter leaves the summary to the author, and the whole-course check says so
    expect(page.locator(".authoring-problems")).to_contain_text("summary")
    check(page, "workspace-course")


def write_overview(page, title):
    open_editor(page, "course.md")
    box = editor_box(page, "course.md")
    text = box.input_value()
    text = re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1)
    box.fill(text.replace("summary:\n", "summary: Being with someone who arrives upset.\n"))
    save(page, "course.md")


def upload_picture(page, picture):
    page.get_by_label("Image file").set_input_files(picture)
    page.get_by_label("Name in media/ (optional)").fill(IMAGE)
    follow(page, page.get_by_role("button", name="Upload the image"))
    expect(notice(page)).to_contain_text(f"media/{IMAGE} uploaded.")


def add_module(page, title, path):
    page.get_by_label("What to add").select_option("module")
    page.get_by_label("Title").fill(title)
    follow(page, page.get_by_role("button", name="Add", exact=True))
    expect(notice(page)).to_contain_text(f"{path} added.")


def meet_and_fix_the_checker_error(page, javascript, check):
    """New question, typed with no right answer; the message names its line, the link goes
    there; then it is fixed."""
    box = editor_box(page, FIRST)
    box.fill(LESSON)
    if javascript:
        box.press("Control+End")  # the helper inserts at the cursor
    follow_or_wait = follow if not javascript else (lambda p, target: target.click())
    follow_or_wait(page, page.get_by_role("button", name="New question"))
    expect(box).to_have_value(re.compile(r"### Write question 2 here: a person"))
    written = box.input_value()
    skeleton = written[len(LESSON.rstrip("\n")) :].strip("\n")
    ours = (
        skeleton.replace("- [x]", "- [ ]")
        .replace(skeleton.split("\n", 1)[0], UNANSWERED)
        .replace("The response that fits the peer role.", "Offer a seat and some quiet.")
        .replace("A mistake a new peer supporter could make.", "Ask what went wrong, at once.")
        .replace("A second mistake that looks helpful.", "Call someone to take over.")
    )
    text = LESSON + "\n" + ours + "\n"
    box.fill(text)
    check_text(page, javascript)
    line = line_of(text, UNANSWERED)
    error = page.locator("#editor-messages li.editor-error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text(f"Line {line}: Error: question")
    expect(error).to_contain_text("has no correct choice: mark one with '- [x]'")
    check(page, "workspace-editor-checked")

    error.get_by_role("link", name=f"Line {line}").click()
    if javascript:  # the script puts the cursor on the line
        expect(box).to_be_focused()
        assert cursor_line(box) == line
    else:  # the link jumps to the line's number beside the text
        expect(page).to_have_url(re.compile(rf"#line-{line}$"))
        expect(page.locator(f"#line-{line}")).to_be_in_viewport()

    fixed = text.replace("- [ ] Offer a seat", "- [x] Offer a seat")
    box.fill(fixed)
    if javascript:
        expect(page.locator("#editor-messages li.editor-error")).to_have_count(0)
    else:
        check_text(page, javascript)
        expect(page.locator("#editor-messages li.editor-error")).to_have_count(0)


# The line numbers stand beside the text only, and follow it as it scrolls, so that each number
# stays beside its line.
NUMBERS_FOLLOW = """([area, gutter]) => {
    area.scrollTop = area.scrollHeight;
    return new Promise((done) => requestAnimationFrame(() => done({
        heights: [area.getBoundingClientRect().height, gutter.getBoundingClientRect().height],
        scrolled: [area.scrollTop, gutter.scrollTop],
    })));
}"""


def numbers_follow_the_text(page, box):
    """With the script, the text area has a fixed height and scrolls; the gutter follows it."""
    found = page.evaluate(
        NUMBERS_FOLLOW, [box.element_handle(), page.locator(".editor-gutter").element_handle()]
    )
    area, gutter = found["heights"]
    assert abs(area - gutter) <= 1, f"the text area is {area}px high, its line numbers {gutter}px"
    assert found["scrolled"][0] > 0 and found["scrolled"][0] == found["scrolled"][1], found


def preview_and_save(page, javascript, check):
    follow(page, page.get_by_role("button", name="Preview"))
    preview = page.locator("#editor-preview")
    expect(preview.locator(".editor-preview-title")).to_have_text("Arriving Together")
    picture = preview.get_by_role("img", name=ALT)
    expect(picture).to_be_visible()
    assert picture.evaluate("(img) => img.complete && img.naturalWidth") == 48
    expect(preview.locator("fieldset.question")).to_have_count(2)
    check(page, "workspace-editor-preview")
    if javascript:
        numbers_follow_the_text(page, editor_box(page, FIRST))
    save(page, FIRST)


def publish(page, slug, check):
    expect(page.locator("#check-heading + .notice")).to_contain_text("No problems found")
    follow(page, page.get_by_role("link", name="Review the changes and publish"))
    expect(heading(page)).to_have_text(f"Publish {slug}")
    changes = page.get_by_role("region", name="What will change")
    expect(changes).to_contain_text("introduction")
    expect(changes).to_contain_text("listening-without-fixing")
    check(page, "workspace-publish")
    follow(page, page.get_by_role("button", name=f"Publish {slug}"))
    expect(heading(page)).to_have_text(f"{slug} is published")
    check(page, "workspace-published")


def trainee_passes(trainee, live_app, title):
    sign_in(trainee, TRAINEE[1])
    trainee.goto("/")
    follow(trainee, trainee.get_by_role("link", name=title, exact=True))
    expect(heading(trainee)).to_have_text(title)
    modules = trainee.locator(".module-list")
    follow(trainee, modules.get_by_role("link", name=re.compile("Arriving Together")))
    expect(heading(trainee)).to_have_text("Arriving Together")
    picture = trainee.get_by_role("img", name=ALT)
    assert picture.evaluate("(img) => img.complete && img.naturalWidth") == 48
    follow(trainee, trainee.get_by_role("link", name="Go to the quiz"))
    pass_quiz(trainee, answer_key(live_app))


def edit_at_once(page, other, slug, check):
    """Both open the second module; the author saves first, the colleague meets the conflict,
    merges both changes in the text area and saves; the history shows the two saves."""
    editor = f"/staff/workspace/{slug}/edit/{SECOND}"
    other.goto(editor)
    page.goto(editor)
    theirs = SECOND_LESSON.replace(QUIZ, "Silence is allowed.\n\n" + QUIZ)
    mine = SECOND_LESSON.replace("Listening well", "Ask before you advise.\n\nListening well")
    editor_box(page, SECOND).fill(theirs)
    save(page, SECOND)

    editor_box(other, SECOND).fill(mine)
    response = follow(other, other.get_by_role("button", name="Save", exact=True))
    assert response.status == 409
    expect(heading(other)).to_have_text(f"Someone else saved {SECOND}")
    expect(other.get_by_role("alert")).to_contain_text(f"{AUTHOR[0]} saved this file")
    expect(other.get_by_label("Their version", exact=True)).to_contain_text("Silence is allowed.")
    expect(other.get_by_label("Your version", exact=True)).to_contain_text("Ask before you advise.")
    check(other, "workspace-conflict")
    merged = other.get_by_label(f"Your text of {SECOND}, to merge")
    expect(merged).to_have_value(mine)
    merged.fill(mine.replace(QUIZ, "Silence is allowed.\n\n" + QUIZ))
    follow(other, other.get_by_role("button", name="Save merged"))
    expect(other.get_by_role("status")).to_contain_text(f"Saved {SECOND} as revision")
    text = editor_box(other, SECOND).input_value()
    assert "Ask before you advise." in text and "Silence is allowed." in text

    follow(other, other.get_by_role("link", name=f"History of {SECOND}"))
    expect(heading(other)).to_have_text(f"History of {SECOND}")
    rows = other.get_by_role("region", name=re.compile("Revisions of")).locator("tbody tr")
    # each cell is named by its column for screen readers; on a phone it also shows "By"
    expect(rows.nth(0).get_by_role("cell").first).to_have_accessible_name(COLLEAGUE[0])
    expect(rows.nth(1).get_by_role("cell").first).to_have_accessible_name(AUTHOR[0])
    check(other, "workspace-history")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_staff_write_and_publish_a_course_and_a_trainee_passes_its_quiz(
    viewport, javascript, new_context, check_page, live_app, people, picture
):
    check = check_page(viewport, javascript)
    slug = f"journey-{viewport}-{'js' if javascript else 'no-js'}"
    title = f"Arriving Well ({viewport}, {'script' if javascript else 'no script'})"
    page = new_context(viewport, javascript).new_page()
    sign_in(page, AUTHOR[1])

    create_course(page, slug, check)
    write_overview(page, title)
    back_to_course(page, slug)
    upload_picture(page, picture)
    add_module(page, "Listening Without Fixing", SECOND)

    open_editor(page, FIRST)
    check(page, "workspace-editor")
    meet_and_fix_the_checker_error(page, javascript, check)
    preview_and_save(page, javascript, check)
    back_to_course(page, slug)
    open_editor(page, SECOND)
    editor_box(page, SECOND).fill(SECOND_LESSON)
    save(page, SECOND)
    back_to_course(page, slug)
    publish(page, slug, check)

    trainee_passes(new_context(viewport, javascript).new_page(), live_app, title)

    colleague = new_context(viewport, javascript).new_page()
    sign_in(colleague, COLLEAGUE[1])
    edit_at_once(page, colleague, slug, check)
    check.assert_no_violations()
