"""Issuing 2,000 signed credentials at once (a cohort import of completed trainees), and
re-signing a status list with 2,000 of them revoked.

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    PYTHONPATH=. python tests/perf/bench_credentials_issuing.py                 # SQLite
    PYTHONPATH=. python tests/perf/bench_credentials_issuing.py --count 500
    PYTHONPATH=. python tests/perf/bench_credentials_issuing.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

A fresh database (a temporary SQLite file, or a throwaway PostgreSQL database) is brought up by
the migrations and filled in bulk with --count trainees, each holding a certificate of one
course with four training domains. Then, timed: issuing every certificate's credential
(issuing.issue, built, signed and placed at random in the status list) in one transaction and
its commit; and, after revoking them all, re-signing the status list (status.refresh) and its
commit. Printed: the time in all and per credential, and the status-list re-sign time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, update
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from databases import throwaway_database  # noqa: E402  (beside this script)

SAMPLE = 100


def build(app, count):
    """The schema by migration and `count` certificate holders; returns the certificate ids."""
    from flask_migrate import upgrade

    from lms.extensions import db
    from lms.models import Certificate, Course, User, UserRole
    from tests import roster_data as rd

    with app.app_context():
        upgrade()
        course_id, _ = rd.bulk_course(modules=4)
        course = db.session.get(Course, course_id)
        course.training_hours = {"total": 46, "advocacy": 10, "ethical-responsibility": 6}
        course.supervised_hours = 25
        now = datetime(2026, 11, 20, 9, tzinfo=UTC)
        ids = db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [dict(email=f"t{n}@bulk.example", name=f"Trainee {n:06d}",
                  password_hash=rd.PASSWORD_HASH, created_at=now) for n in range(count)],
        ).all()  # fmt: skip
        db.session.execute(insert(UserRole), [dict(user_id=i, role="trainee") for i in ids])
        certificate_ids = db.session.scalars(
            insert(Certificate).returning(Certificate.id, sort_by_parameter_order=True),
            [dict(code=f"BC-{n:011d}", user_id=user_id, course_id=course_id, course_version=1,
                  title="Certified Peer Supporter", issued_at=now, issued_on=now.date(),
                  expires_on=date(2028, 11, 20)) for n, user_id in enumerate(ids)],
        ).all()  # fmt: skip
        db.session.commit()
        db.session.remove()
    return certificate_ids


def bench(database_url, count, ring):
    from lms import create_app
    from lms.extensions import db
    from lms.models import Certificate
    from lms.services.credentials import issuing, keyring, status

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench-credentials",
            "LMS_ISSUER_KEYS": str(ring),
            "LMS_BASE_URL": "https://training.example.org",
        }
    )
    started = time.perf_counter()
    certificate_ids = build(app, count)
    print(f"\n{count:,} certificate holders built in {time.perf_counter() - started:.1f} s")
    with app.app_context():
        keyring.signing_key(app.config)  # makes the ring, untimed
        # Building and signing alone (no database writes), on a sample, to see what the
        # database adds to each credential.
        sample = [db.session.get(Certificate, i) for i in certificate_ids[:SAMPLE]]
        issuing.credential_for(sample[0], app.config, 1, 0)  # fills pyld's context cache
        started = time.perf_counter()
        for index, certificate in enumerate(sample):
            issuing.credential_for(certificate, app.config, 1, index, None, {})
        signing = (time.perf_counter() - started) / len(sample)
        print(f"  building and signing one credential alone: {signing * 1000:.1f} ms")
        db.session.rollback()
        started = time.perf_counter()
        for certificate_id in certificate_ids:
            issuing.issue(certificate_id, app.config)
        issued = time.perf_counter() - started
        db.session.commit()
        total = time.perf_counter() - started
        print(
            f"  issuing {count:,} credentials: {total:.2f} s in all ({issued:.2f} s before the "
            f"commit), {total / count * 1000:.1f} ms per credential"
        )
        db.session.execute(update(Certificate).values(revoked_at=datetime.now(UTC)))
        started = time.perf_counter()
        status.refresh(1, app.config)
        db.session.commit()
        resign = time.perf_counter() - started
        print(f"  re-signing status list 1 with {count:,} revoked: {resign * 1000:.0f} ms")
        revoked = status.served_document(1)
        print(f"  (the signed list is {len(revoked):,} characters)")
        db.session.remove()
        db.engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="credentials to issue")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a throwaway DB on")
    args = parser.parse_args()
    where = make_url(args.database_url).get_backend_name() if args.database_url else "sqlite"
    print(f"credential issuing benchmark on {where}")
    with (
        tempfile.TemporaryDirectory() as folder,
        throwaway_database(
            args.database_url, Path(folder) / "credentials.db", "lms_bench_credentials"
        ) as url,
    ):
        bench(url, args.count, Path(folder) / "issuer-keys.json")


if __name__ == "__main__":
    main()
