"""How large a request may be: a view that takes a file declares its limit (accepts_file): the
course zip imports take a zip up to the importer's own limit (archive.MAX_ZIP_BYTES), the image
upload only its 2 MB; every other route keeps MAX_CONTENT_LENGTH. A request over the limit gets a
page saying what to do (413), never a bare error, naming a limit only where the view declares
one."""

import io
import os
import zipfile

import pytest
from werkzeug.test import EnvironBuilder

from lms.extensions import db
from lms.services.workspace import archive, images
from tests.auth import make_user
from tests.conftest import sign_in_as
from tests.roster_data import cohort
from tests.web.test_workspace_pages import COURSE, LIST, text, token
from tests.workspacekit import ready_course

MB = 1024 * 1024
IMPORT_ROUTES = ["/staff/workspace/import", f"{COURSE}import"]


@pytest.fixture
def staff(app, client):
    staff_id = make_user(app, "pat@example.org", "Pat Staff", roles=("staff",))
    with app.app_context():
        ready_course("my-course", staff_id)
    return sign_in_as(client, staff_id)


def zip_of(size, folder="my-course"):
    """A real zip of about `size` bytes: a course folder whose one image cannot be squeezed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive_file:
        archive_file.writestr(f"{folder}/course.md", "---\ntitle: Big\n---\n")
        archive_file.writestr(f"{folder}/media/big.png", os.urandom(size))
    return out.getvalue()


def sent(client, url, fields, page):
    """(status, the page's text) of a multipart form holding `fields` and the page's token."""
    fields = {"csrf_token": token(client, page), **fields}
    # Built here so that the body Werkzeug spools to a temporary file (over 500 KB) is closed.
    builder = EnvironBuilder(
        path=url, method="POST", data=fields, content_type="multipart/form-data"
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    try:
        response = client.open(environ)
        return response.status_code, text(response)
    finally:
        environ["wsgi.input"].close()


def file(data):
    return (io.BytesIO(data), "course.zip")


def upload(client, url, size):
    if url.startswith(COURSE):  # an update of my-course
        return sent(client, url, {"archive": file(zip_of(size))}, COURSE)
    return sent(client, url, {"archive": file(zip_of(size, "big-course"))}, LIST)


@pytest.mark.parametrize("url", IMPORT_ROUTES)
def test_a_15_mb_zip_reaches_the_importer(staff, url):
    status, page = upload(staff, url, 15 * MB)
    # The importer's own answer (the image is over its 2 MB limit), beside the field.
    assert status == 422
    assert "nothing was changed" in page
    assert "media/big.png" in page, page


@pytest.mark.parametrize("url", IMPORT_ROUTES)
def test_a_21_mb_zip_gets_a_page_saying_the_limit(staff, url):
    status, page = upload(staff, url, 21 * MB)
    assert status == 413
    assert "That file is too large" in page
    assert "This page accepts a file of at most 20 MB" in page
    assert "make the zip smaller (leave out large images, or make them smaller)" in page


def test_the_zip_forms_state_the_importers_limit(staff):
    limit = f"at most {archive.MAX_ZIP_BYTES // MB} MB"
    assert limit in text(staff.get(LIST))
    assert limit in text(staff.get(COURSE))


def test_the_image_upload_states_its_own_limit(app, staff):
    # 4 MB: under the site-wide limit, over the image upload's 2 MB and its form's allowance.
    status, page = sent(staff, f"{COURSE}media", {"image": (io.BytesIO(b"\0" * 4 * MB), "a.png")},
                        COURSE)  # fmt: skip
    assert status == 413
    assert f"This page accepts a file of at most {images.MAX_BYTES // MB} MB" in page
    assert "save a smaller copy of the image (fewer pixels, or JPEG or WebP for a photo)" in page


def test_a_view_that_declares_no_limit_names_no_number(app, staff):
    # The cohort CSV import reads at most 400 kB but declares no limit with accepts_file (a file
    # between the two gets its message beside the field): the page must not state the site-wide
    # 10 MB as if it were this page's.
    assert app.config["MAX_CONTENT_LENGTH"] == 11 * MB
    with app.app_context():
        cohort_id = cohort("Spring")
        db.session.commit()
    page_url = f"/staff/cohorts/{cohort_id}/import"
    status, page = sent(staff, page_url, {"file": (io.BytesIO(b"a" * 12 * MB), "people.csv")},
                        page_url)  # fmt: skip
    assert status == 413
    assert "That file is too large" in page
    assert "What you sent is larger than this page accepts, so nothing was saved" in page
    assert "choose a smaller file" in page
    assert " MB" not in page


def test_one_overlong_text_field_still_gets_the_general_page(staff):
    status, page = sent(staff, "/staff/workspace/new", {"slug": "x" * 600_000}, LIST)
    assert status == 413
    assert "That was too much to send" in page
    assert "shorten the text" in page
