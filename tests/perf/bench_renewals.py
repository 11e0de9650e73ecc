"""The staff renewals page and its CSV at 2,000 and 20,000 certificate holders.

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    python tests/perf/bench_renewals.py                        # 2,000 and 20,000 holders, SQLite
    python tests/perf/bench_renewals.py --sizes 2000 --runs 3  # a quicker look
    python tests/perf/bench_renewals.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

Each size gets a fresh database (a temporary SQLite file, or a throwaway PostgreSQL database)
brought up by the migrations, then filled in bulk: one course with a renewal rule (20 CE hours,
6 in ethics), every holder in one cohort with a current certificate whose expiry is spread over
the year before and the two years after today, and three approved CE entries each. Printed: the
median of --runs timed calls (after one warm-up) of the page service, the CSV service and both
as whole requests, and the SQL statements each ran (the same at every size).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from databases import throwaway_database  # noqa: E402  (beside this script)

TODAY = date(2026, 11, 18)
RULE = {
    "ce_hours": 20, "minimum": {"ethics": 6}, "categories": ["ethics", "peer-specific", "elective"],
    "window_months": 6, "grace_months": 0,
}  # fmt: skip


def build(app, size):
    """The schema by migration and `size` holders; returns (staff id, cohort id)."""
    from flask_migrate import upgrade

    from lms.extensions import db
    from lms.models import CEEntry, Certificate, Course, Enrolment, User, UserRole
    from tests import roster_data as rd

    with app.app_context():
        upgrade()
        staff = rd.person("Sam Staff", roles=("staff",))
        course_id, _ = rd.bulk_course(modules=1)
        db.session.get(Course, course_id).renewal = RULE
        cohort = rd.cohort("Everyone", course_id)
        now = datetime(2026, 1, 1, tzinfo=UTC)
        ids = db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [dict(email=f"h{n}@bulk.example", name=f"Holder {n:06d}",
                  password_hash=rd.PASSWORD_HASH, created_at=now) for n in range(size)],
        ).all()  # fmt: skip
        roles, enrolments, certificates, entries = [], [], [], []
        for n, user_id in enumerate(ids):
            roles.append(dict(user_id=user_id, role="trainee"))
            enrolments.append(dict(cohort_id=cohort, user_id=user_id, enrolled_at=now))
            expires_on = TODAY + timedelta(days=(n * 7) % 1095 - 365)
            issued_on = expires_on - timedelta(days=730)
            certificates.append(dict(
                code=f"BC-{n:011d}", user_id=user_id, course_id=course_id, course_version=1,
                title="Bulk Certificate", issued_at=now, issued_on=issued_on,
                expires_on=expires_on,
            ))  # fmt: skip
            for k, category in enumerate(("ethics", "peer-specific", "elective")):
                entries.append(dict(
                    user_id=user_id, source="logged", title="Training", provider="Provider",
                    completed_on=issued_on + timedelta(days=30 + k + n % 300),
                    minutes=60 * (1 + (n + k) % 6), category=category, status="approved",
                    logged_at=now,
                ))  # fmt: skip
        db.session.execute(insert(UserRole), roles)
        db.session.execute(insert(Enrolment), enrolments)
        db.session.execute(insert(Certificate), certificates)
        db.session.execute(insert(CEEntry), entries)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("ANALYZE")
        db.session.remove()
    return staff, cohort


def timed(app, runs, call):
    """(median wall ms, statements) of call() over `runs` runs, each in a fresh session."""
    from lms.extensions import db

    statements = []

    def count(*args):
        statements.append(args[2])

    walls = []
    with app.app_context():
        for run in range(runs + 1):  # the first is a warm-up
            db.session.remove()
            statements.clear()
            event.listen(db.engine, "before_cursor_execute", count)
            wall = time.perf_counter()
            call()
            wall = time.perf_counter() - wall
            event.remove(db.engine, "before_cursor_execute", count)
            if run:
                walls.append(wall * 1000)
        db.session.remove()
    return statistics.median(walls), len(statements)


def bench(database_url, size, runs):
    from lms import clock, create_app
    from lms.extensions import db
    from lms.services.certification import renewal_report
    from tests.conftest import sign_in_as

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-renewals"})
    start = time.perf_counter()
    staff, cohort = build(app, size)
    print(f"\n{size:,} holders built in {time.perf_counter() - start:.1f} s")
    clock.freeze(datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=UTC))
    try:
        client = sign_in_as(app.test_client(), staff)

        def third_page(view):
            cursor = None
            for _ in range(3):
                page = renewal_report.renewals_page(view, cursor=cursor)
                cursor = page.page.next
            return page

        results = [
            ("renewals_page() due", timed(app, runs, renewal_report.renewals_page)),
            ("renewals_page() expired, pages 1-3", timed(app, runs, lambda: third_page("expired"))),
            ("renewals_page() by cohort", timed(
                app, runs, lambda: renewal_report.renewals_page(cohort_id=cohort))),
            ("renewal_rows() due (CSV rows)", timed(
                app, runs, lambda: list(renewal_report.renewal_rows()))),
            ("GET /staff/renewals", timed(app, runs, lambda: client.get("/staff/renewals"))),
            ("GET /staff/renewals.csv", timed(
                app, runs, lambda: client.get("/staff/renewals.csv"))),
        ]  # fmt: skip
        with app.app_context():
            rows = len(list(renewal_report.renewal_rows()))
    finally:
        clock.thaw()
    print(f"  ({rows:,} certificates due in the next 90 days)")
    print(f"  {'':<36} {'wall':>9}    statements")
    for label, (wall, statements) in results:
        print(f"  {label:<36} {wall:>9.1f} ms {statements:>5}")
    with app.app_context():
        db.engine.dispose()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,20000", help="holder counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a throwaway DB on")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    where = make_url(args.database_url).get_backend_name() if args.database_url else "sqlite"
    print(f"renewals benchmark on {where}: median of {args.runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            with throwaway_database(
                args.database_url, Path(folder) / f"renewals-{size}.db", "lms_bench_renewals"
            ) as url:
                bench(url, size, args.runs)


if __name__ == "__main__":
    main()
