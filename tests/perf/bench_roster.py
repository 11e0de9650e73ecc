"""The supervisor's roster and the cohort picture at 2,000 and 20,000 trainees (12 modules each).

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    python tests/perf/bench_roster.py                       # 2,000 and 20,000 trainees, SQLite
    python tests/perf/bench_roster.py --sizes 2000 --runs 3 # a quicker look
    python tests/perf/bench_roster.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

Each size gets a fresh database (a temporary SQLite file, or with --database-url a throwaway
PostgreSQL database created on that server and dropped at the end) brought up by the migrations,
then filled in bulk: every trainee in one cohort, spread over 10 supervisors, with progress from
nothing to every module passed, quiz attempts, practice hours, signatures and certificates (see
tests/roster_data.py). Printed: the median of --runs timed calls (after one warm-up) of
roster() and cohort_picture() as staff (every trainee) and as one supervisor (a tenth of them),
the SQL statements each ran, and the whole roster page as staff. The aim: under 300 ms at 2,000.
Wall time is the figure; CPU time (this process only: on SQLite that includes the database's
work, on PostgreSQL it does not) shows how much of it was waiting on a busy machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from databases import throwaway_database  # noqa: E402  (beside this script)

AIM_MS, AIM_SIZE = 300, 2000
SUPERVISORS = 10


def build(app, size):
    """The schema by migration and `size` trainees; returns the ids the timings need."""
    from flask_migrate import upgrade

    from lms.extensions import db
    from tests import roster_data as rd

    with app.app_context():
        upgrade()
        staff = rd.person("Sam Staff", roles=("staff",))
        supervisors = [
            rd.person(f"Supervisor {n}", roles=("supervisor",)) for n in range(SUPERVISORS)
        ]
        course_id, modules = rd.bulk_course(modules=12)
        cohort = rd.cohort("Everyone", course_id)
        rd.bulk_trainees(size, course_id, modules, supervisors, cohort)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("ANALYZE")  # fresh statistics, as autovacuum would soon give
        db.session.remove()
    return staff, supervisors[0], cohort


def timed(app, runs, call, viewer_id=None):
    """(median wall ms, median CPU ms, statements) of `call(viewer)` over `runs` runs, each in a
    fresh session with the viewer (and roles) loaded before the clock starts, as a request's
    user loader would have done."""
    from lms.extensions import db
    from lms.models import User

    statements = []

    def count(*args):
        statements.append(args[2])

    walls, cpus = [], []
    with app.app_context():
        for run in range(runs + 1):  # the first is a warm-up: statement caches, pages in memory
            db.session.remove()
            viewer = db.session.get(User, viewer_id) if viewer_id else None
            statements.clear()
            event.listen(db.engine, "before_cursor_execute", count)
            wall, cpu = time.perf_counter(), time.process_time()
            call(viewer)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            event.remove(db.engine, "before_cursor_execute", count)
            if run:
                walls.append(wall * 1000)
                cpus.append(cpu * 1000)
        db.session.remove()
    return statistics.median(walls), statistics.median(cpus), len(statements)


def bench(database_url, size, runs):
    from lms import create_app
    from lms.extensions import db
    from lms.services import roster
    from tests.conftest import sign_in_as

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-roster"})
    start = time.perf_counter()
    staff, supervisor, cohort = build(app, size)
    print(f"\n{size:,} trainees built in {time.perf_counter() - start:.1f} s")
    client = sign_in_as(app.test_client(), staff)

    def picture(viewer):
        return roster.cohort_picture(viewer, cohort)

    results = [
        ("roster() as staff", timed(app, runs, roster.roster, staff)),
        ("roster() as a supervisor", timed(app, runs, roster.roster, supervisor)),
        ("cohort_picture() as staff", timed(app, runs, picture, staff)),
        ("cohort_picture() as a supervisor", timed(app, runs, picture, supervisor)),
        ("GET /supervise/ as staff (page)", timed(app, runs, lambda _: client.get("/supervise/"))),
    ]
    print(f"  {'':<34} {'wall':>9}    {'CPU':>9}    statements")
    for label, (wall, cpu, statements) in results:
        aim = ""
        if size == AIM_SIZE and "()" in label:
            aim = f"aim < {AIM_MS} ms: {'met' if wall < AIM_MS else 'MISSED'}"
        print(f"  {label:<34} {wall:>9.1f} ms {cpu:>9.1f} ms {statements:>5}  {aim}")
    with app.app_context():
        db.engine.dispose()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,20000", help="trainee counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a throwaway DB on")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    where = make_url(args.database_url).get_backend_name() if args.database_url else "sqlite"
    print(f"roster benchmark on {where}: median of {args.runs} runs, 12 modules per trainee")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            with throwaway_database(
                args.database_url, Path(folder) / f"roster-{size}.db", "lms_bench_roster"
            ) as url:
                bench(url, size, args.runs)


if __name__ == "__main__":
    main()
