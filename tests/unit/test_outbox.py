"""The email queue: rows written in the caller's transaction, handed to the worker after commit,
sent through a real SMTP server started here (aiosmtpd), retried when the server refuses, and
recorded as failed, with the server's answer, when it never accepts."""

import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from lms.extensions import db
from lms.jobs import jobs_of
from lms.models import AuditEvent, OutgoingEmail
from lms.services import outbox
from lms.services.certification.certificate_files import email_attachments
from tests.auth import make_user
from tests.conftest import run_jobs, sign_in_as
from tests.web.test_password_reset import free_port

FAR_FUTURE = datetime(2100, 1, 1)  # naive UTC, as Huey keeps its schedule: every retry is due


class RefusingInbox:
    """An SMTP server that refuses the first `refusals` messages (a temporary failure), then
    accepts; refusals=None refuses for good."""

    def __init__(self, refusals):
        self.refusals = refusals
        self.tries = 0
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.refusals is None:
            return "554 5.7.1 Message refused"
        if self.tries <= self.refusals:
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(app):
    servers = []

    def start(refusals=0):
        handler = RefusingInbox(refusals)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        app.config.update(
            LMS_SMTP_HOST="127.0.0.1",
            LMS_SMTP_PORT=controller.port,
            LMS_SMTP_FROM="training@example.org",
            LMS_SMTP_SECURITY="none",
            LMS_BASE_URL="https://training.example.org",
        )
        return handler

    yield start
    for controller in servers:
        controller.stop()


def queue_one(app, commit=True):
    with app.app_context():
        queued = outbox.queue_email("dana@example.org", "Hello", "Body text\n", "test")
        if commit:
            db.session.commit()
        else:
            db.session.rollback()
        return queued.id


def the_email(app, email_id):
    with app.app_context():
        return db.session.get(OutgoingEmail, email_id)


def test_a_committed_email_goes_to_the_worker_and_is_sent(app, smtp):
    inbox = smtp()
    email_id = queue_one(app)

    assert jobs_of(app).huey.pending_count() == 1
    assert run_jobs(app) == 1

    [message] = inbox.messages
    assert (message["To"], message["Subject"]) == ("dana@example.org", "Hello")
    sent = the_email(app, email_id)
    assert (sent.status, sent.attempts, sent.body, sent.last_error) == ("sent", 1, "", None)
    assert sent.sent_at is not None


def test_a_rolled_back_email_is_never_sent(app, smtp):
    smtp()
    queue_one(app, commit=False)

    assert jobs_of(app).huey.pending_count() == 0
    with app.app_context():
        assert db.session.scalars(select(OutgoingEmail)).all() == []


def test_a_refused_send_is_tried_again_and_sent(app, smtp):
    inbox = smtp(refusals=1)
    email_id = queue_one(app)

    run_jobs(app)
    waiting = the_email(app, email_id)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert "451" in waiting.last_error and "Try again later" in waiting.last_error
    assert inbox.messages == [] and jobs_of(app).huey.scheduled_count() == 1

    jobs_of(app).run_scheduled(FAR_FUTURE)

    sent = the_email(app, email_id)
    assert (sent.status, sent.attempts, sent.last_error, sent.body) == ("sent", 2, None, "")
    assert len(inbox.messages) == 1 and inbox.tries == 2


def test_a_send_refused_every_time_fails_after_five_tries_with_the_error(app, smtp):
    inbox = smtp(refusals=None)
    email_id = queue_one(app)

    run_jobs(app)
    for _ in range(outbox.MAX_ATTEMPTS):
        jobs_of(app).run_scheduled(FAR_FUTURE)

    failed = the_email(app, email_id)
    assert (failed.status, failed.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert "554" in failed.last_error and "Message refused" in failed.last_error
    assert failed.failed_at is not None and failed.body == "Body text\n"  # kept: never sent
    assert inbox.tries == outbox.MAX_ATTEMPTS and jobs_of(app).huey.scheduled_count() == 0
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert event.action == "email.failed"
        assert event.summary == "Email “Hello” to dana@example.org was not sent after 5 tries"
        assert [failed.id for failed in outbox.failed_emails()] == [email_id]


def test_the_retry_delays_grow(app, smtp):
    smtp(refusals=None)
    email_id = queue_one(app)
    delays = []
    with app.app_context():
        for _ in range(outbox.MAX_ATTEMPTS):
            delays.append(outbox.deliver(email_id, app.config, email_attachments, {}))
    assert [(d.outcome, d.retry_in) for d in delays] == [
        ("retry", 60),
        ("retry", 300),
        ("retry", 1800),
        ("retry", 7200),
        ("failed", None),
    ]


def test_an_email_enqueued_twice_is_sent_once(app, smtp):
    inbox = smtp()
    email_id = queue_one(app)
    jobs_of(app).enqueue_emails([email_id])  # e.g. the sweep and the after-commit hook both

    assert run_jobs(app) == 2

    assert len(inbox.messages) == 1 and the_email(app, email_id).attempts == 1


def test_without_email_set_up_a_queued_email_fails_with_a_clear_reason(app):
    email_id = queue_one(app)

    run_jobs(app)

    failed = the_email(app, email_id)
    assert failed.status == "failed" and failed.last_error == outbox.NOT_SET_UP


def test_the_sweep_sends_an_email_whose_enqueue_was_lost(app, smtp, clock):
    inbox = smtp()
    clock.freeze(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    email_id = queue_one(app)
    jobs_of(app).huey.flush()  # the enqueue is lost (a worker or Redis was down)

    with app.app_context():
        assert outbox.stranded_ids() == []  # too soon: its enqueue may still be on its way
        clock.advance(minutes=6)
        assert outbox.stranded_ids() == [email_id]
    jobs_of(app).sweep_outbox.call_local()
    run_jobs(app)

    assert len(inbox.messages) == 1 and the_email(app, email_id).status == "sent"
    with app.app_context():
        clock.advance(days=2)
        assert outbox.stranded_ids() == []


def test_a_try_lost_mid_send_is_swept_once_its_next_try_is_overdue(app, clock):
    clock.freeze(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    email_id = queue_one(app)
    with app.app_context():
        db.session.get(OutgoingEmail, email_id).attempts = 1  # claimed, then the worker died
        db.session.commit()
        clock.advance(minutes=10)  # its retry would be due a minute after the first try
        assert outbox.stranded_ids() == []
        clock.advance(minutes=2)
        assert outbox.stranded_ids() == [email_id]


def test_a_retry_lost_from_the_queue_is_sent_within_minutes_not_a_day(app, smtp, clock):
    """Three tries failed; the fourth, scheduled 30 minutes after the third, was lost with the
    queue (Redis flushed). Its row is handed over again ten minutes after it was due."""
    inbox = smtp(refusals=3)
    clock.freeze(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    email_id = queue_one(app)
    run_jobs(app)
    for _ in range(2):
        jobs_of(app).run_scheduled(FAR_FUTURE)
    assert the_email(app, email_id).attempts == 3 and inbox.messages == []
    jobs_of(app).huey.flush()  # the fourth try's schedule is lost
    due = timedelta(seconds=sum(outbox.RETRY_DELAYS[:3]))  # 36 minutes after it was queued
    with app.app_context():
        clock.advance(seconds=due.total_seconds() + 9 * 60)
        assert outbox.stranded_ids() == []
        clock.advance(minutes=2)
        assert outbox.stranded_ids() == [email_id]
    jobs_of(app).sweep_outbox.call_local()
    run_jobs(app)
    assert len(inbox.messages) == 1 and the_email(app, email_id).status == "sent"


def test_staff_see_the_emails_that_were_not_sent(app, smtp):
    smtp(refusals=None)
    queue_one(app)
    run_jobs(app)
    for _ in range(outbox.MAX_ATTEMPTS):
        jobs_of(app).run_scheduled(FAR_FUTURE)
    client = sign_in_as(app.test_client(), make_user(app, "pat@example.org", "Pat", ("staff",)))

    page = client.get("/staff/").get_data(as_text=True)

    assert page.count('<h2 id="emails-heading">Emails not sent</h2>') == 1
    assert "<title>Staff tools · " in page  # the section once sat in the title block too
    assert "<strong>Hello</strong> to dana@example.org" in page and "Message refused" in page


def test_emails_queued_together_share_a_task_and_a_refused_one_is_retried_alone(app, smtp):
    inbox = smtp(refusals=1)
    with app.app_context():
        rows = [
            {"to_address": f"p{n}@example.org", "subject": "Hello", "body": "Hi\n",
             "purpose": "test", "user_id": None}
            for n in range(3)
        ]  # fmt: skip
        ids = outbox.queue_emails(rows)
        db.session.commit()

    assert jobs_of(app).huey.pending_count() == 1  # one task for the three
    run_jobs(app)
    assert len(inbox.messages) == 2 and jobs_of(app).huey.scheduled_count() == 1
    jobs_of(app).run_scheduled(FAR_FUTURE)

    assert len(inbox.messages) == 3
    assert [the_email(app, email_id).status for email_id in ids] == ["sent"] * 3
