"""A cohort's hours as CSV for staff, one row per trainee: training hours by course and domain
(modules passed and live sessions attended, as training.py counts them), approved work and
supervision hours, hours waiting for review, and each course's certificate.

Hours are decimals with two places (10.25), so that a spreadsheet adds them up. The file is built
in a fixed number of queries, however many trainees the cohort has.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from ...extensions import db
from ...models import Certificate, Enrolment, PracticeSession, User
from .. import program_day
from ..certification import certification
from ..learning import training
from ..people import cohorts
from ..spreadsheet import spreadsheet_safe

_CENTS = Decimal("0.01")


def hours_cell(minutes):
    """Minutes as hours with two decimals: 615 -> "10.25", 10 -> "0.17"."""
    return str((Decimal(minutes) / 60).quantize(_CENTS, rounding=ROUND_HALF_UP))


def header(courses):
    columns = ["Name", "Email"]
    for course in courses:
        columns += [f"{course.slug}: {domain} hours" for domain in training.domains_of(course)]
        columns.append(f"{course.slug}: total training hours")
    columns += ["Approved work hours", "Approved supervision hours", "Hours waiting for review"]
    for course in courses:
        columns += [f"{course.slug}: certificate status", f"{course.slug}: certificate code"]
    return columns


def cohort_hours_rows(cohort_id, today=None):
    """(the cohort, the header, [row]) with every value as text, trainees by name. Raises
    cohorts.NoSuchCohort."""
    cohort = cohorts.cohort(cohort_id)
    courses = list(cohort.courses)
    course_ids = [course.id for course in courses]
    members = select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)
    people = db.session.execute(
        select(User.id, User.name, User.email)
        .where(User.id.in_(members), User.erased_at.is_(None))
        .order_by(func.lower(User.name), User.id)
    ).all()
    minutes = training.minutes_by_domain_for(members, course_ids) if course_ids else {}
    approved = certification.approved_minutes_by_kind(members)
    pending = dict(
        db.session.execute(
            select(PracticeSession.user_id, func.sum(PracticeSession.minutes))
            .where(PracticeSession.user_id.in_(members), PracticeSession.status == "pending")
            .group_by(PracticeSession.user_id)
        ).all()
    )
    held = {
        (c.user_id, c.course_id): c
        for c in db.session.scalars(
            select(Certificate).where(
                Certificate.user_id.in_(members),
                Certificate.course_id.in_(course_ids),
                Certificate.superseded_at.is_(None),
            )
        )
    }
    today = today or program_day.today()
    rows = []
    for user_id, name, email in people:
        row = [spreadsheet_safe(name), spreadsheet_safe(email)]
        for course in courses:
            done = minutes.get((user_id, course.id), {})
            row += [hours_cell(done.get(domain, 0)) for domain in training.domains_of(course)]
            row.append(hours_cell(sum(done.values())))
        kinds = approved.get(user_id, {})
        row += [
            hours_cell(kinds.get("work", 0)),
            hours_cell(kinds.get("supervision", 0)),
            hours_cell(int(pending.get(user_id) or 0)),
        ]
        for course in courses:
            certificate = held.get((user_id, course.id))
            if certificate is None:
                row += ["none", ""]
            else:
                status = certification.certificate_status(certificate, today)
                row += [status, certificate.code]
        rows.append(row)
    return cohort, header(courses), rows


def cohort_hours_csv(cohort_id, today=None):
    """(the cohort, the CSV text) of cohort_hours_rows."""
    cohort, columns, rows = cohort_hours_rows(cohort_id, today)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return cohort, out.getvalue()
