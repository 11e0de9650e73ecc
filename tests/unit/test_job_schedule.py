"""When the daily renewal reminders and the weekly supervisors' digest run: at 6 AM (6:15 AM on
Mondays) in the program's time zone (LMS_TIMEZONE), whatever the season, so that the days they
count ("expires in 30 days") are counted on the program's day, not on a UTC day that is still
the evening before in the west."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from huey import crontab

from lms.jobs import in_program_time, jobs_of

# Kolkata is half an hour off UTC; Lord Howe's daylight saving moves its clocks half an hour.
ZONES = ("America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata",
         "Australia/Lord_Howe")  # fmt: skip
YEAR = 2027


def minutes_of_the_year():
    """Each quarter hour of YEAR, and a day either side, as Huey hands minutes over: naive UTC.
    Every zone's offset is a whole number of quarter hours, so these are all the local minutes
    :00, :15, :30 and :45, the only ones the schedules can match."""
    moment = datetime(YEAR - 1, 12, 31)
    end = datetime(YEAR + 1, 1, 2)
    while moment < end:
        yield moment
        moment += timedelta(minutes=15)


def local_runs(validate, zone):
    """The local times, in `zone`, of the minutes `validate` accepts, of the days of YEAR."""
    runs = []
    for moment in minutes_of_the_year():
        if validate(moment):
            local = moment.replace(tzinfo=UTC).astimezone(zone)
            if local.year == YEAR:
                runs.append(local)
    return runs


@pytest.mark.parametrize("name", ZONES)
def test_the_daily_schedule_runs_at_6_am_there_once_every_day_of_the_year(name):
    zone = ZoneInfo(name)

    runs = local_runs(in_program_time(crontab(hour="6", minute="0"), zone), zone)

    assert [run.date() for run in runs] == [
        date(YEAR, 1, 1) + timedelta(days=n) for n in range(365)
    ]
    assert {(run.hour, run.minute) for run in runs} == {(6, 0)}


@pytest.mark.parametrize("name", ZONES[:3])
def test_the_weekly_schedule_runs_at_6_15_am_there_every_monday(name):
    zone = ZoneInfo(name)
    weekly = in_program_time(crontab(day_of_week="1", hour="6", minute="15"), zone)

    runs = local_runs(weekly, zone)

    first_monday = date(YEAR, 1, 4)
    assert [run.date() for run in runs] == [first_monday + timedelta(weeks=n) for n in range(52)]
    assert {(run.hour, run.minute) for run in runs} == {(6, 15)}


def due(app, *utc_moment):
    """The names of the app's periodic tasks Huey would queue at this UTC minute."""
    huey = jobs_of(app).huey
    return {task.name for task in huey.read_periodic(datetime(*utc_moment))}


def test_the_workers_reminders_and_digest_run_at_6_am_in_los_angeles(app):
    app.config["LMS_TIMEZONE"] = "America/Los_Angeles"
    reminders, digests = "send_renewal_reminders", "send_digests"

    # 06:00 UTC is 10 PM (11 PM in summer) the evening before there: nothing of the kind runs
    assert reminders not in due(app, 2027, 1, 18, 6, 0)
    assert digests not in due(app, 2027, 1, 18, 6, 15)  # a Monday in UTC; Sunday evening there
    assert reminders not in due(app, 2027, 7, 12, 6, 0)
    # 6 AM Pacific Standard Time (14:00 UTC) in winter, Pacific Daylight Time (13:00) in summer
    assert reminders in due(app, 2027, 1, 18, 14, 0)
    assert digests in due(app, 2027, 1, 18, 14, 15)
    assert reminders in due(app, 2027, 7, 12, 13, 0)
    assert digests in due(app, 2027, 7, 12, 13, 15)
    assert digests not in due(app, 2027, 7, 13, 13, 15)  # a Tuesday
    assert {reminders, digests}.isdisjoint(due(app, 2027, 7, 12, 14, 0))


def test_the_queue_keeps_its_clock_in_utc(app):
    assert jobs_of(app).huey.utc
