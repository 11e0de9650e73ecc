"""The database of a loopback deployment: made ready before the load, checked after it."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import UTC, datetime, timedelta

from cluster import ROOT
from sqlalchemy import func, select

from lms import create_app
from lms.extensions import db
from lms.models import Certificate, Choice, Course, OutgoingEmail, QuizAttempt, SentNotice, User
from lms.services.authoring.publishing import sync_courses
from lms.services.certification import certification
from lms.services.learning import catalog
from lms.services.people import accounts

BUNDLED = ROOT / "courses"
PASSWORD = "bench-trainee-password"  # the one bench_trainee's sign-in form sends
RULE = {  # an IC&RC-like renewal rule, so that reminders are due for the holders below
    "ce_hours": 20,
    "minimum": {"ethics": 6},
    "categories": ["ethics", "peer-specific", "elective"],
    "window_months": 6,
    "grace_months": 0,
}


def trainee_email(number):
    return f"trainee-{number + 1}@bench.example"


def app_for(database_url):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": secrets.token_hex(16),
            "LMS_COURSES_DIR": str(BUNDLED),
            "LMS_SMTP_HOST": "",  # this process queues nothing
        }
    )


def prepare_database(database_url, trainees, holders, reminder_course):
    """Schema by migration, the bundled courses, the trainees, and `holders` people whose
    certificate for `reminder_course` expires within 90 days. Returns (modules in the order
    trainees take them, the ids of right choices, {certificate id: holder email} of the
    reminders due)."""
    from flask_migrate import upgrade

    app = app_for(database_url)
    with app.app_context():
        upgrade()
        sync_courses(BUNDLED)
        for number in range(trainees):
            accounts.ensure_user(
                trainee_email(number), f"Trainee {number + 1}", ["trainee"], PASSWORD
            )
        course = db.session.scalar(select(Course).where(Course.slug == reminder_course))
        course.renewal = RULE
        today = datetime.now(UTC).date()
        due = {}
        for number in range(holders):
            holder = User(email=f"holder-{number + 1}@bench.example", name=f"Holder {number + 1}")
            holder.password_hash = "not a password anyone can type"
            db.session.add(holder)
            db.session.flush()
            expires_on = today + timedelta(days=8 + number % 80)
            certificate = Certificate(
                code=f"DEPLOY-{number:05d}", user_id=holder.id, course_id=course.id,
                course_version=course.version, title=course.certificate_title,
                issued_at=datetime.now(UTC) - timedelta(days=700),
                issued_on=expires_on - timedelta(days=730), expires_on=expires_on,
            )  # fmt: skip
            db.session.add(certificate)
            db.session.flush()
            due[certificate.id] = holder.email
        db.session.commit()
        published = catalog.published_courses()
        # The reminder course first (trainees earn its certificate), then a second one.
        ordered = sorted(published, key=lambda pair: pair[0].slug != reminder_course)
        modules = [(c.slug, m.slug) for c, ms in ordered[:2] for m in ms[:4]]
        correct = set(db.session.scalars(select(Choice.id).where(Choice.is_correct)))
        db.session.remove()
        db.engine.dispose()
    return modules, correct, due


def emails_waiting(database_url):
    app = app_for(database_url)
    with app.app_context():
        waiting = db.session.scalar(
            select(func.count()).select_from(OutgoingEmail).where(OutgoingEmail.status == "queued")
        )
        db.session.remove()
        db.engine.dispose()
    return waiting


def check_database(database_url, trainees, due, received):
    """Problems found (a list of sentences; empty when all is well), with what was checked."""
    app = app_for(database_url)
    with app.app_context():
        try:
            return _attempts(trainees) + _certificates(trainees) + _reminders(due, received)
        finally:
            db.session.remove()
            db.engine.dispose()


def _attempts(trainees):
    confirmed = set().union(*(t.submitted for t in trainees))
    unsure = set().union(*(t.unsure for t in trainees))
    emails = [trainee_email(t.number) for t in trainees]
    recorded = set(
        db.session.scalars(
            select(QuizAttempt.id)
            .join(User, User.id == QuizAttempt.user_id)
            .where(User.email.in_(emails), QuizAttempt.submitted_at.is_not(None))
        )
    )
    lost, extra = confirmed - recorded, recorded - confirmed - unsure
    print(
        f"\nquiz answers: {len(confirmed)} confirmed by the server, {len(recorded)} recorded;"
        f" {len(unsure)} sent without an answer back, {len(unsure & recorded)} of them recorded"
    )
    problems = []
    if lost:
        problems.append(f"{len(lost)} confirmed quiz answers are not recorded: {sorted(lost)[:10]}")
    if extra:
        problems.append(f"{len(extra)} recorded quiz answers nobody sent: {sorted(extra)[:10]}")
    return problems


def _certificates(trainees):
    emails = [trainee_email(t.number) for t in trainees]
    users = dict(
        db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all()
    )
    courses = [course.id for course, _ in catalog.published_courses()]
    held = Counter(
        db.session.execute(
            select(Certificate.user_id, Certificate.course_id).where(
                Certificate.user_id.in_(users.values())
            )
        ).all()
    )
    problems, earned = [], 0
    for user_id in users.values():
        for course_id in courses:
            count, owed = (
                held[user_id, course_id],
                certification.certificate_due(user_id, course_id),
            )
            earned += owed
            if count > 1:
                problems.append(f"user {user_id} has {count} certificates for course {course_id}")
            elif owed and count == 0:
                problems.append(f"user {user_id} earned course {course_id} but has no certificate")
            elif count and not owed:
                problems.append(f"user {user_id} has a certificate for course {course_id} unearned")
    print(f"certificates: {earned} earned by trainees, {sum(held.values())} issued to them")
    return problems


def _reminders(due, received):
    keys = Counter(
        int(key.split(":")[1])
        for key in db.session.scalars(
            select(SentNotice.key).where(SentNotice.key.like("renewal:%"))
        )
    )
    emails = db.session.execute(
        select(OutgoingEmail.to_address, OutgoingEmail.subject, OutgoingEmail.status).where(
            OutgoingEmail.purpose == "renewal-reminder"
        )
    ).all()
    got = Counter(received)
    problems = []
    for certificate_id, address in due.items():
        mine = [e for e in emails if e.to_address == address]
        if keys[certificate_id] != 1:
            problems.append(f"certificate {certificate_id}: {keys[certificate_id]} reminder keys")
        if len(mine) != 1 or mine[0].status != "sent":
            problems.append(f"{address}: reminder emails {[e.status for e in mine]}, not one sent")
        elif got[address, mine[0].subject] != 1:
            problems.append(
                f"{address}: the mail server got the reminder {got[address, mine[0].subject]} times"
            )
    twice = [pair for pair, count in got.items() if count > 1]
    if twice:
        problems.append(f"{len(twice)} emails reached the mail server more than once: {twice[:3]}")
    if set(keys) - set(due):
        problems.append(f"reminders for certificates not due: {sorted(set(keys) - set(due))[:5]}")
    sent = sum(1 for e in emails if e.status == "sent")
    print(
        f"reminders: {len(due)} due, {len(emails)} queued, {sent} sent;"
        f" the mail server got {len(received)} emails in all"
    )
    return problems
