"""What a web worker loads and how much memory it holds, from start to the end of a trainee journey.

Not part of the test run. Run it as a script from the project root:

    python tests/perf/profile_startup.py              # stages, import time, RSS, heavy packages
    python tests/perf/profile_startup.py --modules    # also every lms module loaded at the end

A first process prepares a temporary SQLite file (migrations, the bundled courses, one trainee),
as bench_trainee.py does. A second, fresh process then plays one gunicorn worker: `import lms`,
create_app(), /healthz, then the pages a trainee opens (module, course, dashboard) and quizzes
answered right until a certificate is earned, through the test client with the real sign-in
form. After each stage it prints the time since the start (wall and CPU: on a busy machine the
CPU time moves less), this process's resident memory, how many modules are loaded and which of
the big packages: the deterministic part of bench_trainee's cold start and worker RSS.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "alembic",
    "flask_migrate",
    "fpdf",
    "PIL",
    "qrcode",
    "uharfbuzz",
    "huey",
    "redis",
    "cryptography",
    "pyld",
    "markdown",
    "nh3",
    "yaml",
    "zoneinfo",
    "smtplib",
    "email.mime",
    "psycopg",
    "click",
)
PASSWORD = "profile-startup-password"
EMAIL = "trainee@profile.example"


def rss_mb():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024


def heavy_loaded():
    return [name for name in HEAVY if name in sys.modules]


def prepare(url, folder):
    """Schema by migration, the bundled courses and one trainee (its own process: see main)."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from lms import create_app
    from lms.extensions import db
    from lms.models import Choice
    from lms.services.authoring.publishing import sync_courses
    from lms.services.learning import catalog
    from lms.services.people import accounts

    app = create_app(config(url, folder))
    with app.app_context():
        upgrade()
        sync_courses(ROOT / "courses")
        accounts.ensure_user(EMAIL, "Trainee", ["trainee"], PASSWORD)
        modules = [(c.slug, m.slug) for c, ms in catalog.published_courses() for m in ms]
        correct = sorted(db.session.scalars(select(Choice.id).where(Choice.is_correct)))
    return {"modules": modules, "correct": correct}


def config(url, folder):
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "profile-startup",
        "LMS_COURSES_DIR": str(ROOT / "courses"),
        "LMS_QUEUE_FILE": f"{folder}/huey.db",
        "LMS_REDIS_URL": "",
        "LMS_SMTP_HOST": "",
    }


def worker(url, folder, prepared, show_modules):
    """One fresh process's life as a web worker, stage by stage."""
    started, cpu_started = time.perf_counter(), time.process_time()
    stages = []

    def stage(name):
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        stages.append((name, wall, cpu, rss_mb(), len(sys.modules), heavy_loaded()))

    import lms

    stage("import lms")
    app = lms.create_app(config(url, folder))
    stage("create_app()")
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    stage("GET /healthz")
    sign_in(client)
    stage("sign in")
    course, module = prepared["modules"][0]
    for path in (f"/courses/{course}/{module}", f"/courses/{course}/", "/dashboard"):
        assert client.get(path).status_code == 200, path
    stage("module, course, dashboard pages")
    correct = set(prepared["correct"])
    earned = False
    for course_slug, module_slug in prepared["modules"]:
        path = f"/courses/{course_slug}/{module_slug}/quiz"
        page = client.get(path)
        if page.status_code != 200:
            continue
        form = quiz_form(page.get_data(as_text=True), correct)
        if form is None:
            continue
        answer = client.post(path, data=form)
        assert answer.status_code == 303, (path, answer.status_code)
        assert client.get(answer.headers["Location"]).status_code == 200
        earned = earned or "/certificates/" in client.get("/dashboard").get_data(as_text=True)
    stage("every quiz passed" + (" (a certificate earned)" if earned else ""))
    print(f"{'stage':<42} {'wall s':>6} {'CPU s':>6} {'RSS MB':>6} {'modules':>7}  big packages")
    for name, wall, cpu, rss, modules, heavy in stages:
        figures = f"{wall:>6.2f} {cpu:>6.2f} {rss:>6.1f} {modules:>7}"
        print(f"{name:<42} {figures}  {' '.join(heavy) or '-'}")
    if show_modules:
        print("\n".join(sorted(name for name in sys.modules if name.startswith("lms"))))


def sign_in(client):
    html = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": token}
    answer = client.post("/sign-in", data=form)
    assert answer.status_code == 302, answer.status_code


def quiz_form(html, correct):
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    attempt = re.search(r'name="attempt_id" value="(\d+)"', html)
    shown = re.search(r'name="shown" value="([^"]+)"', html)
    if token is None or attempt is None or shown is None:
        return None
    form = {"csrf_token": token.group(1), "attempt_id": attempt.group(1), "shown": shown.group(1)}
    for question, choice in re.findall(r'name="q(\d+)" value="(\d+)"', html):
        if int(choice) in correct:
            form.setdefault(f"q{question}", []).append(choice)
    return form


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", action="store_true", help="list the lms modules loaded")
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # internal: the two processes
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # this checkout's lms, not an installed copy
    if args.stage:
        url = f"sqlite:///{args.folder}/profile.db"
        if args.stage == "prepare":
            Path(args.folder, "prepared.json").write_text(json.dumps(prepare(url, args.folder)))
        else:
            prepared = json.loads(Path(args.folder, "prepared.json").read_text())
            worker(url, args.folder, prepared, args.modules)
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LMS_ENV": "development"}
    with tempfile.TemporaryDirectory(prefix="lms-startup-") as folder:
        for name in ("prepare", "worker"):
            command = [sys.executable, __file__, "--stage", name, "--folder", folder]
            command += ["--modules"] if args.modules else []
            subprocess.run(command, check=True, env=env, cwd=ROOT)


if __name__ == "__main__":
    main()
