"""/healthz says whether the database can be used: it answers, and it takes a write. A database
that answers reads but cannot save anything (a read-only SQLite file or a read-only PostgreSQL
server) fails every sign-in and quiz, so the check reports it with 503."""

import shutil

import pytest
from sqlalchemy.engine import make_url

from lms import create_app
from lms.extensions import db
from lms.services import health


def _app(url):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})


def _health(app):
    try:
        return app.test_client().get("/healthz")
    finally:
        with app.app_context():
            db.engine.dispose()


def test_healthz_reports_a_sqlite_file_that_cannot_be_written(tmp_path):
    writable = tmp_path / "lms.db"
    with _app(f"sqlite:///{writable}").app_context():
        db.create_all()
        db.engine.dispose()
    copy = tmp_path / "read-only.db"
    shutil.copy(writable, copy)
    # Tests run as root, whom chmod does not stop: open the file read-only, as SQLite does on a
    # read-only mount or a file the server's account cannot write.
    app = _app(f"sqlite:///file:{copy}?mode=ro&uri=true")

    response = _health(app)

    assert response.status_code == 503
    assert response.json["database"] == "read-only"
    assert "cannot take writes" in response.json["message"]


def test_healthz_reports_a_postgresql_server_that_cannot_be_written(app):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (LMS_TEST_DATABASE_URL)")
    # As on a standby server, or with the database set read-only for maintenance.
    read_only = url.update_query_dict({"options": "-c default_transaction_read_only=on"})

    response = _health(_app(read_only.render_as_string(hide_password=False)))

    assert response.status_code == 503
    assert response.json["database"] == "read-only"


def test_healthz_reports_a_sqlite_disk_with_no_room_left(tmp_path, monkeypatch):
    app = _app(f"sqlite:///{tmp_path / 'lms.db'}")
    with app.app_context():
        db.create_all()
    # A rolled-back write writes nothing, so the room left on the disk is what tells; the
    # disk is made to look full here (the database itself is real).
    real_usage = shutil.disk_usage
    monkeypatch.setattr(
        "lms.services.health.shutil.disk_usage",
        lambda folder: real_usage(folder)._replace(free=health.MIN_FREE_BYTES - 1),
    )

    response = _health(app)

    assert response.status_code == 503
    assert response.json["database"] == "disk-full"
    assert "nearly full" in response.json["message"]
