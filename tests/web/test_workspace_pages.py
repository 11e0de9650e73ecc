"""The course workspace's pages (lms/web/staff/workspace.py): draft courses, their files, images,
zips, a file's history and publishing one course. CSRF is on, as in production."""

import html
import io
import re
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, DraftFile
from lms.services.authoring.publishing import sync_courses
from lms.services.workspace import reviewing, store
from tests.auth import make_user
from tests.conftest import csrf_token, sign_in_as
from tests.workspacekit import MODULE, ready_course, write

LIST = "/staff/workspace/"
COURSE = "/staff/workspace/my-course/"


def text(response):
    words = html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))
    return re.sub(r"\s+", " ", words)


def picture(kind="PNG"):
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 120, 40)).save(out, format=kind)
    return out.getvalue()


@pytest.fixture
def staff_id(app):
    return make_user(app, "pat@example.org", "Pat Staff", roles=("staff",))


@pytest.fixture
def staff(app, client, staff_id):
    return sign_in_as(client, staff_id)


@pytest.fixture
def course(app, staff_id):
    with app.app_context():
        ready_course("my-course", staff_id)
    return "my-course"


def token(client, path=LIST):
    return csrf_token(client.get(path).get_data(as_text=True))


def post(client, url, data, page=LIST, **kwargs):
    return client.post(url, data={"csrf_token": token(client, page), **data}, **kwargs)


def seen(client, url=None):
    """The fingerprint the publish page's Publish form carries (of the draft it previewed)."""
    page = client.get(url or f"{COURSE}publish").get_data(as_text=True)
    return re.search(r'name="seen" type="hidden" value="([^"]+)"', page).group(1)


def live_paths(app, slug="my-course"):
    with app.app_context():
        return sorted(store.live_files(store.course_by_slug(slug)))


# -- Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [("trainee",), ("supervisor",)])
def test_trainees_and_supervisors_are_refused(app, client, course, roles):
    sign_in_as(client, make_user(app, "sam@example.org", "Sam", roles=roles))
    for url in (LIST, COURSE, f"{COURSE}publish", f"{COURSE}history/course.md", f"{COURSE}export"):
        assert client.get(url).status_code == 403
    assert client.post("/staff/workspace/new", data={"slug": "x"}).status_code in (400, 403)


def test_signed_out_people_are_sent_to_sign_in(client, course):
    for url in (LIST, COURSE, f"{COURSE}publish"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_staff_home_links_to_the_workspace(staff):
    assert 'href="/staff/workspace/"' in staff.get("/staff/").get_data(as_text=True)


# -- The list, creating a course -----------------------------------------------------------------


def test_the_list_shows_each_draft_course(staff, course):
    page = text(staff.get(LIST))
    assert "my-course" in page and "Pat Staff" in page and "Not yet" in page


def test_create_a_course(app, staff):
    response = post(staff, "/staff/workspace/new", {"slug": "new-course"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/staff/workspace/new-course/"
    )
    assert live_paths(app, "new-course") == ["01-introduction.md", "course.md"]


def test_a_bad_slug_is_refused_beside_the_field(app, staff):
    response = post(staff, "/staff/workspace/new", {"slug": "Not A Slug"})
    assert response.status_code == 422
    assert "is not a slug: use lowercase letters" in text(response)
    assert "There is a problem" in text(response)


@pytest.mark.parametrize("typed", ["", "   "])
def test_an_empty_slug_asks_for_one(app, staff, typed):
    response = post(staff, "/staff/workspace/new", {"slug": typed})

    assert response.status_code == 422
    assert (
        "enter a slug for the new course: lowercase letters, digits and hyphens, for example "
        "'peer-support-foundations'"
    ) in text(response)
    assert "'' is not a slug" not in text(response)


def test_a_new_course_cannot_take_the_slug_of_a_published_one(app, staff, courses_dir):
    """An empty draft under a published course's slug would, once published, retire every
    module of that course: the slug is refused, saying how to bring the course here instead."""
    with app.app_context():
        sync_courses(courses_dir)

    response = post(staff, "/staff/workspace/new", {"slug": "sample-course"})

    assert response.status_code == 422 and "There is a problem" in text(response)
    assert (
        "a published course already has the slug 'sample-course': to change that course here, "
        "upload a zip of its folder (Create a course from a zip); for a new course, choose "
        "another slug"
    ) in text(response)
    with app.app_context():
        assert store.course_by_slug("sample-course") is None


def test_a_course_from_a_zip_and_a_broken_zip(app, staff, course):
    export = staff.get(f"{COURSE}export")
    assert export.status_code == 200 and export.mimetype == "application/zip"
    assert "my-course.zip" in export.headers["Content-Disposition"]
    # the same files under another folder name make a new course
    source = zipfile.ZipFile(io.BytesIO(export.data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for name in source.namelist():
            copy.writestr(name.replace("my-course/", "copied-course/", 1), source.read(name))
    response = post(
        staff, "/staff/workspace/import", {"archive": (io.BytesIO(out.getvalue()), "c.zip")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302
    assert live_paths(app, "copied-course") == live_paths(app)
    refused = post(
        staff, "/staff/workspace/import", {"archive": (io.BytesIO(b"not a zip"), "c.zip")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert refused.status_code == 422 and "nothing was changed" in text(refused)
    empty = post(staff, "/staff/workspace/import", {}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Choose a zip file" in text(empty)


# -- A course's files ----------------------------------------------------------------------------


def test_the_course_page_lists_files_with_editor_and_history_links(staff, course):
    page = staff.get(COURSE).get_data(as_text=True)
    assert 'href="/staff/workspace/my-course/edit/course.md"' in page
    assert 'href="/staff/workspace/my-course/history/01-introduction.md"' in page
    assert "No problems found" in page


def test_add_a_module_a_session_and_the_code_of_ethics(app, staff, course):
    for kind, title in (("module", "Listening well"), ("session", "Role play"), ("ethics", "")):
        response = post(staff, f"{COURSE}files", {"kind": kind, "title": title}, COURSE)
        assert response.status_code == 302, text(response)
    assert live_paths(app) == [
        "01-introduction.md", "02-listening-well.md", "code-of-ethics.md", "course.md",
        "sessions/01-role-play.md",
    ]  # fmt: skip
    again = post(staff, f"{COURSE}files", {"kind": "module", "title": "Listening well"}, COURSE)
    assert again.status_code == 422
    assert "already has a module 'listening-well'" in text(again)


def test_a_problem_links_to_its_line_in_the_editor(app, staff, course):
    with app.app_context():
        write(store.course_by_slug("my-course"), "02-broken.md", "no front matter\n")
    page = staff.get(COURSE).get_data(as_text=True)
    assert re.search(r'href="/staff/workspace/my-course/edit/02-broken.md\?line=\d+"', page)
    publish = staff.get(f"{COURSE}publish")
    assert "cannot be published" in text(publish)
    with app.app_context():  # no Publish form on the page: as if sent before the error was saved
        now = reviewing.fingerprint(reviewing.live_revisions(store.course_by_slug("my-course")))
    refused = post(staff, f"{COURSE}publish", {"seen": now}, f"{COURSE}publish")
    assert refused.status_code == 422 and "fix them, then publish" in text(refused)


def test_rename_and_bad_rename(app, staff, course):
    response = post(
        staff, f"{COURSE}rename", {"path": "01-introduction.md", "new_path": "01-welcome.md"},
        COURSE,
    )  # fmt: skip
    assert response.status_code == 302
    assert "01-welcome.md" in live_paths(app)
    bad = post(staff, f"{COURSE}rename", {"path": "course.md", "new_path": "../x.md"}, COURSE)
    assert bad.status_code == 422 and "is not a path inside the course" in text(bad)


def test_delete_asks_first_then_deletes(app, staff, course):
    post(staff, f"{COURSE}files", {"kind": "module", "title": "Second"}, COURSE)
    ask = post(staff, f"{COURSE}delete", {"path": "02-second.md"}, COURSE)
    assert ask.status_code == 200 and "Delete 02-second.md?" in text(ask)
    assert "02-second.md" in live_paths(app)
    done = post(staff, f"{COURSE}delete", {"path": "02-second.md", "confirmed": "yes"}, COURSE)
    assert done.status_code == 302 and "02-second.md" not in live_paths(app)
    missing = post(staff, f"{COURSE}delete", {"path": "09-none.md"}, COURSE)
    assert missing.status_code == 422


def test_reorder_moves_a_module_up(app, staff, course):
    post(staff, f"{COURSE}files", {"kind": "module", "title": "Second"}, COURSE)
    response = post(staff, f"{COURSE}reorder", {"path": "02-second.md", "direction": "up"}, COURSE)
    assert response.status_code == 302
    assert live_paths(app)[:2] == ["01-second.md", "02-introduction.md"]


def test_upload_an_image_and_serve_it(app, staff, course):
    response = post(
        staff, f"{COURSE}media",
        {"image": (io.BytesIO(picture()), "Chairs.png"), "name": "chairs.png"},
        COURSE, content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302
    served = staff.get(f"{COURSE}media/chairs.png")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in served.headers["Cache-Control"]
    assert staff.get(f"{COURSE}media/none.png").status_code == 404


def test_an_svg_is_uploaded_and_served_as_published_media_are(app, staff, course):
    page = text(staff.get(COURSE))
    assert (
        "PNG, JPEG, WebP, GIF or SVG (with no script, and nothing from outside the file), at most "
        "2 MB."
    ) in page
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" style="color:red"><circle r="4"/></svg>'
    response = post(
        staff, f"{COURSE}media", {"image": (io.BytesIO(svg), "chart.svg")},
        COURSE, content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302
    served = staff.get(f"{COURSE}media/chart.svg")
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    assert served.data == svg
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'"
    )


def test_a_file_that_is_no_picture_is_refused_with_the_checkers_message(app, staff, course):
    response = post(
        staff, f"{COURSE}media", {"image": (io.BytesIO(b"<p>Handout</p>"), "Handout.html")},
        COURSE, content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 422
    assert (
        "'media/handout.html' is a .html file, and media/ holds only pictures: PNG, JPEG, GIF, "
        "WebP or SVG (.png, .jpg or .jpeg, .gif, .webp, .svg). Save it as one of those, or move "
        "it out of media/"
    ) in text(response)
    assert not [p for p in live_paths(app) if p.startswith("media/")]


def test_an_svg_with_script_is_refused_with_the_checkers_message(app, staff, course):
    response = post(
        staff, f"{COURSE}media",
        {"image": (io.BytesIO(b"<svg onload='alert(1)'></svg>"), "chart.svg")},
        COURSE, content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 422
    assert "'media/chart.svg' is an SVG that holds script" in text(response)
    assert not [p for p in live_paths(app) if p.startswith("media/")]


def test_an_svg_that_loads_a_file_from_elsewhere_is_refused_with_the_checkers_message(
    app, staff, course
):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg">\n<circle id="dot" r="4"/>\n'
        b'<image href="https://tracker.example/pixel.png"/>\n</svg>'
    )
    response = post(
        staff, f"{COURSE}media", {"image": (io.BytesIO(svg), "chart.svg")},
        COURSE, content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 422
    assert (
        "'media/chart.svg' is an SVG that refers to something outside the file (line 3: <image "
        'href="https://tracker.example/pixel.png">): on a page the picture never loads it, and '
        "opened on its own it would fetch it from wherever it points. Remove it, or draw what it "
        'shows in the SVG itself (references within the file, such as href="#shape" or '
        "url(#gradient), are fine)"
    ) in text(response)
    assert not [p for p in live_paths(app) if p.startswith("media/")]


def test_update_from_a_broken_zip_changes_nothing(app, staff, course):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("my-course/course.md", "---\ntitle: x\n---\n")
    before = live_paths(app)
    response = post(
        staff, f"{COURSE}import", {"archive": (io.BytesIO(out.getvalue()), "c.zip")}, COURSE,
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 422 and "nothing was changed" in text(response)
    assert live_paths(app) == before


# -- History ---------------------------------------------------------------------------------------


def test_history_diff_and_restore(app, staff, course):
    with app.app_context():
        write(store.course_by_slug("my-course"), "01-introduction.md", MODULE.format(n=1, text="A"))
    url = f"{COURSE}history/01-introduction.md"
    page = text(staff.get(url))
    assert "Revisions, newest first" in page and "created" in page
    diff = staff.get(f"{url}?old=1&new=2")
    assert diff.status_code == 200 and "Added" in text(diff) and "Removed" in text(diff)
    assert staff.get(f"{url}?old=1&new=99").status_code == 422
    ask = post(staff, url, {"number": "1"}, url)
    assert ask.status_code == 200 and "Restore revision 1" in text(ask)
    done = post(staff, url, {"number": "1", "confirmed": "yes"}, url)
    assert done.status_code == 302
    with app.app_context():
        draft = db.session.scalar(select(DraftFile).where(DraftFile.path == "01-introduction.md"))
        assert draft.revision == 3
    assert post(staff, url, {"number": "x", "confirmed": "yes"}, url).status_code == 422
    assert staff.get(f"{COURSE}history/09-none.md").status_code == 404


# -- Publishing ----------------------------------------------------------------------------------


def test_publish_shows_the_changes_then_publishes(app, staff, course):
    preview = text(staff.get(f"{COURSE}publish"))
    assert "introduction" in preview and "Publish my-course" in preview
    done = post(staff, f"{COURSE}publish", {"seen": seen(staff)}, f"{COURSE}publish")
    assert done.status_code == 200 and "my-course is published" in text(done)
    assert 'href="/courses/my-course/"' in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Course).where(Course.slug == "my-course")) is not None
        write(store.course_by_slug("my-course"), "01-introduction.md", MODULE.format(n=1, text="B"))
    again = text(staff.get(f"{COURSE}publish"))
    assert "Changed" in again and "Added" in again
    assert "my-course" in text(staff.get(LIST)) and "Yes, last on" in text(staff.get(LIST))


def test_publishing_a_course_from_disk_unchanged_says_it_is_now_published_from_here(
    app, staff, courses_dir
):
    """The course was published from the courses folder; the same files, imported and published
    here, change nothing trainees see, but from then on a sync from disk leaves the course alone:
    the page said "Nothing to publish ... nothing was written"."""
    with app.app_context():
        sync_courses(courses_dir)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted((courses_dir / "sample-course").rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(courses_dir).as_posix())
    post(
        staff, "/staff/workspace/import", {"archive": (io.BytesIO(out.getvalue()), "s.zip")},
        content_type="multipart/form-data",
    )  # fmt: skip
    page = "/staff/workspace/sample-course/publish"

    done = text(post(staff, page, {"seen": seen(staff, page)}, page))

    assert "sample-course is now published from here" in done and "Nothing to publish" not in done
    assert "trainees see no change" in done and "a sync of the courses folder" in done
    with app.app_context():
        assert sync_courses(courses_dir).warnings  # the sync leaves it alone, and says so
    again = text(post(staff, page, {"seen": seen(staff, page)}, page))
    assert "Nothing to publish" in again and "nothing was written" in again


def test_an_unknown_course_is_not_found(staff):
    assert staff.get("/staff/workspace/nope/").status_code == 404
    assert staff.get("/staff/workspace/nope/publish").status_code == 404


def test_nothing_half_written_without_csrf(app, staff, course):
    before = live_paths(app)
    response = staff.post(f"{COURSE}files", data={"kind": "module", "title": "X"})
    assert response.status_code in (400, 422)
    assert live_paths(app) == before


def test_an_images_history_has_no_text_diff(app, staff, course):
    post(
        staff, f"{COURSE}media", {"image": (io.BytesIO(picture()), "chairs.png")},
        COURSE, content_type="multipart/form-data",
    )  # fmt: skip
    url = f"{COURSE}history/media/chairs.png"
    page = staff.get(url)
    assert page.status_code == 200 and "Compare two revisions" not in text(page)
    assert staff.get(f"{url}?old=1&new=1").status_code == 422
