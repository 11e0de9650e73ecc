"""Every staff and supervisor list at 20,000 trainees and 200,000 practice entries (issue 13).

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    PYTHONPATH=. python tests/perf/bench_lists.py                    # 20,000 trainees, SQLite
    PYTHONPATH=. python tests/perf/bench_lists.py --trainees 2000 --runs 3   # a quicker look
    PYTHONPATH=. python tests/perf/bench_lists.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

A fresh database (a temporary SQLite file, or with --database-url a throwaway PostgreSQL database
dropped at the end) is brought up by the migrations and filled in bulk: the roster benchmark's
trainees (tests/roster_data.py: 12 modules, progress, attempts, certificates), topped up to ten
practice entries per trainee (a third of them waiting for review), a certificate in a second
course for every fourth trainee (due, expired or later), and three audit events per trainee.

Printed, for each list: the server time of a whole request through the test client (median of
--runs after a warm-up) for the first page, a deep page (reached by following "Next" links, about
half way down) and a filtered page, with the SQL statements each ran; then each CSV: its time,
its rows, and the peak of Python's memory while it streams (tracemalloc, a separate run: tracing
slows it). The aim: no page over 150 ms.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, insert
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from databases import throwaway_database  # noqa: E402  (beside this script)

AIM_MS = 150
SUPERVISORS = 10
PRACTICE_PER_TRAINEE = 10
AUDIT_PER_TRAINEE = 3


def build(app, size):
    """The schema by migration and the data; returns (staff id, a supervisor's id, cohort id)."""
    from flask_migrate import upgrade

    from lms import clock
    from lms.extensions import db
    from lms.models import AuditEvent, Certificate, PracticeSession
    from tests import roster_data as rd

    today = clock.today()  # the renewals page counts from the real today

    with app.app_context():
        upgrade()
        staff = rd.person("Sam Staff", roles=("staff",))
        supervisors = [
            rd.person(f"Supervisor {n}", roles=("supervisor",)) for n in range(SUPERVISORS)
        ]
        course_id, modules = rd.bulk_course(modules=12)
        extra_id, _ = rd.bulk_course("Extra Course", modules=2, slug="extra-course")
        cohort = rd.cohort("Everyone", course_id)
        ids = rd.bulk_trainees(size, course_id, modules, supervisors, cohort)
        sessions, certificates, events = [], [], []
        for n, user_id in enumerate(ids):
            # bulk_trainees logged one entry for every third trainee; top up to ten each.
            for k in range(PRACTICE_PER_TRAINEE - (1 if n % 3 == 0 else 0)):
                sessions.append(
                    dict(user_id=user_id, session_date=rd.TODAY - timedelta(days=k),
                         minutes=60, activity="Peer group", notes="",
                         status=("approved", "pending", "rejected")[(n + k) % 3],
                         logged_at=rd.NOW - timedelta(days=k, minutes=n % 60))
                )  # fmt: skip
            if n % 4 == 0:
                certificates.append(
                    dict(code=f"X-{n:07d}", user_id=user_id, course_id=extra_id,
                         course_version=1, title="Extra", issued_at=rd.NOW - timedelta(minutes=n),
                         issued_on=rd.TODAY,
                         expires_on=today + timedelta(days=(45, -30, 300)[n // 4 % 3]))
                )  # fmt: skip
            for k, action in enumerate(("hours.approved", "ethics.signed", "role.changed")):
                events.append(
                    dict(occurred_at=rd.NOW - timedelta(minutes=3 * n + k), actor_id=staff,
                         action=action, subject_id=user_id, summary=f"{action} for {n}",
                         details={})
                )  # fmt: skip
            if len(sessions) > 20_000:
                db.session.execute(insert(PracticeSession), sessions)
                sessions = []
        for model, values in (
            (PracticeSession, sessions), (Certificate, certificates), (AuditEvent, events),
        ):  # fmt: skip
            if values:
                db.session.execute(insert(model), values)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("ANALYZE")  # fresh statistics, as autovacuum would soon give
        db.session.remove()
    return staff, supervisors[0], cohort


def timed(app, client, url, runs):
    """(median wall ms, median CPU ms, statements of one request) for GET url. CPU time is this
    process's (on SQLite it includes the database's work); wall time also counts waiting on a
    busy machine."""
    from lms.extensions import db

    statements = []

    def count(*args):
        statements.append(args[2])

    walls, cpus = [], []
    with app.app_context():
        engine = db.engine
    for run in range(runs + 1):  # the first is a warm-up
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
        if run:
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
    return statistics.median(walls), statistics.median(cpus), len(statements)


def deep_url(client, url, hops):
    """The address `hops` pages of 200 down the list at url, for a page of the default 50."""
    joiner = "&" if "?" in url else "?"
    here = f"{url}{joiner}per=200"
    for _ in range(hops):
        html = client.get(here).get_data(as_text=True)
        link = re.search(r'<a href="([^"]+)" rel="next">', html)
        if not link:
            break
        here = link.group(1).replace("&amp;", "&")
    return re.sub(r"([?&])per=200&?", r"\1", here).rstrip("&?")


def csv_figures(client, url):
    """(ms, data rows, peak traced MB) for streaming the CSV at url to the end."""

    def read():
        response = client.get(url)
        assert response.is_streamed and response.status_code == 200, url
        lines = 0
        for chunk in response.iter_encoded():
            lines += chunk.count(b"\r\n")
        response.close()
        return lines - 1  # the header

    wall = time.perf_counter()
    rows = read()
    wall = (time.perf_counter() - wall) * 1000
    tracemalloc.start()
    read()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return wall, rows, peak / 2**20


def bench(database_url, size, runs):
    from lms import create_app
    from tests.conftest import sign_in_as

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-lists"})
    start = time.perf_counter()
    staff, supervisor, cohort = build(app, size)
    print(f"\n{size:,} trainees built in {time.perf_counter() - start:.1f} s")
    as_staff = sign_in_as(app.test_client(), staff)
    as_supervisor = sign_in_as(app.test_client(), supervisor)
    half = max(1, size // 400)  # pages of 200 to about half way down the trainees
    lists = [
        ("roster", as_staff, "/supervise/", f"/supervise/?cohort={cohort}&status=certified"),
        ("roster by supervisor", as_staff, "/supervise/?sort=supervisor&dir=desc", None),
        ("roster by percent (computed)", as_staff, "/supervise/?sort=percent", None),
        (
            "roster by status desc (computed)",
            as_staff,
            "/supervise/?sort=status&dir=desc",
            "/supervise/?sort=status&status=waiting",
        ),
        ("roster by last activity (computed)", as_staff, "/supervise/?sort=last_activity", None),
        ("roster by cohorts (computed)", as_staff, "/supervise/?sort=cohorts", None),
        ("roster, in progress", as_staff, "/supervise/?status=in_progress", None),
        ("people", as_staff, "/staff/people", "/staff/people?q=t1"),
        ("audit log", as_staff, "/staff/audit", "/staff/audit?action=hours.approved"),
        ("certificates", as_staff, "/staff/certificates", "/staff/certificates?q=x-00"),
        ("renewals", as_staff, "/staff/renewals", "/staff/renewals?view=expired&dir=desc"),
        ("hours to review", as_supervisor, "/supervise/hours", None),
    ]
    print(f"  {'page':<54} {'wall':>9}    {'CPU':>9}    statements")
    worst = 0.0
    for name, client, url, filtered in lists:
        pages = [("first page", url)]
        short = ("certificates", "renewals", "hours to review")
        hops = 3 if name in short else half
        pages.append(("deep page (cursor)", deep_url(client, url, hops)))
        if filtered:
            pages.append(("filtered", filtered))
        for label, address in pages:
            wall, cpu, statements = timed(app, client, address, runs)
            worst = max(worst, wall)
            print(f"  {name + ', ' + label:<54} {wall:>9.1f} ms {cpu:>9.1f} ms {statements:>5}")
    print(f"  slowest page (wall): {worst:.1f} ms (aim < {AIM_MS} ms: "
          f"{'met' if worst < AIM_MS else 'MISSED'})")  # fmt: skip
    print(f"\n  {'CSV':<54} {'time':>9}    {'rows':>7}   peak traced memory")
    for name, client, url in (
        ("roster.csv", as_staff, "/supervise/roster.csv"),
        ("people.csv", as_staff, "/staff/people.csv"),
        ("audit.csv", as_staff, "/staff/audit.csv"),
        ("certificates.csv", as_staff, "/staff/certificates.csv"),
        ("renewals.csv (due)", as_staff, "/staff/renewals.csv"),
    ):
        wall, rows, peak = csv_figures(client, url)
        print(f"  {name:<54} {wall:>9.1f} ms {rows:>7,}   {peak:.1f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trainees", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a throwaway DB on")
    args = parser.parse_args()
    where = make_url(args.database_url).get_backend_name() if args.database_url else "sqlite"
    print(f"list benchmark on {where}: median of {args.runs} runs")
    with (
        tempfile.TemporaryDirectory() as folder,
        throwaway_database(args.database_url, Path(folder) / "lists.db", "lms_bench_lists") as url,
    ):
        bench(url, args.trainees, args.runs)


if __name__ == "__main__":
    main()
