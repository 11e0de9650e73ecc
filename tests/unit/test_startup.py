"""A web worker starts without the libraries that only some commands and pages need (Alembic,
Huey and its Redis client, pyld, Pillow, fpdf): they are imported when first used, which keeps
a worker's start-up and memory down (issue 13)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOADED_WHEN_USED = ("alembic", "flask_migrate", "mako", "huey", "redis", "pyld", "PIL", "fpdf")

PROBE = """
import sys
from lms import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "t", "LMS_REDIS_URL": ""})
assert app.test_client().get("/sign-in").status_code == 200
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_a_worker_serves_its_first_page_without_the_libraries_loaded_when_used():
    # A fresh interpreter: this test run has long since imported all of them.
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )

    loaded = set(result.stdout.split())
    assert "lms" in loaded and "flask" in loaded
    assert loaded.isdisjoint(LOADED_WHEN_USED), sorted(loaded & set(LOADED_WHEN_USED))
