"""A web worker starts without the libraries that only some commands and pages need (Alembic,
Huey and its Redis client, pyld, cryptography, Pillow, fpdf and its fonts, the QR code maker,
Python-Markdown, nh3, PyYAML): they are imported when first used (a PDF, a signed credential,
publishing), which keeps a worker's start-up and memory down (issue 13). A trainee who earns a
certificate loads none of the signing libraries either: its credential is signed when first
needed (a download, or the email's attachments in the background worker), not in that request."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
LOADED_WHEN_USED = (
    *("alembic", "flask_migrate", "mako"),  # migrations
    *("huey", "redis"),  # queueing an email
    *("pyld", "cryptography"),  # issuing or checking a signed credential
    *("PIL", "fpdf", "fontTools", "uharfbuzz", "qrcode"),  # a PDF
    *("markdown", "nh3", "yaml"),  # reading and rendering course files: publishing, previews
)
TRAINEE, PASSWORD = "dana@example.org", "a calm river at dawn"

# Publishing (and making the trainee) is done beforehand, in another interpreter (a web worker
# never publishes): the probe only serves pages, which read the published courses.
# It prints the right choices' ids, for the probe that passes every quiz.
PUBLISH = f"""
import json, sys
from sqlalchemy import select
from lms import create_app
from lms.extensions import db
from lms.models import Choice
from lms.services.people import accounts
from lms.services.authoring.publishing import sync_courses
app = create_app({{"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "t", "LMS_REDIS_URL": ""}})
with app.app_context():
    db.create_all()
    sync_courses(sys.argv[2])
    accounts.ensure_user({TRAINEE!r}, "Dana Trainee", ["trainee"], {PASSWORD!r})
    print(json.dumps(sorted(db.session.scalars(select(Choice.id).where(Choice.is_correct)))))
"""
# The modules loaded by create_app, then after a trainee signs in through the form (CSRF on, as in
# production) and opens a trainee's pages: the dashboard, a module page, its quiz. Nothing from
# tests is imported (it would load more).
PROBE = f"""
import re, sys
from lms import create_app
app = create_app({{"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "t", "LMS_REDIS_URL": ""}})
client = app.test_client()
print(" ".join(sorted({{name.split(".")[0] for name in sys.modules}})))
health, catalog = client.get("/healthz"), client.get("/")
course = client.get("/courses/sample-course/")
assert health.status_code == 200 and course.status_code == 200
assert catalog.status_code == 200 and "/courses/sample-course/" in catalog.get_data(as_text=True)
form = client.get("/sign-in").get_data(as_text=True)
token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form).group(1)
data = {{"email": {TRAINEE!r}, "password": {PASSWORD!r}, "csrf_token": token}}
signed_in = client.post("/sign-in", data=data)
assert signed_in.headers["Location"].endswith("/dashboard")
for path in ("/dashboard", "/courses/sample-course/", "/courses/sample-course/first-steps",
             "/courses/sample-course/first-steps/quiz"):
    page = client.get(path)
    assert page.status_code == 200, path
print(" ".join(sorted({{name.split(".")[0] for name in sys.modules}})))
"""

# A trainee signs in and passes both quizzes of the sample course, with email off (SMTP not set,
# so no certificate email is queued), and so earns its certificate: the modules loaded after it.
EARN = f"""
import json, re, sys
from lms import create_app
config = {{"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "t", "LMS_REDIS_URL": "",
          "LMS_SMTP_HOST": ""}}
app = create_app(config)
client = app.test_client()
correct = set(json.loads(sys.argv[2]))
def token(html):
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
data = {{"email": {TRAINEE!r}, "password": {PASSWORD!r}, "csrf_token": token(client.get(
    "/sign-in").get_data(as_text=True))}}
signed_in = client.post("/sign-in", data=data)
assert signed_in.headers["Location"].endswith("/dashboard")
for module in ("first-steps", "listening"):
    path = f"/courses/sample-course/{{module}}/quiz"
    html = client.get(path).get_data(as_text=True)
    form = {{"csrf_token": token(html),
            "attempt_id": re.search(r'name="attempt_id" value="(\\d+)"', html).group(1),
            "shown": re.search(r'name="shown" value="([^"]+)"', html).group(1)}}
    for question, choice in re.findall(r'name="q(\\d+)" value="(\\d+)"', html):
        if int(choice) in correct:
            form.setdefault(f"q{{question}}", []).append(choice)
    answer = client.post(path, data=form)
    assert answer.status_code == 303, (path, answer.status_code)
    result = client.get(answer.headers["Location"])
    assert result.status_code == 200
dashboard = client.get("/dashboard").get_data(as_text=True)
assert "/certificates/SC-" in dashboard, "the certificate was not earned"
print(" ".join(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


def run(script, *args):
    # A fresh interpreter: this test run has long since imported all of them. The scripts check
    # with assert statements, so never under python -O (PYTHONOPTIMIZE), which would skip them.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONOPTIMIZE"}
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def test_a_worker_serves_a_trainee_without_the_libraries_loaded_when_used(tmp_path):
    database = f"sqlite:///{tmp_path / 'lms.db'}"
    run(PUBLISH, database, str(FIXTURES / "courses"))

    after_create_app, after_pages = run(PROBE, database).stdout.splitlines()

    for loaded in (set(after_create_app.split()), set(after_pages.split())):
        assert "lms" in loaded and "flask" in loaded
        assert loaded.isdisjoint(LOADED_WHEN_USED), sorted(loaded & set(LOADED_WHEN_USED))


def test_a_trainee_earns_a_certificate_without_the_signing_libraries(tmp_path):
    database = f"sqlite:///{tmp_path / 'lms.db'}"
    correct = run(PUBLISH, database, str(FIXTURES / "courses")).stdout.splitlines()[-1]
    assert json.loads(correct), "the sample course's quizzes have right answers"

    loaded = set(run(EARN, database, correct).stdout.split())

    assert "lms" in loaded and "flask" in loaded
    signing = {"pyld", "lxml", "cryptography"}
    assert loaded.isdisjoint(signing), sorted(loaded & signing)
