"""Background work on a real task queue (Huey): the queue made from the app's settings and thin
tasks that call services (no rule lives here; every task can be run inline by a test).

The queue is a SQLite file in instance/ by default (LMS_QUEUE_FILE), so the first README command
needs no other server, and Redis when LMS_REDIS_URL is set. `lms worker` runs the consumer: the
Flask app is made once per consumer process and each task runs in its own app context.
"""

from __future__ import annotations

import logging
from datetime import UTC
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..services import outbox
from ..services.certification import certificate_files, certification, reminders
from ..services.credentials import issuing
from ..services.people import password_reset

EXTENSION = "lms_jobs"
TASKS = (
    "send_email",
    "send_emails",
    "sweep_outbox",
    "sign_credentials",
    "send_renewal_reminders",
    "send_digests",
    "issue_due_certificates",
)
ATTACHMENTS = certificate_files.email_attachments  # what an email bringing a certificate attaches
# Emails queued without a body, written as they are sent, by purpose (services.outbox.deliver).
WRITERS = {password_reset.PURPOSE: password_reset.reset_email}
EMAILS_PER_TASK = 50  # emails queued together are sent by tasks of this many (workers share them)
# issue_due_certificates cut short (a dropped database connection, a deadlock) is run again: it
# is idempotent, looking only at trainees who still hold no certificate, so what the first run
# issued is not issued twice. Five more tries, a minute apart.
ISSUE_RETRIES = 5
ISSUE_RETRY_DELAY = 60  # seconds
logger = logging.getLogger(__name__)


def in_program_time(schedule, zone):
    """A periodic task's validator that reads Huey's clock in the program's time zone: `schedule`
    (a huey.crontab) is asked about the local time in `zone`, so that crontab(hour="6") runs at
    6 AM there, daylight saving or not, once each local day. Huey hands periodic validators the
    current minute as a naive UTC datetime (the queue runs with utc=True, make_huey)."""

    def validate(timestamp):
        moment = timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=UTC)
        return schedule(moment.astimezone(zone).replace(tzinfo=None))

    return validate


def make_huey(settings):
    """The Huey instance the settings describe (nothing is connected or created until used)."""
    # Here, not at the top: Huey brings Redis's client and psycopg with it, a fifth of a web
    # worker's start-up, and a worker only needs it once a request queues an email.
    from huey import RedisHuey, SqliteHuey

    name = settings["LMS_QUEUE_NAME"]
    if settings.get("LMS_REDIS_URL"):
        return RedisHuey(name, url=settings["LMS_REDIS_URL"], results=False, utc=True)
    return SqliteHuey(name, filename=settings["LMS_QUEUE_FILE"], results=False, utc=True)


class Jobs:
    """The app's queue and its tasks. Made lazily: an app that never queues anything (a test, a
    command) opens no queue file and no Redis connection."""

    def __init__(self, app):
        self.app = app
        self._huey = None

    @property
    def huey(self):
        if self._huey is None:
            self._huey = make_huey(self.app.config)
            self._register_tasks()
        return self._huey

    def _register_tasks(self):
        from huey import crontab  # loaded with the queue (see make_huey)
        from huey.exceptions import RetryTask

        huey, app = self._huey, self.app

        @huey.task(name="send_email")
        def send_email(email_id):
            with app.app_context():
                delivery = outbox.deliver(email_id, app.config, ATTACHMENTS, WRITERS)
            if delivery.outcome == "retry":
                raise RetryTask(delay=delivery.retry_in)
            return delivery.outcome

        @huey.task(name="send_emails")
        def send_emails(email_ids):
            # Many emails queued at once (the daily reminders): one task per chunk, not one per
            # email; an email that needs another try gets a task of its own, later.
            for email_id in email_ids:
                with app.app_context():
                    delivery = outbox.deliver(email_id, app.config, ATTACHMENTS, WRITERS)
                if delivery.outcome == "retry":
                    send_email.schedule((email_id,), delay=delivery.retry_in)

        @huey.periodic_task(crontab(minute="*/5"), name="sweep_outbox")
        def sweep_outbox():
            with app.app_context():
                stranded = outbox.stranded_ids()
            self.enqueue_emails(stranded)

        # A certificate's credential is signed when first needed, not in the request that issues
        # it (services/credentials/issuing.py); this signs the rest soon after.
        @huey.periodic_task(crontab(minute="*/5"), name="sign_credentials")
        def sign_credentials():
            with app.app_context():
                return issuing.sign_pending(app.config)

        # Reminders and digests count days on the program's calendar (LMS_TIMEZONE), so they
        # run early in its morning, not at a UTC hour that is the evening before in the west.
        zone = ZoneInfo(app.config["LMS_TIMEZONE"])
        daily = in_program_time(crontab(hour="6", minute="0"), zone)

        @huey.periodic_task(daily, name="send_renewal_reminders")
        def send_renewal_reminders():
            with app.app_context():
                reminders.send_due_reminders(settings=app.config)

        # Mondays (crontab counts Sunday as 0); the digest's key is the ISO week, so a late or
        # repeated run still sends each supervisor one digest a week.
        weekly = in_program_time(crontab(day_of_week="1", hour="6", minute="15"), zone)

        @huey.periodic_task(weekly, name="send_digests")
        def send_digests():
            with app.app_context():
                reminders.send_supervisor_digests(settings=app.config)

        # After a sync changed courses: certificates that became due without the trainees
        # doing anything (services/certification/certification.py).
        @huey.task(
            name="issue_due_certificates", retries=ISSUE_RETRIES, retry_delay=ISSUE_RETRY_DELAY
        )
        def issue_due_certificates(course_slugs):
            for slug in course_slugs:
                with app.app_context():
                    certification.issue_due_certificates(slug)

        self.send_email = send_email
        self.send_emails = send_emails
        self.sweep_outbox = sweep_outbox
        self.sign_credentials = sign_credentials
        self.send_renewal_reminders = send_renewal_reminders
        self.send_digests = send_digests
        self.issue_due_certificates = issue_due_certificates

    def __getattr__(self, name):
        # A task (send_email, sweep_outbox, ...) asked for before the queue was made.
        if name in TASKS and self._huey is None:
            self.huey  # noqa: B018  (makes the queue and registers the tasks)
            return self.__dict__[name]
        raise AttributeError(name)

    def enqueue_emails(self, email_ids):
        email_ids = list(email_ids)
        for start in range(0, len(email_ids), EMAILS_PER_TASK):
            chunk = email_ids[start : start + EMAILS_PER_TASK]
            if len(chunk) == 1:
                self.send_email(chunk[0])
            else:
                self.send_emails(chunk)

    def run_pending(self, limit=1000):
        """Run every task waiting in the queue, here and now (tests; a consumer does this in
        production). Returns how many ran."""
        ran = 0
        while ran < limit and (task := self.huey.dequeue()) is not None:
            self.huey.execute(task)
            ran += 1
        return ran

    def run_scheduled(self, timestamp=None, limit=1000):
        """Run the retries due by `timestamp` (a naive UTC datetime, as Huey keeps its schedule;
        None: now) here and now (tests)."""
        tasks = self.huey.read_schedule(timestamp)[:limit]
        for task in tasks:
            self.huey.execute(task, timestamp)
        return len(tasks)


def jobs_of(app):
    return app.extensions[EXTENSION]


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session):
    """Emails queued in a transaction go to the worker once it commits (never before: the worker
    must find the row). If the queue cannot take them now, the outbox sweep sends them later.
    So do the courses a sync changed, to issue the certificates that became due."""
    email_ids = outbox.take_queued_ids(session)
    course_slugs = certification.take_rechecks(session)
    if not (email_ids or course_slugs) or not has_app_context():
        return
    jobs = current_app.extensions.get(EXTENSION)
    if jobs is None:
        return
    try:
        jobs.enqueue_emails(email_ids)
    except Exception:  # the commit stands; the periodic sweep will find the rows still queued
        logger.exception("could not hand %d queued email(s) to the worker", len(email_ids))
    if course_slugs:
        try:
            jobs.issue_due_certificates(course_slugs)
        except Exception:  # the commit stands; the next requirement a trainee meets issues it
            logger.exception("could not ask the worker to issue what %s made due", course_slugs)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    outbox.forget_queued_ids(session)
    certification.forget_rechecks(session)


def init_app(app):
    app.extensions[EXTENSION] = Jobs(app)
