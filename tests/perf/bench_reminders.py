"""The daily renewal-reminder task over 20,000 certificates, and the weekly supervisors' digest.

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    python tests/perf/bench_reminders.py                        # 20,000 certificates, SQLite
    python tests/perf/bench_reminders.py --sizes 2000,20000
    python tests/perf/bench_reminders.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

Each size gets a fresh database brought up by the migrations, then filled in bulk: one course
with an IC&RC-like renewal rule (20 CE hours, 6 of them ethics), `size` holders each with a current
certificate expiring from 30 days ago to 150 days ahead (so every threshold and the expiry notice
are due for some), a third of them with approved CE (some meeting the rule), spread over 20
supervisors. Printed: the wall and CPU time and the SQL statements of send_due_reminders() the
first time on a day (queues every due reminder), a second time the same day (queues nothing: the
exactly-once keys), and of send_supervisor_digests(), with how many notices each queued.

Measured (a shared, busy machine; 7,326 reminders and 3,461 expiry notices queued): PostgreSQL
6.3 s first run, 2.0 s again, digests 1.3 s. SQLite, on main after issue 9 (the standings query
joins a subquery of ids and groups CE by status rather than joining on it): 5.3 s, 2.6 s and
2.1 s without statistics; 5.2 s, 2.4 s and 1.3 s with --analyze. The planner no longer needs
ANALYZE here (before that query change, without statistics it read every approved CE entry for each
batch: 25-30 s), so neither the worker nor the daily task runs `PRAGMA optimize`. Statements: about
6 a batch of 500, whatever the number of certificates.
"""

from __future__ import annotations

import argparse
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

TODAY = date(2026, 11, 2)  # a Monday
SUPERVISORS = 20
RULE = {
    "ce_hours": 20,
    "minimum": {"ethics": 6},
    "categories": ["ethics", "peer-specific", "elective"],
    "window_months": 6,
    "grace_months": 0,
}
MAIL = {"LMS_SMTP_HOST": "127.0.0.1", "LMS_BASE_URL": "https://training.example.org"}


def build(app, size, analyze=False):
    from flask_migrate import upgrade

    from lms.extensions import db
    from lms.models import CEEntry, Certificate, Course, SupervisorAssignment, User
    from tests import roster_data as rd

    moment = datetime(2025, 1, 1, tzinfo=UTC)
    with app.app_context():
        upgrade()
        course_id, _ = rd.bulk_course(modules=1)
        db.session.get(Course, course_id).renewal = RULE
        supervisors = [
            rd.person(f"Supervisor {n}", roles=("supervisor",)) for n in range(SUPERVISORS)
        ]
        db.session.flush()
        users = [
            {"email": f"h{n}@example.org", "name": f"Holder {n}", "password_hash": "x",
             "created_at": moment, "quiet_emails": n % 10 == 0}
            for n in range(size)
        ]  # fmt: skip
        user_ids = list(db.session.scalars(insert(User).returning(User.id), users))
        certificates, entries, assignments = [], [], []
        for n, user_id in enumerate(user_ids):
            expires_on = TODAY + timedelta(days=n % 180 - 30)
            issued_on = expires_on - timedelta(days=730)
            certificates.append(
                {"code": f"B-{n:06d}", "user_id": user_id, "course_id": course_id,
                 "course_version": 1, "title": "Peer Support Specialist", "issued_at": moment,
                 "issued_on": issued_on, "expires_on": expires_on}
            )  # fmt: skip
            if n % 3 == 0:
                for category, hours in (("ethics", 6 if n % 2 else 2), ("elective", 14)):
                    entries.append(
                        {"user_id": user_id, "source": "logged", "title": "A workshop",
                         "provider": "A provider", "completed_on": issued_on + timedelta(days=30),
                         "minutes": hours * 60, "category": category, "status": "approved",
                         "logged_at": moment}
                    )  # fmt: skip
            assignments.append(
                {"trainee_id": user_id, "supervisor_id": supervisors[n % SUPERVISORS],
                 "assigned_at": moment}
            )  # fmt: skip
        db.session.execute(insert(Certificate), certificates)
        db.session.execute(insert(CEEntry), entries)
        db.session.execute(insert(SupervisorAssignment), assignments)
        db.session.commit()
        if db.engine.dialect.name == "postgresql" or analyze:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("ANALYZE")
        db.session.remove()


def timed(app, call):
    """(wall ms, CPU ms, statements, result) of one call in a fresh session."""
    from lms.extensions import db

    statements = []

    def count(*args):
        statements.append(args[2])

    with app.app_context():
        db.session.remove()
        event.listen(db.engine, "before_cursor_execute", count)
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
    return wall * 1000, cpu * 1000, len(statements), result


def bench(database_url, size, folder, analyze=False):
    from lms import clock, create_app
    from lms.extensions import db
    from lms.services.certification import reminders

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench-reminders",
            "LMS_QUEUE_FILE": str(Path(folder) / f"huey-{size}.db"),
            "LMS_REDIS_URL": "",
        }
    )
    start = time.perf_counter()
    build(app, size, analyze)
    print(f"\n{size:,} certificates built in {time.perf_counter() - start:.1f} s")
    clock.freeze(datetime(TODAY.year, TODAY.month, TODAY.day, 6, tzinfo=UTC))
    try:
        results = [
            (
                "send_due_reminders(), first run",
                lambda: reminders.send_due_reminders(settings=MAIL),
            ),
            ("send_due_reminders(), again", lambda: reminders.send_due_reminders(settings=MAIL)),
            ("send_supervisor_digests()", lambda: reminders.send_supervisor_digests(settings=MAIL)),
        ]
        print(f"  {'':<34} {'wall':>9}    {'CPU':>9}    statements  queued")
        for label, call in results:
            wall, cpu, statements, run = timed(app, call)
            queued = f"{run.reminders} reminders, {run.expiry_notices} expiry notices, " + (
                f"{run.digests} digests, {run.batches} batches"
            )
            print(f"  {label:<34} {wall:>9.1f} ms {cpu:>9.1f} ms {statements:>6}  {queued}")
    finally:
        clock.thaw()
        with app.app_context():
            db.engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20000", help="certificate counts, comma-separated")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a throwaway DB on")
    parser.add_argument(
        "--analyze", action="store_true", help="SQLite: run ANALYZE first (PostgreSQL always does)"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    where = make_url(args.database_url).get_backend_name() if args.database_url else "sqlite"
    print(f"reminders benchmark on {where}, batches of {BATCH_SIZE()}")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            with throwaway_database(
                args.database_url, Path(folder) / f"reminders-{size}.db", "lms_bench_reminders"
            ) as url:
                bench(url, size, folder, args.analyze)


def BATCH_SIZE():  # noqa: N802  (read after sys.path is set)
    from lms.services.certification.reminders import BATCH_SIZE

    return BATCH_SIZE


if __name__ == "__main__":
    main()
