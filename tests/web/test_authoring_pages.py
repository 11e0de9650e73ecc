"""The authors' pages: check the course files, preview a module, publish, item analysis."""

import html
import re
import shutil
from datetime import UTC, datetime
from urllib.parse import urljoin

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, ModuleVersion, QuizAttempt
from lms.models.types import utcnow
from lms.services import audit
from lms.services.authoring.publishing import sync_courses
from lms.services.workspace import files as workspace_files
from lms.services.workspace import publishing as workspace_publishing
from tests.auth import make_user
from tests.conftest import FIXTURES, csrf_token, sign_in_as
from tests.workspacekit import ready_course, write

COURSES = "/staff/courses"
PREVIEW = "/staff/courses/sample-course/preview/first-steps"
MEDIA = "/staff/courses/sample-course/media/"
PUBLISH = "/staff/courses/publish"
ITEMS = "/staff/courses/sample-course/items"
MAX_ATTEMPTS_ERROR = (
    "Error: courses/sample-course/02-listening.md:8: "
    "'max_attempts' must be a whole number from 1 to 1000, not 0"
)
IFRAME_WARNING = (
    "Warning: courses/sample-course/01-first-steps.md:10: "
    "raw HTML <iframe> will be removed when published: write Markdown instead"
)


def text(response):
    """What a reader sees: the page without its tags, spaces collapsed."""
    words = html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))
    return re.sub(r"\s+", " ", words)


def snapshot():
    return {
        table.name: db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def staff(app, client):
    return sign_in_as(client, make_user(app, "pat@example.org", "Pat Staff", roles=("staff",)))


@pytest.fixture
def broken(app, tmp_path):
    """A copy of the courses folder with one error and one warning, used by the app."""
    folder = tmp_path / "broken" / "courses"
    shutil.copytree(FIXTURES / "courses", folder)
    course = folder / "sample-course"
    for name, old, new in (
        ("02-listening.md", "max_attempts: 3", "max_attempts: 0"),
        ("01-first-steps.md", "Recovery is personal.", "<iframe src=x></iframe>"),
    ):
        path = course / name
        path.write_text(path.read_text().replace(old, new))
    app.config["LMS_COURSES_DIR"] = str(folder)
    return folder


def publish(client):
    token = csrf_token(client.get(COURSES).get_data(as_text=True))
    return client.post(PUBLISH, data={"csrf_token": token})


def test_the_staff_home_page_links_to_the_courses(staff):
    assert 'href="/staff/courses"' in staff.get("/staff/").get_data(as_text=True)


def test_check_page_lists_the_courses_on_disk_with_preview_links(staff):
    response = staff.get(COURSES)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No problems found." in text(response)
    assert f'<a href="{PREVIEW}">Preview: First Steps</a>' in page
    assert "No course has been published yet." in page


def test_check_page_shows_every_problem_by_file_and_line(staff, broken):
    response = staff.get(COURSES)

    shown = text(response)
    assert "1 error and 1 warning." in shown
    assert "Nothing can be published until every error is fixed." in shown
    assert MAX_ATTEMPTS_ERROR in shown and IFRAME_WARNING in shown
    assert "This course has errors (listed above), so it cannot be previewed" in shown
    assert "/preview/" not in response.get_data(as_text=True)


def test_preview_shows_the_module_as_a_trainee_would_see_it(staff):
    response = staff.get(PREVIEW)

    page, shown = response.get_data(as_text=True), text(response)
    assert response.status_code == 200
    assert "Preview — not published." in shown
    assert "<h1>First Steps</h1>" in page and "Module 1 of 2" in shown
    assert "Recovery is personal. See the picture below." in shown
    assert "Question 1. Which statement about recovery is true?" in shown
    assert "Question 2. Maya's first week" in shown
    assert "Maya has just joined a peer group." in shown
    assert re.search(r'<input type="radio" name="q1" value="1-1" id="c1-1" disabled>', page)
    assert page.count(" disabled>") == 6
    assert 'action="/courses/' not in page  # nothing to submit
    answers = shown.split("Answers and explanations")[1]
    assert "✓ Correct: Recovery looks different for each person." in answers
    assert "✗ Wrong: Recovery is the same for each person." in answers
    assert "Why:Each person's path is their own." in answers
    assert shown.index("Question 1.") < shown.index("Answers and explanations")


def test_preview_links_lead_to_other_previews_and_the_image_on_disk(staff, courses_dir):
    lesson = courses_dir / "sample-course" / "01-first-steps.md"
    lesson.write_text(
        lesson.read_text().replace("Recovery is personal.", "[The course](course.md).")
    )
    page = staff.get(PREVIEW).get_data(as_text=True)

    image = urljoin(PREVIEW, re.search(r'<img alt="A circle of chairs" src="([^"]+)"', page)[1])
    link = urljoin(PREVIEW, re.search(r'<a href="([^"]+)"[^>]*>Listening</a>', page)[1])
    assert image == MEDIA + "circle.png"
    with staff.get(image) as response:
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert response.data == (courses_dir / "sample-course/media/circle.png").read_bytes()
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert link == "/staff/courses/sample-course/preview/listening#section-open-questions"
    assert "<h1>Listening</h1>" in staff.get(link).get_data(as_text=True)
    course = urljoin(PREVIEW, re.search(r'<a href="([^"]+)"[^>]*>The course</a>', page)[1])
    assert course == COURSES and staff.get(course).status_code == 200


def test_preview_of_a_course_with_errors_lists_them(staff, broken):
    shown = text(staff.get(PREVIEW))

    assert "Cannot preview sample-course" in shown
    assert MAX_ATTEMPTS_ERROR in shown


@pytest.mark.parametrize(
    "path",
    [
        "/staff/courses/sample-course/preview/no-such-module",
        "/staff/courses/no-such-course/preview/first-steps",
        MEDIA + "missing.png",
    ],
)
def test_unknown_previews_are_not_found(staff, path):
    assert staff.get(path).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "../course.md",
        "%2e%2e/course.md",
        "..%2f01-first-steps.md",
        "../../../secret.txt",
        "..%2f..%2f..%2fsecret.txt",
        "/etc/passwd",
        "%2fetc%2fpasswd",
        "sub/../../course.md",
    ],
)
def test_media_route_refuses_paths_outside_the_media_folder(staff, courses_dir, name):
    (courses_dir.parent / "secret.txt").write_text("the secret")

    response = staff.get(MEDIA + name, follow_redirects=True)  # '//' redirects to '/'

    assert response.status_code == 404
    assert b"the secret" not in response.data and b"title:" not in response.data


def test_publish_with_errors_changes_nothing(app, staff, courses_dir, broken):
    with app.app_context():
        sync_courses(courses_dir)  # the good copy is published
        before = snapshot()

    response = publish(staff)

    shown = text(response)
    assert response.status_code == 422
    assert "Nothing was published" in shown
    assert "the course files have 1 error and 1 warning, so nothing was published" in shown
    assert MAX_ATTEMPTS_ERROR in shown
    with app.app_context():
        assert snapshot() == before


def test_publish_needs_the_csrf_token(app, staff):
    assert staff.post(PUBLISH).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Course)) is None


def test_publish_shows_the_report_and_the_course_appears(app, staff, client):
    response = publish(staff)

    shown = text(response)
    assert response.status_code == 200
    assert "Courses published" in shown
    assert "Courses added (1) sample-course" in shown
    assert "New module versions (2) sample-course/first-steps v1, sample-course/listening v1" in (
        shown
    )
    assert "Sample Course" in text(client.get("/"))
    assert "Everything is up to date: nothing changed." in text(publish(staff))
    listed = text(staff.get(COURSES))
    assert "Sample Course (sample-course)" in listed and "Item analysis of Sample Course" in listed
    assert re.search(r"Last change published on [A-Z][a-z]+ \d{1,2}, \d{4} by Pat Staff\.", listed)
    with app.app_context():
        (event,) = audit.events(action="course.synced")  # the second publish changed nothing
        assert event.actor.name == "Pat Staff"
        assert event.details["courses_added"] == ["sample-course"]


def test_item_analysis_page(app, staff):
    publish(staff)
    with app.app_context():
        version = db.session.scalar(
            select(ModuleVersion).where(ModuleVersion.title == "First Steps")
        )
        (right, same, _), (welcome, share, _) = [
            [c.id for c in q.choices] for q in version.questions
        ]
        user_id = make_user(app)
        for first in [right] * 3 + [same] * 7:
            db.session.add(
                QuizAttempt(
                    user_id=user_id,
                    module_id=version.module_id,
                    module_version_id=version.id,
                    submitted_at=utcnow(),
                    answers={
                        str(version.questions[0].id): [first],
                        str(version.questions[1].id): [welcome, share],
                    },
                    score=0,
                    passed=False,
                )
            )
        db.session.commit()

    response = staff.get(ITEMS)

    shown = text(response)
    assert response.status_code == 200
    assert "Item analysis: Sample Course" in shown
    assert "Version 1: 10 submitted attempts." in shown
    assert (
        "1. Which statement about recovery is true? 10 30% "
        "Recovery is the same for each person. (7) Too hard"
    ) in shown
    assert "2. Maya's first week 10 100% None Too easy" in shown
    assert "1. Which is an open question? 0 No answers yet None None" in shown


def test_item_analysis_of_an_unpublished_course_is_not_found(staff):
    assert staff.get(ITEMS).status_code == 404


@pytest.mark.parametrize("role", ["trainee", "supervisor"])
def test_trainees_and_supervisors_may_not_use_the_authors_tools(app, client, role):
    sign_in_as(client, make_user(app, f"{role}@example.org", role.title(), roles=(role,)))
    for path in (COURSES, PREVIEW, MEDIA + "circle.png", ITEMS):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    assert client.post(PUBLISH, data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Course)) is None


def test_admins_may_use_them(app, client):
    sign_in_as(client, make_user(app, "alex@example.org", "Alex Admin", roles=("admin",)))

    assert client.get(COURSES).status_code == 200
    assert publish(client).status_code == 200


def test_last_published_is_the_later_of_a_sync_and_a_workspace_publish(app, staff, clock):
    from_workspace = re.compile(
        r"Last change published on [A-Z][a-z]+ \d{1,2}, \d{4} by Sam Other, from the course "
        r"workspace \(my-course\)\."
    )
    from_disk = re.compile(r"Last change published on [A-Z][a-z]+ \d{1,2}, \d{4} by Pat Staff\.")
    sam = make_user(app, "sam@example.org", "Sam Other", roles=("staff",))
    clock.freeze(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    with app.app_context():
        draft = ready_course("my-course", sam)
        workspace_publishing.publish(draft, sam)
    assert from_workspace.search(text(staff.get(COURSES)))

    clock.advance(days=1)
    publish(staff)  # the courses folder: sample-course is new, so the sync changes something
    listed = text(staff.get(COURSES))
    assert from_disk.search(listed) and not from_workspace.search(listed)

    clock.advance(days=1)
    with app.app_context():
        draft = workspace_files.course_named("my-course")
        write(draft, "course.md", workspace_files.open_file(draft, "course.md")[0] + "\nMore.\n")
        workspace_publishing.publish(draft, sam)
    listed = text(staff.get(COURSES))
    assert from_workspace.search(listed) and not from_disk.search(listed)
