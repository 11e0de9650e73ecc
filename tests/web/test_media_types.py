"""Each kind of picture a course may hold is served as itself, whatever the host's own table of
file types says: a slim host (a container with no /etc/mime.types) knows no .webp, and a picture
served as application/octet-stream with nosniff shows broken."""

import mimetypes
import re

from flask_migrate import upgrade
from sqlalchemy import text

from lms.extensions import db
from lms.models import MediaFile
from lms.services.authoring.publishing import sync_courses
from lms.services.people import accounts
from tests.conftest import sign_in_as
from tests.unit.test_commands import empty_app  # noqa: F401  (an app on a database with no tables)

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
PICTURES = {
    "dot.webp": (b"RIFF\x1a\x00\x00\x00WEBPVP8L a webp", "image/webp"),
    "dot.svg": (SVG, "image/svg+xml"),
    "dot.gif": (b"GIF89a a gif", "image/gif"),
    "dot.jpeg": (b"\xff\xd8\xff\xe0 a jpeg", "image/jpeg"),
}


def test_each_kind_of_picture_is_served_as_itself_on_a_host_without_a_type_table(
    app, courses_dir, monkeypatch
):
    monkeypatch.setattr(mimetypes, "guess_type", mimetypes.MimeTypes(filenames=()).guess_type)
    folder = courses_dir / "sample-course"
    for name, (data, _) in PICTURES.items():
        (folder / "media" / name).write_bytes(data)
    lesson = folder / "01-first-steps.md"
    links = " ".join(f"![{name}](media/{name})" for name in PICTURES)
    text = lesson.read_text()
    picture = text.index("![A circle of chairs](media/circle.png)")
    lesson.write_text(f"{text[:picture]}{links}\n\n{text[picture:]}")
    with app.app_context():
        sync_courses(courses_dir)
        stored = dict(db.session.query(MediaFile.file_name, MediaFile.content_type))
        trainee = accounts.ensure_user("r@example.org", "R", ["trainee"], "a-long-passphrase").id
    assert stored == {"circle.png": "image/png"} | {n: t for n, (_, t) in PICTURES.items()}

    client = sign_in_as(app.test_client(), trainee)
    html = client.get("/courses/sample-course/first-steps").get_data(as_text=True)
    for name, (data, wanted) in PICTURES.items():
        src = re.search(rf'<img alt="{re.escape(name)}" src="\.\./\.\./([^"]+)"', html).group(1)
        response = client.get(f"/{src}")
        assert (response.status_code, response.mimetype, response.data) == (200, wanted, data)


def test_the_migration_mends_pictures_stored_without_their_type(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade(revision="0017e")
        for name in ("a.webp", "B.WEBP", "c.svg", "d.bin"):
            db.session.execute(
                text(
                    "INSERT INTO media_file (sha256, file_name, content_type, data, created_at) "
                    "VALUES (:sha, :name, 'application/octet-stream', :data, CURRENT_TIMESTAMP)"
                ),
                {"sha": name.ljust(64, "0"), "name": name, "data": b"x"},
            )
        db.session.commit()
        upgrade()
        stored = dict(db.session.query(MediaFile.file_name, MediaFile.content_type))
    assert stored == {
        "a.webp": "image/webp",
        "B.WEBP": "image/webp",
        "c.svg": "image/svg+xml",
        "d.bin": "application/octet-stream",
    }
