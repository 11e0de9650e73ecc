"""A certificate's calendar is the program's (LMS_TIMEZONE, New York in the tests): the day it is
issued and renewed, its expiry, and whether it is valid, in grace or due for a reminder are days
there, not UTC days. Each is checked on both sides of midnight in New York: at 9 PM on November
21 (2 AM UTC on the 22nd), at 3:30 AM UTC on the 22nd (10:30 PM on the 21st in New York), and at
half past midnight on the 22nd in New York."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from lms.services import program_day, transcript
from lms.services.certification import certificate_lookup, certification, renewal_report
from lms.services.certification.certificate_files import stamp
from lms.services.certification.reminders import send_due_reminders, send_supervisor_digests
from lms.services.certification.renewal import renew, standing
from lms.services.certification.revocation import revoke
from lms.services.people import supervision

from ..records import certificate as reload
from ..records import person
from ..renewalkit import ce, course_with_rule, holder
from .test_reminders import MAIL, emails

NEW_YORK = ZoneInfo("America/New_York")
EVENING_IN_NEW_YORK = datetime(2027, 11, 21, 21, 0, tzinfo=NEW_YORK)  # 02:00 UTC on the 22nd
EARLY_MORNING_UTC = datetime(2027, 11, 22, 3, 30, tzinfo=UTC)  # 10:30 PM on the 21st there
AFTER_MIDNIGHT_IN_NEW_YORK = datetime(2027, 11, 22, 0, 30, tzinfo=NEW_YORK)
BEFORE_MIDNIGHT = (EVENING_IN_NEW_YORK, EARLY_MORNING_UTC)
NOVEMBER_21, NOVEMBER_22 = date(2027, 11, 21), date(2027, 11, 22)
# Issued November 22, 2026 for the sample course's 12 months: expires November 22, 2027, the
# first day it is no longer valid.
ISSUED_A_YEAR_BEFORE = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


@pytest.fixture
def course(app_ctx, courses_dir):
    return course_with_rule(courses_dir)


def test_the_programs_today_is_the_day_in_its_time_zone(app_ctx, clock):
    for moment in BEFORE_MIDNIGHT:
        clock.freeze(moment)
        assert program_day.today() == NOVEMBER_21
        assert clock.today() == NOVEMBER_22  # the clock itself stays UTC
    clock.freeze(AFTER_MIDNIGHT_IN_NEW_YORK)
    assert program_day.today() == NOVEMBER_22


@pytest.mark.parametrize(
    ("moment", "issued_on"),
    [(EVENING_IN_NEW_YORK, NOVEMBER_21), (EARLY_MORNING_UTC, NOVEMBER_21),
     (AFTER_MIDNIGHT_IN_NEW_YORK, NOVEMBER_22)],
)  # fmt: skip
def test_a_certificate_is_issued_on_the_programs_day(course, clock, moment, issued_on):
    _, certificate = holder(clock, course, when=moment)

    assert certificate.issued_on == issued_on
    assert certificate.expires_on == issued_on.replace(year=2028)
    verified = certificate_lookup.verify(certificate.code)
    assert (verified.issued_on, verified.status) == (issued_on, "valid")


@pytest.mark.parametrize("moment", BEFORE_MIDNIGHT)
def test_a_certificate_is_valid_until_its_expiry_day_begins_in_new_york(course, clock, moment):
    _, certificate = holder(clock, course, when=ISSUED_A_YEAR_BEFORE)
    assert certificate.expires_on == NOVEMBER_22
    clock.freeze(moment)

    assert certification.certificate_status(certificate) == "valid"
    assert certificate_lookup.verify(certificate.code).status == "valid"
    assert standing(certificate.id).state == "open"
    assert stamp(certificate) == ("", "")
    due = [row.code for row in renewal_report.renewals_page("due").rows]
    expired = [row.code for row in renewal_report.renewals_page("expired").rows]
    assert (due, expired) == ([certificate.code], [])


@pytest.mark.parametrize(
    ("moment", "status"),
    [(EVENING_IN_NEW_YORK, "valid"), (EARLY_MORNING_UTC, "valid"),
     (AFTER_MIDNIGHT_IN_NEW_YORK, "expired")],
)  # fmt: skip
def test_the_transcript_judges_a_certificate_on_the_programs_day(course, clock, moment, status):
    user, certificate = holder(clock, course, when=ISSUED_A_YEAR_BEFORE)

    data = transcript.transcript_for(user.id, program_day.zone(), now=moment)

    assert [held.status for held in data.certificates] == [status]
    assert certificate_lookup.verify(certificate.code, program_day.day_of(moment)).status == status


def test_from_midnight_in_new_york_on_its_expiry_day_it_is_expired(course, clock):
    _, certificate = holder(clock, course, when=ISSUED_A_YEAR_BEFORE)
    clock.freeze(AFTER_MIDNIGHT_IN_NEW_YORK)

    assert certification.certificate_status(certificate) == "expired"
    assert certificate_lookup.verify(certificate.code).status == "expired"
    assert standing(certificate.id).state == "grace"
    assert stamp(certificate) == ("Expired", "on November 22, 2027")
    # Expired from its expiry date on, so listed as expired that day, no longer as due.
    due = [row.code for row in renewal_report.renewals_page("due").rows]
    expired = [row.code for row in renewal_report.renewals_page("expired").rows]
    assert (due, expired) == ([], [certificate.code])


def test_a_renewal_is_dated_and_runs_from_the_programs_day(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir, grace_months=3)
    user, certificate = holder(clock, course, when=ISSUED_A_YEAR_BEFORE)
    ce(user, 14, "elective", on=date(2027, 6, 1))
    ce(user, 6, "ethics", on=date(2027, 6, 1))
    in_grace_evening = datetime(2027, 12, 10, 21, 0, tzinfo=NEW_YORK)  # December 11 in UTC
    clock.freeze(in_grace_evening)

    renewed = renew(certificate.id, user.id)

    # In grace a renewal runs from its own day: December 10 where the program is.
    assert renewed.issued_on == date(2027, 12, 10)
    assert renewed.expires_on == date(2028, 12, 10)
    old = certificate_lookup.verify(certificate.code)
    assert (old.status, old.renewed_on) == ("superseded", date(2027, 12, 10))


def test_a_revoked_certificates_stamp_gives_the_programs_day(course, clock):
    user, certificate = holder(clock, course, when=ISSUED_A_YEAR_BEFORE)
    clock.freeze(EVENING_IN_NEW_YORK)
    revoke(certificate.id, user.id, "Issued in error")

    assert stamp(reload(certificate.code)) == ("Revoked", "on November 21, 2027")


def test_reminders_count_days_in_the_programs_calendar(course, clock):
    user, certificate = holder(clock, course, when=ISSUED_A_YEAR_BEFORE)
    clock.freeze(datetime(2027, 11, 14, 21, 0, tzinfo=NEW_YORK))  # November 15 in UTC

    assert send_due_reminders(settings=MAIL).reminders == 1
    assert [email.subject for email in emails()] == ["Your certificate expires in 8 days"]

    clock.freeze(EVENING_IN_NEW_YORK)
    run = send_due_reminders(settings=MAIL)
    assert (run.reminders, run.expiry_notices) == (1, 0)  # the 7-day one; not expired yet

    clock.freeze(AFTER_MIDNIGHT_IN_NEW_YORK)
    assert send_due_reminders(settings=MAIL).expiry_notices == 1
    assert emails()[-1].subject == "Your certificate has expired"


def test_the_supervisors_digest_counts_days_in_the_programs_calendar(course, clock):
    user, certificate = holder(clock, course, when=ISSUED_A_YEAR_BEFORE)
    supervisor = person("sam@example.org", "Sam Supervisor", "supervisor")
    supervision.assign_supervisor(user.id, supervisor.id)
    clock.freeze(EVENING_IN_NEW_YORK)

    assert send_supervisor_digests(settings=MAIL).digests == 1
    assert "expires November 22, 2027 (in 1 day)" in emails()[-1].body
