"""Renewal reminders, expiry notices and the supervisors' weekly digest, each sent exactly once.

A certificate of a course with a renewal rule gets reminders at 90, 60, 30 and 7 days saying what
CE is still missing (none once the rule is met). One of a course without a rule cannot be
renewed, but its holder is still told ahead of time, at 90 and 30 days, that it will expire and
what they can do (meet the requirements again, with their program), without a word of renewal.
Either gets a notice when it has expired.

Exactly once: every notice has a key (f"renewal:{certificate id}:{threshold}",
f"renewal:{certificate id}:expired", f"digest:{supervisor id}:{ISO year-week}") inserted into
sent_notice (unique) in the same transaction as the email it queues, with "on conflict do
nothing": a task run twice, or by two workers at once, queues each email once. Certificates are
read in batches with a fixed number of statements per batch, never one per certificate. How much
CE is done and missing comes from lms/services/certification/renewal.py (standings_for); nothing
is counted here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ... import clock
from ...dates import long_date
from ...extensions import db
from ...models import Certificate, Course, SentNotice, SupervisorAssignment, User
from .. import outbox, program_day
from ..mail import mail_configured
from .renewal import LAPSED_ADVICE, standings_for

THRESHOLDS = (90, 60, 30, 7)  # days before expiry, most distant first
NO_RULE_THRESHOLDS = (90, 30)  # the same, for a certificate that cannot be renewed
# An expiry notice goes out for certificates that expired at most this long ago, so that the
# first run after an upgrade does not write to everyone whose certificate lapsed years ago.
EXPIRY_NOTICE_WITHIN = timedelta(days=30)
BATCH_SIZE = 500
DASHBOARD_PATH = "/dashboard"
SETTINGS_PATH = "/account/emails"


@dataclass
class ReminderRun:
    """What one run did, for logs and tests."""

    reminders: int = 0
    expiry_notices: int = 0
    digests: int = 0
    batches: int = 0


def threshold_due(days_left, thresholds=THRESHOLDS):
    """The most urgent reminder threshold reached with `days_left` days to go, or None (more
    than 90 days left, or expired). If the task did not run for days, only this one is sent."""
    reached = [days for days in thresholds if days_left <= days]
    return min(reached) if reached and days_left > 0 else None


def _one_writer_at_a_time():
    """On SQLite, take its one write lock before reading a batch (BEGIN IMMEDIATE), so that a
    second run waits for the first to commit and then finds its keys, instead of failing on a
    stale snapshot. PostgreSQL needs nothing: a second insert of a key waits for the first's
    commit and then does nothing (on conflict do nothing)."""
    connection = db.session.connection()
    if (
        connection.dialect.name == "sqlite"
        and not connection.connection.driver_connection.in_transaction
    ):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _courses_with_a_rule():
    rows = db.session.execute(select(Course.id, Course.renewal))
    return [course_id for course_id, rule in rows if rule]


def _current_certificates(first_day, last_day, after_id, limit):
    """A batch of current certificates (not superseded, not revoked) expiring between the two
    days, with their holders, in id order after `after_id`."""
    query = (
        select(Certificate, User)
        .join(User, User.id == Certificate.user_id)
        .where(
            Certificate.superseded_at.is_(None),
            Certificate.revoked_at.is_(None),
            Certificate.expires_on >= first_day,
            Certificate.expires_on <= last_day,
            Certificate.id > after_id,
            User.erased_at.is_(None),
        )
        .order_by(Certificate.id)
        .limit(limit)
    )
    return list(db.session.execute(query))


def _insert_new_keys(notices):
    """Insert the notices' keys, skipping any already there; the keys this call inserted."""
    if not notices:
        return set()
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    now = clock.now()
    statement = (
        dialect.insert(SentNotice)
        .values([{"key": key, "user_id": user_id, "created_at": now} for key, user_id in notices])
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(SentNotice.key)
    )
    return set(db.session.scalars(statement))


def _queue(emails, keys_inserted, settings):
    """Queue the emails whose key this transaction inserted (none when email is not set up: the
    notice is still recorded, so that setting email up later does not send stale reminders)."""
    if not mail_configured(settings or {}):
        return 0
    rows = [email for email in emails if email["key"] in keys_inserted]
    outbox.queue_emails(
        [{name: value for name, value in row.items() if name != "key"} for row in rows]
    )
    return len(rows)


def send_due_reminders(today=None, settings=None, batch_size=BATCH_SIZE):
    """Queue the renewal reminders and expiry notices due today. Commits once per batch."""
    today = today or program_day.today()
    settings = settings or {}
    base = settings.get("LMS_BASE_URL", "")
    run = ReminderRun()
    first_day = today - EXPIRY_NOTICE_WITHIN
    last_day = today + timedelta(days=max(THRESHOLDS))
    after_id = 0
    while True:
        _one_writer_at_a_time()
        batch = _current_certificates(first_day, last_day, after_id, batch_size)
        if not batch:
            db.session.commit()
            break
        run.batches += 1
        after_id = batch[-1][0].id
        standings = standings_for([certificate.id for certificate, _ in batch], today=today)
        notices, emails = [], []
        for certificate, holder in batch:
            standing = standings[certificate.id]
            days_left = (certificate.expires_on - today).days
            no_rule = standing.state == "no-rule"
            if days_left <= 0:
                key = f"renewal:{certificate.id}:expired"
                subject, body = _expiry_notice(certificate, holder, standing, today, base)
            else:
                # The keys are the same with a rule or without, so that a rule added or dropped
                # between two runs never sends a threshold's notice twice.
                threshold = threshold_due(days_left, NO_RULE_THRESHOLDS if no_rule else THRESHOLDS)
                if threshold is None or holder.quiet_emails or (standing.met and not no_rule):
                    continue
                key = f"renewal:{certificate.id}:{threshold}"
                write = _expiry_warning if no_rule else _reminder
                subject, body = write(certificate, holder, standing, days_left, base)
            if days_left <= 0:
                purpose = "expiry-notice"
            else:
                purpose = "expiry-reminder" if no_rule else "renewal-reminder"
            notices.append((key, holder.id))
            emails.append(
                {
                    "key": key,
                    "to_address": holder.email,
                    "subject": subject,
                    "body": body,
                    "purpose": purpose,
                    "user_id": holder.id,
                }
            )
        inserted = _insert_new_keys(notices)
        _queue(emails, inserted, settings)
        run.expiry_notices += sum(key.endswith(":expired") for key in inserted)
        run.reminders += sum(not key.endswith(":expired") for key in inserted)
        db.session.commit()
        if len(batch) < batch_size:
            break
    return run


def _days(count):
    return f"{count} day{'s' * (count != 1)}"


def _reminder(certificate, holder, standing, days_left, base):
    subject = f"Your certificate expires in {_days(days_left)}"
    body = (
        f"Hello {holder.name},\n\n"
        f"Your certificate “{certificate.title}” expires on {long_date(certificate.expires_on)}, "
        f"{_days(days_left)} from today.\n\n"
        f"So far: {standing.progress_text()}.\n"
        f"To renew it you still need {standing.missing_text()}.\n\n"
        f"Log continuing education and renew from your dashboard:\n{base}{DASHBOARD_PATH}\n\n"
        "You can switch off reminders like this one in your email settings:\n"
        f"{base}{SETTINGS_PATH}\n"
    )
    return subject, body


def _expiry_warning(certificate, holder, standing, days_left, base):
    """Ahead of the expiry of a certificate its course gives no way to renew."""
    subject = f"Your certificate expires in {_days(days_left)}"
    body = (
        f"Hello {holder.name},\n\n"
        f"Your certificate “{certificate.title}” expires on {long_date(certificate.expires_on)}, "
        f"{_days(days_left)} from today. This certificate cannot be renewed: from that day it "
        "will show as expired.\n\n"
        "To stay certified after that, you will need to meet the course's requirements again: "
        "talk to your program staff about retaking them.\n\n"
        f"Your certificates are on your dashboard:\n{base}{DASHBOARD_PATH}\n\n"
        "You can switch off reminders like this one in your email settings:\n"
        f"{base}{SETTINGS_PATH}\n"
    )
    return subject, body


def _expiry_notice(certificate, holder, standing, today, base):
    subject = "Your certificate has expired"
    lines = [
        f"Hello {holder.name},\n",
        f"Your certificate “{certificate.title}” expired on {long_date(certificate.expires_on)}.\n",
    ]
    if standing.closes_on is not None and standing.closes_on >= today:
        lines.append(
            f"You can still renew it until {long_date(standing.closes_on)}"
            + ("." if standing.met else f": you need {standing.missing_text()} first.")
            + "\n"
        )
    elif standing.state == "no-rule":
        lines.append(f"This certificate cannot be renewed. {LAPSED_ADVICE}\n")
    else:
        lines.append("Your dashboard says what you can do to be certified again.\n")
    lines.append(f"{base}{DASHBOARD_PATH}\n")
    return subject, "\n".join(lines)


def iso_week(day):
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def send_supervisor_digests(today=None, settings=None):
    """Queue each supervisor's weekly digest: their current trainees whose certificates expire in
    the next 90 days, with CE progress. Once per supervisor and ISO week. Commits."""
    today = today or program_day.today()
    settings = settings or {}
    base = settings.get("LMS_BASE_URL", "")
    run = ReminderRun()
    course_ids = _courses_with_a_rule()
    if not course_ids:
        return run
    _one_writer_at_a_time()
    query = (
        select(SupervisorAssignment.supervisor_id, Certificate, User)
        .join(Certificate, Certificate.user_id == SupervisorAssignment.trainee_id)
        .join(User, User.id == Certificate.user_id)
        .where(
            SupervisorAssignment.ended_at.is_(None),
            Certificate.course_id.in_(course_ids),
            Certificate.superseded_at.is_(None),
            Certificate.revoked_at.is_(None),
            Certificate.expires_on >= today,
            Certificate.expires_on <= today + timedelta(days=max(THRESHOLDS)),
            User.erased_at.is_(None),
        )
        .order_by(SupervisorAssignment.supervisor_id, Certificate.expires_on, Certificate.id)
    )
    due = defaultdict(list)
    for supervisor_id, certificate, trainee in db.session.execute(query):
        due[supervisor_id].append((certificate, trainee))
    if not due:
        db.session.commit()
        return run
    supervisors = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_(due), User.erased_at.is_(None))
        )
    }
    certificate_ids = [certificate.id for rows in due.values() for certificate, _ in rows]
    standings = {}
    for start in range(0, len(certificate_ids), BATCH_SIZE):
        standings.update(standings_for(certificate_ids[start : start + BATCH_SIZE], today=today))
    week = iso_week(today)
    notices, emails = [], []
    for supervisor_id, rows in due.items():
        supervisor = supervisors.get(supervisor_id)
        if supervisor is None or supervisor.quiet_emails:
            continue
        key = f"digest:{supervisor_id}:{week}"
        # A trainee with two certificates due is one trainee (and two lines in the body).
        trainees = len({trainee.id for _, trainee in rows})
        notices.append((key, supervisor_id))
        emails.append(
            {
                "key": key,
                "to_address": supervisor.email,
                "subject": f"Certificates due for renewal: {trainees} of your trainees",
                "body": _digest(supervisor, rows, standings, today, base),
                "purpose": "supervisor-digest",
                "user_id": supervisor_id,
            }
        )
    inserted = _insert_new_keys(notices)
    _queue(emails, inserted, settings)
    run.digests = len(inserted)
    db.session.commit()
    return run


def _digest(supervisor, rows, standings, today, base):
    lines = [
        f"Hello {supervisor.name},\n",
        "These people you supervise have a certificate that expires in the next 90 days:\n",
    ]
    for certificate, trainee in rows:
        standing = standings[certificate.id]
        days_left = (certificate.expires_on - today).days
        # A certificate stops being valid as its expiry day begins: on that day it has expired.
        ends = f"expires {long_date(certificate.expires_on)} (in {_days(days_left)})"
        if not days_left:
            ends = f"expired {long_date(certificate.expires_on)} (today)"
        state = "ready to renew" if standing.met else standing.progress_text()
        lines.append(f"- {trainee.name}: “{certificate.title}”, {ends}; {state}")
    lines.append(f"\nYour trainees' records: {base}/supervise/\n")
    lines.append(f"You can switch off this digest in your email settings: {base}{SETTINGS_PATH}")
    return "\n".join(lines) + "\n"
