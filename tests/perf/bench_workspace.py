"""The browser workspace's two slow paths: checking and previewing a module as it is typed, and
publishing a large course from the workspace.

Not part of the test run (pytest ignores tests/perf). Run it as a script from the repository:

    PYTHONPATH=. python tests/perf/bench_workspace.py        # SQLite in a temporary file
    PYTHONPATH=. python tests/perf/bench_workspace.py --database-url postgresql+psycopg://u:p@host/db

With --database-url the database is EMPTIED (every table dropped): never point it at a database
whose data you want.

1. Check as you type: the server time of POST /staff/workspace/<slug>/live (check and preview of
   the unsaved text, JSON out) for a 3,000-word module in a 60-module course, 20 times: median and
   worst. Measured around the request through the test client, so it includes routing, the
   session, the check, the rendering and the JSON, not the network.
2. Publishing: services.workspace.publishing.publish of a 60-module course never published.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from lms import create_app
from lms.extensions import db
from lms.services.people import accounts, sessions
from lms.services.workspace import files, paths, publishing, store
from lms.web.auth.signed_in import SESSION_TOKEN

MODULES = 60
WORDS = 3_000
RUNS = 20
AIM_LIVE = 0.5  # seconds: the preview should follow typing
SENTENCE = "A peer supporter listens first and asks open questions before offering {n} ideas."


def module_text(n, words):
    sentences = []
    count = 0
    while count < words:
        sentence = SENTENCE.format(n=n)
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs = [" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6)]
    lesson = "\n\n".join(paragraphs)
    return (
        f"---\ntitle: Module {n}\nminutes: 20\ndomain: advocacy\nobjectives:\n"
        f"  - Practise listening {n}.\n---\n\n{lesson}\n\n## Quiz\n\n"
        f"### What does a peer supporter do first in case {n}?\n\n"
        "- [x] Listens and asks an open question\n- [ ] Gives advice at once\n"
        "- [ ] Changes the subject\n\n> Listening first shows respect.\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="use this database (it is emptied!)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lms-workspace-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            staff, _ = accounts.create_account("bench@example.org", "Bench", ["staff"], "x" * 20)
            course = files.create_course("bench-course", staff.id, "Bench course")
            text, revision = files.open_file(course, "course.md")
            text = text.replace("summary:\n", "summary: A benchmark.\n")
            files.save_text(course, "course.md", text, revision)
            for path in [p for p in store.live_files(course) if paths.kind_of(p) == "module"]:
                files.delete_file(course, path, staff.id)  # the starter module: out of the way
            start = time.perf_counter()
            for n in range(1, MODULES + 1):
                files.save_text(course, f"{n:02d}-module-{n}.md", module_text(n, WORDS), None)
            made = time.perf_counter() - start
            token = sessions.start_session(staff.id, timedelta(hours=1), timedelta(hours=8))
            staff_id = staff.id
        typed = module_text(30, WORDS) + "\nOne more line typed.\n"
        size = len(typed.encode())
        print(f"database: {args.database_url or 'SQLite'}; {MODULES} modules of about "
              f"{WORDS:,} words ({size:,} bytes) written in {made:.1f} s\n")  # fmt: skip

        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(staff_id)
            session["_fresh"] = True
            session[SESSION_TOKEN] = token
        times = []
        for run in range(RUNS):
            body = {"path": "30-module-30.md", "text": typed + f"Typed {run}.\n"}
            started = time.perf_counter()
            response = client.post("/staff/workspace/bench-course/live", data=body)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            assert response.get_json()["preview_html"], "no preview"
        median, worst = statistics.median(times), max(times)
        print(f"check as you type (POST /live, {RUNS} runs): median {median * 1000:.0f} ms, "
              f"worst {worst * 1000:.0f} ms  {'ok' if worst < AIM_LIVE else 'SLOW'} "
              f"(aim < {AIM_LIVE * 1000:.0f} ms)")  # fmt: skip

        with app.app_context():
            course = files.course_named("bench-course")
            started = time.perf_counter()
            report = publishing.publish(course, staff_id)
            seconds = time.perf_counter() - started
            print(f"publish {MODULES}-module course from the workspace: {seconds:.2f} s "
                  f"({len(report.versions_added)} module versions added)")  # fmt: skip
            if args.database_url:
                db.drop_all()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
