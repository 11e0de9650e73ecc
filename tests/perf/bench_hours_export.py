"""The cohort hours export (staff's CSV) at 2,000 trainees with 100 practice entries each.

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    python tests/perf/bench_hours_export.py                  # 2,000 trainees, SQLite
    python tests/perf/bench_hours_export.py --sizes 500,2000 --runs 3
    python tests/perf/bench_hours_export.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

Each size gets a fresh database brought up by the migrations, then filled in bulk: every trainee
in one cohort of one 12-module course, with progress from nothing to every module passed, quiz
attempts, signatures and certificates (tests/roster_data.py), plus `--entries` practice entries
each (work and supervision; approved, pending and rejected). Printed: the median of --runs timed
exports (after one warm-up) through the page, rows per second, the SQL statements one export
ran, and the peak Python memory of one more export (tracemalloc, in a run of its own since it
slows the code it watches). It asserts nothing about time.
"""

from __future__ import annotations

import argparse
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

SUPERVISORS = 10


def build(app, size, entries):
    """The schema by migration, `size` trainees with `entries` practice entries each; returns
    (staff id, cohort id)."""
    from flask_migrate import upgrade

    from lms.extensions import db
    from lms.models import PracticeSession
    from tests import roster_data as rd

    with app.app_context():
        upgrade()
        staff = rd.person("Sam Staff", roles=("staff",))
        supervisors = [
            rd.person(f"Supervisor {n}", roles=("supervisor",)) for n in range(SUPERVISORS)
        ]
        course_id, modules = rd.bulk_course(modules=12)
        cohort = rd.cohort("Everyone", course_id)
        ids = rd.bulk_trainees(size, course_id, modules, supervisors, cohort)
        batch = []
        for n, user_id in enumerate(ids):
            for k in range(entries):
                batch.append(
                    dict(user_id=user_id, session_date=rd.TODAY - timedelta(days=k),
                         minutes=30 + (n + k) % 4 * 15, kind=("work", "supervision")[k % 5 == 0],
                         activity="Peer group", notes="",
                         status=("approved", "approved", "approved", "pending", "rejected")[k % 5],
                         logged_at=rd.NOW)
                )  # fmt: skip
            if len(batch) >= 20_000:
                db.session.execute(insert(PracticeSession), batch)
                batch = []
        if batch:
            db.session.execute(insert(PracticeSession), batch)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("ANALYZE")
        db.session.remove()
    return staff, cohort


def bench(database_url, size, entries, runs):
    from lms import create_app
    from lms.extensions import db
    from tests.conftest import sign_in_as

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-hours"})
    start = time.perf_counter()
    staff, cohort = build(app, size, entries)
    print(f"\n{size:,} trainees, {size * entries:,} practice entries built in "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    client = sign_in_as(app.test_client(), staff)
    path = f"/staff/cohorts/{cohort}/hours.csv"
    statements = []

    def count(*args):
        statements.append(args[2])

    def export():
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        return response.get_data()

    walls = []
    for run in range(runs + 1):  # the first is a warm-up
        statements.clear()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
        wall = time.perf_counter()
        body = export()
        wall = time.perf_counter() - wall
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", count)
        if run:
            walls.append(wall)
    lines = body.count(b"\r\n") - 1  # less the header
    # Memory in a run of its own: tracing every allocation slows the timed runs down.
    tracemalloc.start()
    export()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    wall = statistics.median(walls)
    print(f"  rows: {lines:,}   bytes: {len(body):,}")
    print(f"  export (GET {path}): {wall:.3f} s, {lines / wall:,.0f} rows/s, "
          f"{len(statements)} statements, peak Python memory {peak / 2**20:.1f} MiB")  # fmt: skip
    with app.app_context():
        db.engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000", help="trainee counts, comma-separated")
    parser.add_argument("--entries", type=int, default=100, help="practice entries per trainee")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a throwaway DB on")
    args = parser.parse_args()
    where = make_url(args.database_url).get_backend_name() if args.database_url else "sqlite"
    print(f"cohort hours export benchmark on {where}: median of {args.runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(size) for size in args.sizes.split(",")):
            with throwaway_database(
                args.database_url, Path(folder) / f"hours-{size}.db", "lms_bench_hours"
            ) as url:
                bench(url, size, args.entries, args.runs)


if __name__ == "__main__":
    main()
