"""A web worker starts without the libraries that only some commands and pages need (Alembic,
Huey and its Redis client, pyld, Pillow, fpdf): they are imported when first used, which keeps
a worker's start-up and memory down (issue 13)."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
LOADED_WHEN_USED = ("alembic", "flask_migrate", "mako", "huey", "redis", "pyld", "PIL", "fpdf")

# Publishing is done beforehand, in another interpreter (a web worker never publishes): the probe
# only serves pages, a plain one and the catalog's, which read the published courses.
PUBLISH = """
import sys
from lms import create_app
from lms.extensions import db
from lms.services.publishing import sync_courses
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "t", "LMS_REDIS_URL": ""})
with app.app_context():
    db.create_all()
    sync_courses(sys.argv[2])
"""
PROBE = """
import sys
from lms import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "t", "LMS_REDIS_URL": ""})
client = app.test_client()
assert client.get("/sign-in").status_code == 200
catalog = client.get("/")
assert catalog.status_code == 200 and "/courses/sample-course/" in catalog.get_data(as_text=True)
assert client.get("/courses/sample-course/").status_code == 200
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def run(script, *args):
    # A fresh interpreter: this test run has long since imported all of them.
    return subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )


def test_a_worker_serves_its_first_pages_without_the_libraries_loaded_when_used(tmp_path):
    database = f"sqlite:///{tmp_path / 'lms.db'}"
    run(PUBLISH, database, str(FIXTURES / "courses"))

    result = run(PROBE, database)

    loaded = set(result.stdout.split())
    assert "lms" in loaded and "flask" in loaded
    assert loaded.isdisjoint(LOADED_WHEN_USED), sorted(loaded & set(LOADED_WHEN_USED))
