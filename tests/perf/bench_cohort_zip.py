"""The staff download of a cohort's certificates as one zip (a PDF and a signed credential per
certificate), and the certificate PDF alone: fonts parsed from their files for every PDF (as
before) and parsed once per process (now).

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    PYTHONPATH=. python tests/perf/bench_cohort_zip.py                 # 40 certificates, SQLite
    PYTHONPATH=. python tests/perf/bench_cohort_zip.py --count 100 --runs 3
    PYTHONPATH=. python tests/perf/bench_cohort_zip.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

A fresh database (a temporary SQLite file, or a throwaway PostgreSQL database) gets the test
fixture courses and a cohort of --count trainees, each certified the way the app certifies (every
module passed, then issue_if_due; their credentials are signed by the first zip, the warm-up, as
they are when first needed). Timed, the median of --runs after a warm-up: one certificate PDF,
Latin and Chinese names; the whole zip (write_cohort_zip into a temporary file, as the page
does), per certificate. Printed with the SQL statements the zip ran.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from databases import throwaway_database  # noqa: E402  (beside this script)

FIXTURE_COURSES = ROOT / "tests" / "fixtures" / "courses"
NAMES = {"Latin": "Ada Lovelace", "Chinese": "王小明"}


@contextmanager
def fonts_parsed_every_time():
    """Fonts added as before: pdf.add_font parses the file for every document."""
    from lms.services.certification import certificate_fonts

    def from_file(pdf, family, style, name):
        pdf.add_font(family, style, str(certificate_fonts.FONTS / name))

    kept = certificate_fonts._add_parsed_font
    certificate_fonts._add_parsed_font = from_file
    try:
        yield
    finally:
        certificate_fonts._add_parsed_font = kept


@contextmanager
def fonts_parsed_once():
    yield


WAYS = (("fonts parsed for every PDF (before)", fonts_parsed_every_time),
        ("fonts parsed once a process (now)", fonts_parsed_once))  # fmt: skip


def median_seconds(action, runs):
    action()  # warm-up: imports, and (now) the fonts' first parse
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def build(app, count):
    """The fixture courses, a cohort of the sample course and `count` certified trainees."""
    from datetime import date

    from lms.extensions import db
    from lms.services.people import cohorts
    from tests.records import certify, person, publish

    with app.app_context():
        db.create_all()
        course = publish(FIXTURE_COURSES)
        cohort = cohorts.create_cohort("Bench cohort", date(2026, 9, 1), None, [course.id])
        staff = person("staff@bench.example", "Staff Bench", "staff")
        for n in range(count):
            user, _ = cohorts.enrol(cohort.id, f"t{n}@bench.example", f"Trainee {n:04d}")
            certify(user, course)
        db.session.commit()
        ids = cohort.id, staff.id
        db.session.remove()
    return ids


def bench(database_url, folder, count, runs):
    from lms import create_app
    from lms.extensions import db
    from lms.services.certification.certificate_pdf import CertificateSheet, certificate_pdf
    from lms.services.certification.cohort_certificates import write_cohort_zip

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench-cohort-zip",
            "LMS_COURSES_DIR": str(FIXTURE_COURSES),
            "LMS_ISSUER_KEYS": str(folder / "issuer-keys.json"),
            "LMS_BASE_URL": "https://training.example.org",
            "LMS_QUEUE_FILE": str(folder / "huey.db"),
            "LMS_REDIS_URL": "",
        }
    )
    started = time.perf_counter()
    cohort_id, staff_id = build(app, count)
    print(f"\n{count} certified trainees built in {time.perf_counter() - started:.1f} s")

    for script, name in NAMES.items():
        sheet = CertificateSheet(
            "Peer Support Training", "Certified Peer Supporter", name, "Sample Course", 1,
            "21 November 2026", "21 November 2028", "PS-ABCD-EFGH",
            "https://training.example.org/verify/PS-ABCD-EFGH",
        )  # fmt: skip
        for way, fonts in WAYS:
            with fonts():
                seconds = median_seconds(lambda sheet=sheet: certificate_pdf(sheet), runs)
            print(f"  one PDF, {script} name, {way}: {seconds * 1000:.0f} ms")

    statements = []

    def count_statement(*args):
        statements.append(args[2])

    def zip_it():
        statements.clear()
        with app.app_context(), tempfile.TemporaryFile() as out:
            event.listen(db.engine, "before_cursor_execute", count_statement)
            try:
                write_cohort_zip(
                    cohort_id,
                    out,
                    "Peer Support Training",
                    lambda code: f"https://training.example.org/verify/{code}",
                    actor_id=staff_id,
                )
            finally:
                event.remove(db.engine, "before_cursor_execute", count_statement)
            size = out.tell()
        return size

    for way, fonts in WAYS:
        with fonts():
            seconds = median_seconds(zip_it, runs)
        print(
            f"  zip of {count} certificates, {way}: {seconds:.2f} s, "
            f"{seconds / count * 1000:.0f} ms a certificate, {len(statements)} SQL statements"
        )
    with app.app_context():
        db.engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=40, help="certificates in the cohort")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each, after a warm-up")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a throwaway DB on")
    args = parser.parse_args()
    where = make_url(args.database_url).get_backend_name() if args.database_url else "sqlite"
    print(f"cohort certificates zip benchmark on {where}")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        with throwaway_database(args.database_url, folder / "zip.db", "lms_bench_zip") as url:
            bench(url, folder, args.count, args.runs)


if __name__ == "__main__":
    main()
