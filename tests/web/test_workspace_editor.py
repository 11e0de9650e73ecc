"""The workspace editor: the text with line numbers, Save (and the conflict page), Check, Preview,
New question, and the JSON endpoint that checks and previews as the author types."""

import html
import re

import pytest

from lms.content.limits import MAX_FILE_BYTES
from lms.services.workspace import files, store
from tests.auth import make_user
from tests.conftest import FIXTURES, csrf_token, sign_in_as
from tests.workspacekit import MODULE, ready_course, write

EDIT = "/staff/workspace/my-course/edit/"
MODULE_PATH = "02-second.md"
LIVE = "/staff/workspace/my-course/live"
PNG = FIXTURES / "courses" / "sample-course" / "media" / "circle.png"


def text(response):
    words = html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))
    return re.sub(r"\s+", " ", words)


def textarea(response):
    page = response.get_data(as_text=True)
    return html.unescape(re.search(r"<textarea[^>]*>\r?\n?(.*?)</textarea>", page, re.S)[1])


def revision_field(response):
    return re.search(r'name="revision" type="hidden" value="(\d+)"', response.get_data(True))[1]


@pytest.fixture
def staff_id(app):
    return make_user(app, "pat@example.org", "Pat Staff", roles=("staff",))


@pytest.fixture
def course(app, staff_id):
    with app.app_context():
        course = ready_course("my-course", staff_id)
        write(course, MODULE_PATH, MODULE.format(n=2, text="Listening well."), staff_id)
    return "my-course"


@pytest.fixture
def staff(client, staff_id):
    return sign_in_as(client, staff_id)


def post(client, path, text_sent, action, revision=None):
    page = client.get(EDIT + path)
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "revision": revision or revision_field(page),
        "text": text_sent,
        "action": action,
    }
    return client.post(EDIT + path, data=data)


def live(client, path, text_sent):
    token = csrf_token(client.get(EDIT + path).get_data(as_text=True))
    return client.post(LIVE, data={"path": path, "text": text_sent},
                       headers={"X-CSRFToken": token})  # fmt: skip


def test_the_editor_shows_the_source_with_line_numbers_a_label_and_the_revision(staff, course):
    response = staff.get(EDIT + MODULE_PATH)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert textarea(response) == MODULE.format(n=2, text="Listening well.")
    assert '<label for="text">Markdown source of 02-second.md</label>' in page
    assert page.count("<h1>") == 1
    lines = MODULE.count("\n") + 1
    assert f'<span id="line-{lines}">{lines}</span>' in page
    assert revision_field(response) == "1"
    for button in ("Save", "Check", "Preview", "New question"):
        assert f">{button}</button>" in page
    assert 'href="/staff/workspace/my-course/"' in page
    assert 'href="/staff/workspace/my-course/history/02-second.md"' in page
    assert "js/editor.js" in page


def test_line_in_the_address_points_at_that_line(staff, course):
    response = staff.get(EDIT + MODULE_PATH + "?line=9")

    assert "Line 9: Lesson 2: Listening well." in text(response)
    assert '<span id="line-9" class="editor-pointed">' in response.get_data(as_text=True)


def test_unknown_course_or_file_is_not_found(staff, course):
    assert staff.get("/staff/workspace/nope/edit/course.md").status_code == 404
    assert staff.get(EDIT + "07-missing.md").status_code == 404
    assert staff.get(EDIT + "../etc/passwd").status_code == 404


def test_save_keeps_a_new_revision(staff, course, app):
    changed = MODULE.format(n=2, text="Listening with care.")
    response = post(staff, MODULE_PATH, changed, "save")

    assert response.status_code == 200
    assert "Saved 02-second.md as revision 2." in text(response)
    assert revision_field(response) == "2"
    with app.app_context():
        assert files.open_file(files.course_named("my-course"), MODULE_PATH) == (changed, 2)


def test_save_stores_lf_line_endings_not_the_browsers_crlf(staff, course, app):
    # A browser sends a textarea's lines joined by CRLF. Kept as sent, every line of a file
    # written elsewhere (LF) differed, and the publish page listed each one as removed and added.
    with app.app_context():
        saved, _ = files.open_file(files.course_named("my-course"), MODULE_PATH)
    assert "\r" not in saved
    changed = saved.replace("Listening well.", "Listening with care.")

    response = post(staff, MODULE_PATH, changed.replace("\n", "\r\n"), "save")

    assert "Saved 02-second.md as revision 2." in text(response)
    with app.app_context():
        assert files.open_file(files.course_named("my-course"), MODULE_PATH) == (changed, 2)


def test_a_second_save_meets_the_conflict_page_and_saves_merged(staff, course, app, staff_id):
    page = staff.get(EDIT + MODULE_PATH)
    token, base = csrf_token(page.get_data(as_text=True)), revision_field(page)
    other = make_user(app, "sam@example.org", "Sam Other", roles=("staff",))
    with app.app_context():
        theirs = MODULE.format(n=2, text="Their words.")
        files.save_text(files.course_named("my-course"), MODULE_PATH, theirs, 1, other)

    mine = MODULE.format(n=2, text="My words.")
    data = {"csrf_token": token, "revision": base, "text": mine, "action": "save"}
    response = staff.post(EDIT + MODULE_PATH, data=data)

    shown = text(response)
    assert response.status_code == 409
    assert "Someone else saved 02-second.md" in shown
    assert "Their version: revision 2, by Sam Other" in shown
    assert "Lesson 2: Their words." in shown and "Lesson 2: My words." in shown
    assert textarea(response) == mine
    assert revision_field(response) == "2"
    assert ">Save merged</button>" in response.get_data(as_text=True)

    merged = MODULE.format(n=2, text="Their words. My words.")
    data = {"csrf_token": token, "revision": "2", "text": merged, "action": "save"}
    response = staff.post(EDIT + MODULE_PATH, data=data)
    assert "Saved 02-second.md as revision 3." in text(response)
    with app.app_context():
        assert files.open_file(files.course_named("my-course"), MODULE_PATH) == (merged, 3)


def gutters(response):
    """Each line-number gutter on the page: [(its numbers, whether they carry #line-N ids)]."""
    found = re.findall(
        r'<pre class="editor-gutter" aria-hidden="true">(.*?)</pre>', response.get_data(True), re.S
    )
    return [([int(n) for n in re.findall(r">(\d+)</span>", g)], 'id="line-1"' in g) for g in found]


def test_the_conflict_page_numbers_both_versions_and_the_merge_box(staff, course, app):
    page = staff.get(EDIT + MODULE_PATH)
    token, base = csrf_token(page.get_data(as_text=True)), revision_field(page)
    other = make_user(app, "sam@example.org", "Sam Other", roles=("staff",))
    with app.app_context():
        files.save_text(files.course_named("my-course"), MODULE_PATH, "\nTheirs.\n", 1, other)

    data = {"csrf_token": token, "revision": base, "text": "One\r\nTwo\r\nThree", "action": "save"}
    response = staff.post(EDIT + MODULE_PATH, data=data)

    assert response.status_code == 409
    # Theirs (3 lines, the first blank), mine (3), then the merge box, whose numbers are the
    # #line-N targets, as in the editor.
    assert gutters(response) == [([1, 2, 3], False), ([1, 2, 3], False), ([1, 2, 3], True)]
    page = response.get_data(as_text=True)
    assert (
        '<pre class="conflict-lines">\n\nTheirs.\n</pre>' in page
    )  # its blank first line survives the HTML parser
    assert re.search(
        r'<div class="editor-box">\s*<pre class="editor-gutter".*?<textarea', page, re.S
    )
    assert "The numbers beside it are line numbers." in text(response)


def test_check_lists_problems_with_links_to_their_lines_and_never_saves(staff, course, app):
    broken = MODULE.format(n=2, text="Listening.").replace("minutes: 2", "minutes: lots")
    response = post(staff, MODULE_PATH, broken, "check")

    page, shown = response.get_data(as_text=True), text(response)
    assert response.status_code == 200
    assert '<a href="#line-3">Line 3</a>' in page
    assert "Error:" in shown and "minutes" in shown
    assert textarea(response) == broken
    assert "The preview appears once the errors listed above are fixed." in shown
    with app.app_context():
        assert files.open_file(files.course_named("my-course"), MODULE_PATH)[1] == 1


def test_warnings_about_a_question_sit_under_its_heading(staff, course):
    warned = MODULE.format(n=2, text="Listening.").replace(
        "- [ ] Wrong answer 2", "- [ ] All of the above"
    )
    response = post(staff, MODULE_PATH, warned, "check")

    shown = text(response)
    heading = warned.split("\n").index("### Question for module 2?") + 1
    assert f"Question at line {heading}: Question for module 2?" in shown
    after = shown.split(f"Question at line {heading}")[1]
    assert "Warning:" in after


def test_preview_renders_the_module_as_trainees_see_it_without_saving(staff, course, app):
    changed = MODULE.format(n=2, text="A **bold** lesson.")
    response = post(staff, MODULE_PATH, changed, "preview")

    page, shown = response.get_data(as_text=True), text(response)
    assert response.status_code == 200
    assert "<strong>bold</strong>" in page
    assert "Question 1. Question for module 2?" in shown
    assert re.search(r'<input type="radio" name="q1" value="1-1" id="c1-1" disabled>', page)
    assert "Module 2 of 2" in shown
    assert textarea(response) == changed
    with app.app_context():
        assert files.open_file(files.course_named("my-course"), MODULE_PATH)[1] == 1


def test_preview_of_the_course_overview(staff, course):
    response = staff.get(EDIT + "course.md")
    sent = textarea(response).replace("Write the course overview here", "Welcome, *reader*")
    response = post(staff, "course.md", sent, "preview")

    assert "<em>reader</em>" in response.get_data(as_text=True)
    assert ">New question</button>" not in response.get_data(as_text=True)


def test_new_question_appends_a_skeleton_without_saving(staff, course, app):
    start = MODULE.format(n=2, text="Listening.")
    response = post(staff, MODULE_PATH, start, "question")

    assert response.status_code == 200
    assert textarea(response) == start + "\n" + files.question_skeleton(start)
    assert "### Write question 2 here:" in textarea(response)
    assert "It is not saved yet." in text(response)
    with app.app_context():
        assert files.open_file(files.course_named("my-course"), MODULE_PATH)[1] == 1


def test_an_oversized_text_is_refused_and_kept(staff, course):
    big = MODULE.format(n=2, text="word " * (MAX_FILE_BYTES // 5 + 10))
    for action in ("save", "check"):
        response = post(staff, MODULE_PATH, big, action)
        assert response.status_code == 422
        assert "the limit is" in text(response) or "a file's limit is" in text(response)
        assert textarea(response) == big


def test_a_missing_button_or_revision_is_refused_with_a_message(staff, course):
    response = post(staff, MODULE_PATH, "text", "dance")
    assert response.status_code == 422
    assert "Press one of the buttons" in text(response)
    assert textarea(response) == "text"

    response = post(staff, MODULE_PATH, "text", "save", revision="x")
    assert response.status_code == 422
    assert "lost the revision" in text(response)
    assert textarea(response) == "text"


def test_live_returns_problems_and_the_preview(staff, course):
    response = live(staff, MODULE_PATH, MODULE.format(n=2, text="A *live* lesson."))

    assert response.status_code == 200
    data = response.get_json()
    assert data["problems"] == []
    assert "<em>live</em>" in data["preview_html"]
    assert "No problems found" in data["messages_html"]
    assert data["question_skeleton"].startswith("### Write question 2 here:")
    # Previewed, the question inserted reads once as "Question 2", not "Question 2. Question 2".
    inserted = MODULE.format(n=2, text="A lesson.") + "\n" + data["question_skeleton"]
    preview = re.sub(r"<[^>]+>", "", live(staff, MODULE_PATH, inserted).get_json()["preview_html"])
    assert "Question 2. Write question 2 here: a person" in preview
    assert not re.search(r"Question (\d+)\. Question \1", preview)

    broken = MODULE.format(n=2, text="x").replace("minutes: 2", "minutes: lots")
    data = live(staff, MODULE_PATH, broken).get_json()
    assert [p["line"] for p in data["problems"]] == [3]
    assert data["problems"][0]["warning"] is False and "minutes" in data["problems"][0]["message"]
    assert 'href="#line-3"' in data["messages_html"]


def test_live_refuses_oversized_text_and_bad_paths(staff, course):
    response = live(staff, MODULE_PATH, "x" * (MAX_FILE_BYTES + 1))
    assert response.status_code == 413
    assert "limit" in response.get_json()["message"]

    response = live(staff, "media/x.png", "text")
    assert response.status_code == 422
    assert response.get_json()["message"] == "send the file's path and its text"


def test_live_needs_the_csrf_token(staff, course):
    response = staff.post(LIVE, data={"path": MODULE_PATH, "text": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("roles", [("trainee",), ("supervisor",)])
def test_trainees_and_supervisors_are_refused(app, client, course, roles):
    sign_in_as(client, make_user(app, "x@example.org", "X", roles=roles))
    assert client.get(EDIT + MODULE_PATH).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, course):
    response = client.get(EDIT + MODULE_PATH)
    assert response.status_code in (302, 303)
    assert "/sign-in" in response.headers["Location"] or "sign" in response.headers["Location"]


def test_a_module_cannot_be_previewed_while_course_md_has_errors_and_says_where(staff, app):
    with app.app_context():
        files.create_course("my-course")  # course.md's summary left empty: an error
    response = staff.get(EDIT + "01-introduction.md")
    response = post(staff, "01-introduction.md", textarea(response), "preview")

    shown = text(response)
    assert "No problems found in this text." in shown
    assert "The preview appears once the course's other files read without errors:" in shown
    assert 'href="/staff/workspace/my-course/edit/course.md?line=' in response.get_data(True)


def test_an_expired_form_brings_the_text_back_unsaved(staff, course, app):
    page = staff.get(EDIT + MODULE_PATH)
    data = {"csrf_token": "expired", "revision": revision_field(page), "text": "Kept words.",
            "action": "save"}  # fmt: skip
    response = staff.post(EDIT + MODULE_PATH, data=data)

    assert response.status_code == 400
    assert "This page was open too long, so nothing was done." in text(response)
    assert textarea(response) == "Kept words."
    assert csrf_token(response.get_data(as_text=True)) != "expired"
    with app.app_context():
        assert files.open_file(files.course_named("my-course"), MODULE_PATH)[1] == 1


def test_a_signed_out_post_gets_only_its_own_text_back(client, course):
    data = {"csrf_token": "x", "revision": "1", "text": "Kept words.", "action": "save"}
    response = client.post(EDIT + MODULE_PATH, data=data)

    assert response.status_code == 400
    assert "Your session has ended" in text(response)
    assert textarea(response) == "Kept words."
    assert "Lesson 2" not in text(response)


def test_saving_a_file_deleted_meanwhile_shows_the_conflict_and_keeps_the_text(staff, course, app):
    page = staff.get(EDIT + MODULE_PATH)
    token, base = csrf_token(page.get_data(as_text=True)), revision_field(page)
    with app.app_context():
        files.delete_file(files.course_named("my-course"), MODULE_PATH)

    data = {"csrf_token": token, "revision": base, "text": "Mine.", "action": "save"}
    response = staff.post(EDIT + MODULE_PATH, data=data)

    assert response.status_code == 409
    assert "They deleted the file. Saving your text brings it back." in text(response)
    assert textarea(response) == "Mine."


def test_the_preview_shows_draft_images_from_the_workspace(staff, course, app):
    with app.app_context():
        draft = files.course_named("my-course")
        with store.transaction():
            store.put(draft, "media/circle.png", PNG.read_bytes(), None, "uploaded")
    sent = MODULE.format(n=2, text="![A circle of chairs](media/circle.png)")
    response = post(staff, MODULE_PATH, sent, "preview")

    page = response.get_data(as_text=True)
    assert '<img alt="A circle of chairs" src="/staff/workspace/my-course/media/circle.png"' in page


@pytest.mark.parametrize("where", ["/staff/workspace/nope/edit/course.md", EDIT + "notes.txt"])
def test_an_expired_form_for_no_such_file_still_gives_the_text_back(staff, course, where):
    body = "csrf_token=x&text=Kept%ED%A0%80words%00."  # a lone surrogate and a NUL
    response = staff.post(where, data=body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "Kept" in textarea(response) and "words." in textarea(response)
