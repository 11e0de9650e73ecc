"""Renewal reminders at 90, 60, 30 and 7 days, the expiry notice and the supervisors' weekly
digest: each exactly once, run twice or by two workers at once; not while the rule is met; quiet
holders get no reminder but still the expiry notice."""

import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.jobs import jobs_of
from lms.models import OutgoingEmail, SentNotice
from lms.services.certification import reminders
from lms.services.certification.reminders import (
    send_due_reminders,
    send_supervisor_digests,
    threshold_due,
)
from lms.services.people import supervision
from tests.statements import recorded_statements

from ..cekit import RULE, give_renewal_rule
from ..conftest import run_jobs
from ..records import certify, person, publish
from ..renewalkit import at, ce, course_by_slug, course_with_rule, holder
from .test_certificate_concurrency import _run_together
from .test_outbox import smtp  # noqa: F401  (a real SMTP server started here)

MAIL = {
    "LMS_SMTP_HOST": "127.0.0.1",
    "LMS_BASE_URL": "https://training.example.org",
}
EXPIRES = date(2027, 1, 15)  # renewalkit's holder, certified January 15, 2026 for 12 months


def emails():
    return db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)).all()


def keys():
    return sorted(db.session.scalars(select(SentNotice.key)))


def run_on(clock, day, **kwargs):
    clock.freeze(at(day, hour=6))
    return send_due_reminders(settings=MAIL, **kwargs)


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(120, None), (91, None), (90, 90), (61, 90), (60, 60), (31, 60), (30, 30), (8, 30), (7, 7),
     (1, 7), (0, None), (-3, None)],
)  # fmt: skip
def test_the_most_urgent_threshold_reached(days_left, threshold):
    assert threshold_due(days_left) == threshold


def test_a_reminder_at_each_threshold_once_saying_what_is_missing(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir)
    user, certificate = holder(clock, course)
    ce(user, 12, "elective")
    ce(user, 2, "ethics")

    assert run_on(clock, EXPIRES - timedelta(days=91)).reminders == 0
    assert run_on(clock, EXPIRES - timedelta(days=90)).reminders == 1
    assert run_on(clock, EXPIRES - timedelta(days=90)).reminders == 0  # the same day again
    assert run_on(clock, EXPIRES - timedelta(days=75)).reminders == 0
    assert run_on(clock, EXPIRES - timedelta(days=58)).reminders == 1

    assert keys() == [f"renewal:{certificate.id}:60", f"renewal:{certificate.id}:90"]
    first, second = emails()
    assert (first.to_address, first.purpose, first.user_id) == (
        "ada@example.org",
        "renewal-reminder",
        user.id,
    )
    assert first.subject == "Your certificate expires in 90 days"
    assert second.subject == "Your certificate expires in 58 days"
    assert "expires on January 15, 2027, 58 days from today" in second.body
    assert "So far: 14 of 20 CE hours, 2 of 6 ethics." in second.body
    assert "you still need 6 more CE hours, 4 of them in ethics" in second.body
    assert "https://training.example.org/dashboard" in second.body
    assert "https://training.example.org/account/emails" in second.body


def test_after_days_without_a_run_only_the_most_urgent_is_sent(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir)
    _, certificate = holder(clock, course)

    run_on(clock, EXPIRES - timedelta(days=100))
    run_on(clock, EXPIRES - timedelta(days=6))  # the worker was down for three months
    run_on(clock, EXPIRES - timedelta(days=5))

    assert keys() == [f"renewal:{certificate.id}:7"]
    [email] = emails()
    assert email.subject == "Your certificate expires in 6 days"


def test_no_reminder_once_the_rule_is_met(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir)
    user, _ = holder(clock, course)
    ce(user, 14, "elective")
    ce(user, 6, "ethics")

    for days in (90, 60, 30, 7):
        assert run_on(clock, EXPIRES - timedelta(days=days)).reminders == 0
    assert keys() == [] and emails() == []


def test_a_quiet_holder_gets_no_reminder_but_the_expiry_notice(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir)
    user, certificate = holder(clock, course)
    user.quiet_emails = True
    db.session.commit()

    for days in (90, 60, 30, 7, 1):
        run_on(clock, EXPIRES - timedelta(days=days))
    assert emails() == []
    run = run_on(clock, EXPIRES)
    run_on(clock, EXPIRES + timedelta(days=1))

    assert (run.reminders, run.expiry_notices) == (0, 1)
    assert keys() == [f"renewal:{certificate.id}:expired"]
    [notice] = emails()
    assert (notice.subject, notice.purpose) == ("Your certificate has expired", "expiry-notice")
    assert "expired on January 15, 2027" in notice.body


def test_an_expiry_notice_in_grace_says_until_when_and_what_is_missing(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir, grace_months=3)
    user, _ = holder(clock, course)
    ce(user, 4, "ethics")

    run_on(clock, EXPIRES + timedelta(days=2))

    [notice] = emails()
    assert "You can still renew it until April 15, 2027: you need 16 more CE hours" in notice.body


def test_old_lapses_and_revoked_certificates_get_nothing(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir)
    _, certificate = holder(clock, course)
    run_on(clock, EXPIRES + timedelta(days=31))  # lapsed before reminders existed: left alone
    course.renewal = {}
    db.session.commit()
    run_on(clock, EXPIRES + timedelta(days=31))  # nor without a rule
    course.renewal = {"ce_hours": 20}
    certificate.revoked_at = clock.now()
    db.session.commit()
    run_on(clock, EXPIRES - timedelta(days=30))

    assert keys() == [] and emails() == []


def test_without_a_renewal_rule_the_holder_is_told_ahead_that_it_will_expire(
    app_ctx, courses_dir, clock
):
    course = publish(courses_dir)  # the sample course: no renewal rule
    assert not course.renewal
    user, certificate = holder(clock, course)

    days_run = (91, 90, 90, 60, 31, 30, 7, 1)  # 90 twice: the same day again
    runs = [run_on(clock, EXPIRES - timedelta(days=days)) for days in days_run]

    assert [run.reminders for run in runs] == [0, 1, 0, 0, 0, 1, 0, 0]
    assert keys() == [f"renewal:{certificate.id}:30", f"renewal:{certificate.id}:90"]
    first, second = emails()
    assert (first.subject, first.purpose, first.user_id) == (
        "Your certificate expires in 90 days", "expiry-reminder", user.id,
    )  # fmt: skip
    assert second.subject == "Your certificate expires in 30 days"
    assert "expires on January 15, 2027, 30 days from today" in second.body
    assert "This certificate cannot be renewed: from that day it will show as expired." in (
        second.body
    )
    assert "meet the course's requirements again: talk to your program staff" in second.body
    # Nothing it offers does not exist: no renewal to make, no CE to log.
    for promise in ("renew it", "Renew", "continuing education", "CE "):
        assert promise not in second.body

    run = run_on(clock, EXPIRES)
    assert (run.reminders, run.expiry_notices) == (0, 1)
    assert run_on(clock, EXPIRES + timedelta(days=1)).expiry_notices == 0  # once
    notice = emails()[-1]
    assert (notice.subject, notice.purpose) == ("Your certificate has expired", "expiry-notice")
    assert "expired on January 15, 2027" in notice.body
    assert "This certificate cannot be renewed. To be certified again" in notice.body
    assert "renew it" not in notice.body


def test_without_a_renewal_rule_a_quiet_holder_gets_only_the_expiry_notice(
    app_ctx, courses_dir, clock
):
    user, certificate = holder(clock, publish(courses_dir))
    user.quiet_emails = True
    db.session.commit()

    for days in (90, 30, 7):
        run_on(clock, EXPIRES - timedelta(days=days))
    assert emails() == []
    assert run_on(clock, EXPIRES).expiry_notices == 1
    assert keys() == [f"renewal:{certificate.id}:expired"]


def test_a_no_rule_notice_once_sent_is_not_sent_again_when_a_rule_is_added(
    app_ctx, courses_dir, clock
):
    course = publish(courses_dir)
    _, certificate = holder(clock, course)
    assert run_on(clock, EXPIRES - timedelta(days=30)).reminders == 1
    course.renewal = {"ce_hours": 20}
    db.session.commit()

    assert run_on(clock, EXPIRES - timedelta(days=29)).reminders == 0  # its 30 days: sent
    assert run_on(clock, EXPIRES - timedelta(days=7)).reminders == 1  # then the rule's 7 days
    assert keys() == [f"renewal:{certificate.id}:30", f"renewal:{certificate.id}:7"]


def test_without_email_set_up_the_notice_is_recorded_and_no_email_queued(
    app_ctx, courses_dir, clock
):
    course = course_with_rule(courses_dir)
    _, certificate = holder(clock, course)
    clock.freeze(at(EXPIRES - timedelta(days=30)))

    assert send_due_reminders(settings={}).reminders == 1

    assert keys() == [f"renewal:{certificate.id}:30"] and emails() == []


def test_batches_take_a_fixed_number_of_statements(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir)
    holders = [holder(clock, course, f"p{i}@example.org", f"Person {i}") for i in range(7)]
    with recorded_statements() as statements:
        run = run_on(clock, EXPIRES - timedelta(days=30), batch_size=3)

    assert (run.reminders, run.batches) == (7, 3)
    assert len(emails()) == len(holders)
    per_run = len(statements)
    with recorded_statements() as statements:
        run_on(clock, EXPIRES - timedelta(days=29), batch_size=100)
    assert len(statements) < per_run  # one batch: fewer statements, whatever the holders


def test_run_twice_at_once_queues_each_reminder_once(app, courses_dir, clock):
    with app.app_context():
        course = course_with_rule(courses_dir)
        for i in range(12):
            holder(clock, course, f"p{i}@example.org", f"Person {i}")
    clock.freeze(at(EXPIRES - timedelta(days=30), hour=6))

    runs = _run_together(app, lambda index: send_due_reminders(settings=MAIL, batch_size=5))

    assert sum(run.reminders for run in runs) == 12
    with app.app_context():
        assert db.session.scalar(select(func.count(OutgoingEmail.id))) == 12
        assert db.session.scalar(select(func.count(SentNotice.id))) == 12
        assert len({email.to_address for email in emails()}) == 12


def test_the_weekly_digest_once_a_week_per_supervisor(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir)
    sam = person("sam@example.org", "Sam Supervisor", "supervisor")
    ada, _ = holder(clock, course)
    ce(ada, 12, "elective")
    ce(ada, 2, "ethics")
    bo, _ = holder(clock, course, "bo@example.org", "Bo Holder")
    ce(bo, 14, "elective")
    ce(bo, 6, "ethics")
    holder(clock, course, "cy@example.org", "Cy Elsewhere")  # not Sam's
    supervision.assign_supervisor(ada.id, sam.id)
    supervision.assign_supervisor(bo.id, sam.id)
    db.session.commit()

    monday = date(2026, 11, 2)  # 74 days before expiry
    clock.freeze(at(monday, hour=6))
    assert send_supervisor_digests(settings=MAIL).digests == 1
    clock.freeze(at(monday + timedelta(days=3), hour=6))
    assert send_supervisor_digests(settings=MAIL).digests == 0  # the same ISO week
    clock.freeze(at(monday + timedelta(days=7), hour=6))
    assert send_supervisor_digests(settings=MAIL).digests == 1

    assert keys() == [f"digest:{sam.id}:2026-W45", f"digest:{sam.id}:2026-W46"]
    first = emails()[0]
    assert first.to_address == "sam@example.org" and first.purpose == "supervisor-digest"
    assert first.subject == "Certificates due for renewal: 2 of your trainees"
    assert "- Ada Holder: “" in first.body and "(in 74 days); 14 of 20 CE hours, 2 of 6 ethics" in (
        first.body
    )
    assert "- Bo Holder: “" in first.body and "ready to renew" in first.body
    assert "Cy Elsewhere" not in first.body


def test_the_digest_subject_counts_trainees_not_their_certificates(app_ctx, courses_dir, clock):
    """One trainee with two certificates due is one trainee in the subject, and two lines."""
    second = courses_dir / "second-course"
    shutil.copytree(courses_dir / "sample-course", second)
    course_md = second / "course.md"
    course_md.write_text(course_md.read_text().replace("Sample Course", "Second Course"))
    course = course_with_rule(courses_dir)
    other = give_renewal_rule(course_by_slug("second-course"), RULE)
    sam = person("sam@example.org", "Sam Supervisor", "supervisor")
    ada, _ = holder(clock, course)
    certify(ada, other)
    supervision.assign_supervisor(ada.id, sam.id)
    db.session.commit()
    clock.freeze(at(date(2026, 11, 2), hour=6))

    assert send_supervisor_digests(settings=MAIL).digests == 1
    [digest] = emails()
    assert digest.body.count("- Ada Holder: “") == 2
    assert digest.subject == "Certificates due for renewal: 1 of your trainees"


def test_the_digest_says_expired_today_for_a_certificate_ending_today_not_in_0_days(
    app_ctx, courses_dir, clock
):
    course = course_with_rule(courses_dir)
    sam = person("sam@example.org", "Sam Supervisor", "supervisor")
    ada, _ = holder(clock, course)
    supervision.assign_supervisor(ada.id, sam.id)
    db.session.commit()
    clock.freeze(at(EXPIRES, hour=6))

    assert send_supervisor_digests(settings=MAIL).digests == 1
    [digest] = emails()
    assert "expired January 15, 2027 (today);" in digest.body and "(in 0 days)" not in digest.body
    assert "expires January 15" not in digest.body  # it stopped being valid as the day began


def test_a_quiet_supervisor_gets_no_digest(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir)
    sam = person("sam@example.org", "Sam Supervisor", "supervisor")
    sam.quiet_emails = True
    ada, _ = holder(clock, course)
    supervision.assign_supervisor(ada.id, sam.id)
    db.session.commit()
    clock.freeze(at(date(2026, 11, 2), hour=6))

    assert send_supervisor_digests(settings=MAIL).digests == 0
    assert emails() == []


def test_the_iso_week_key():
    assert reminders.iso_week(date(2027, 1, 1)) == "2026-W53"


def test_the_daily_task_queues_the_reminder_and_the_worker_sends_it(app, courses_dir, clock, smtp):  # noqa: F811
    inbox = smtp()
    with app.app_context():
        course = course_with_rule(courses_dir)
        holder(clock, course)
    clock.freeze(at(EXPIRES - timedelta(days=7), hour=6))

    jobs_of(app).send_renewal_reminders.call_local()
    jobs_of(app).send_renewal_reminders.call_local()
    assert run_jobs(app) == 1

    [message] = inbox.messages
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Your certificate expires in 7 days"
    assert "you still need 20 more CE hours, 6 of them in ethics" in message.get_content()
