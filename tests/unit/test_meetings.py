"""Scheduling live sessions: the rules and their messages, the program's time zone, changes and
cancellations in the audit log, and who sees which meeting."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Meeting
from lms.services.learning import live_requirements, meetings
from tests import livekit
from tests.requirementkit import NOW, audit_events, person, published_course

ZONE = livekit.ZONE
LENGTH = "Enter the length in minutes, as a whole number from 15 to 600."


@pytest.fixture
def world(app_ctx, courses_dir):
    from lms.services.authoring.publishing import sync_courses

    sync_courses(courses_dir)
    course = published_course()
    found = {
        "course": course,
        "ada": person("Ada Trainee", "ada@example.org", "trainee"),
        "sam": person("Sam Supervisor", "sam@example.org", "supervisor"),
        "pat": person("Pat Supervisor", "pat@example.org", "supervisor"),
        "stella": person("Stella Staff", "stella@example.org", "staff"),
    }
    found["session"] = livekit.add_session(course)
    found["cohort"] = livekit.cohort_for(course, "Spring", found["ada"])
    return found


def plan(world, on=date(2026, 12, 1), at=time(18, 30), minutes=90, place="Room 4",
         facilitator="sam", outside_confirmed=None):  # fmt: skip
    chosen = world[facilitator] if facilitator else None
    confirmed = {"outside_confirmed": outside_confirmed} if outside_confirmed else {}
    return meetings.Plan(on, at, minutes, place, chosen.id if chosen else None, **confirmed)


def schedule(world, **changes):
    return meetings.schedule(
        changes.pop("session_id", world["session"].id),
        changes.pop("cohort_id", world["cohort"].id),
        plan(world, **changes),
        ZONE,
        world["stella"].id,
        now=NOW,
    )


def problems(world, **changes):
    with pytest.raises(meetings.MeetingError) as error:
        schedule(world, **changes)
    return error.value.problems


def test_a_meeting_is_stored_in_utc_and_pinned_to_the_current_version(world):
    meeting = schedule(world)

    assert meeting.starts_at == datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 18:30 EST
    assert meeting.version.number == 1 and meeting.minutes == 90
    [event] = audit_events("meeting.scheduled")
    assert event.actor_id == world["stella"].id
    assert event.summary == "Scheduled “Role-play: listening” for Spring"
    assert event.details["starts_at"] == "2026-12-01T23:30:00+00:00"
    livekit.add_version(world["session"], 2, "Role-play: listening again", 60, {"advocacy": 60})
    assert db.session.get(type(meeting), meeting.id).version.number == 1


def test_summer_time_is_taken_into_account_and_a_skipped_time_is_refused(world):
    july = schedule(world, on=date(2027, 7, 1), at=time(9, 0))
    assert july.starts_at == datetime(2027, 7, 1, 13, 0, tzinfo=UTC)  # EDT, 4 hours behind

    assert problems(world, on=date(2027, 3, 14), at=time(2, 30)) == {
        "at": "The clocks change at that time on that day, so it does not exist. "
        "Choose another time."
    }


def test_the_session_must_belong_to_one_of_the_cohorts_courses(world):
    from lms.services.people import cohorts

    elsewhere = cohorts.create_cohort("Autumn", date(2026, 9, 1), None, [world["course"].id])
    elsewhere.courses = []
    db.session.commit()

    assert problems(world, cohort_id=elsewhere.id) == {
        "cohort_id": "Autumn does not take Sample Course, the course this session belongs to. "
        "Choose one of its cohorts, or add the course to the cohort first."
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"minutes": 14}, "minutes", LENGTH),
        ({"minutes": "601"}, "minutes", LENGTH),
        ({"minutes": "²"}, "minutes", LENGTH),
        ({"place": "  "}, "place", "Enter the room, or the https:// link of the video call."),
        ({"place": "http://meet.example.org/x"}, "place",
         "Give the video call's secure address, starting with https://."),
        ({"facilitator": "ada"}, "facilitator_id",
         "Ada Trainee cannot facilitate: choose a staff member or a supervisor."),
        ({"facilitator": None}, "facilitator_id", "Choose who facilitates the session."),
        ({"on": date(2025, 11, 1)}, "on", "That date is more than a year ago. Check the year."),
        ({"on": date(2029, 1, 1)}, "on", "That date is more than two years ahead. Check the year."),
        ({"on": None}, "on", "Enter the date of the session, for example 2027-03-01."),
        ({"at": None}, "at", "Enter the time the session starts, for example 18:30."),
        ({"session_id": 0}, "live_session_id", "Choose one of the published live sessions."),
        ({"cohort_id": 987654}, "cohort_id", "Choose the cohort the session is for."),
    ],
)  # fmt: skip
def test_each_rule_says_what_to_fix(world, changes, field, message):
    assert problems(world, **changes) == {field: message}
    assert audit_events("meeting.scheduled") == []


@pytest.mark.parametrize(
    ("place", "link"),
    [
        ("https://meet.example.org/abc", True),
        ("  HTTPS://meet.example.org/abc?pwd=x  ", True),
        ("https://meet.example.org/abc passcode 4411", False),
        ("https://meet.example.org/abc, then room 4", False),
        ("https://", False),
        ("https:///no-host", False),
        ("Room 4", False),
        ("Room 4, or https://meet.example.org/abc", False),
        ("", False),
        (None, False),
    ],
)
def test_a_place_is_a_link_only_when_the_whole_of_it_is_one_https_address(place, link):
    assert meetings.is_place_link(place) is link


def test_a_video_address_with_a_passcode_after_it_may_be_scheduled(world):
    meeting = schedule(world, place="https://meet.example.org/abc passcode 4411")
    assert meeting.place == "https://meet.example.org/abc passcode 4411"


def test_a_retired_session_cannot_be_scheduled(world):
    world["session"].retired_at = NOW
    db.session.commit()
    assert "live_session_id" in problems(world)
    assert meetings.schedulable_sessions() == []


def test_staff_and_supervisors_may_facilitate_trainees_may_not(world):
    names = [user.name for user in meetings.eligible_facilitators()]
    assert names == ["Pat Supervisor", "Sam Supervisor", "Stella Staff"]
    assert schedule(world, place="https://meet.example.org/abc", facilitator="stella")


def test_a_change_is_audited_with_what_changed_and_a_cancellation_keeps_the_meeting(world):
    meeting = schedule(world)
    meetings.change(meeting.id, plan(world, at=time(19, 0), place="Room 5"), ZONE,
                    world["stella"].id, now=NOW)  # fmt: skip
    [event] = audit_events("meeting.changed")
    assert sorted(event.details["changed"]) == ["place", "starts_at"]
    assert event.details["changed"]["place"] == ["Room 4", "Room 5"]

    meetings.change(meeting.id, plan(world, at=time(19, 0), place="Room 5"), ZONE,
                    world["stella"].id, now=NOW)  # fmt: skip
    assert len(audit_events("meeting.changed")) == 1  # nothing changed: nothing audited

    meetings.cancel(meeting.id, world["stella"].id, now=NOW)
    meetings.cancel(meeting.id, world["stella"].id, now=NOW)
    assert len(audit_events("meeting.cancelled")) == 1
    assert meetings.meeting(meeting.id).cancelled_at is not None
    with pytest.raises(meetings.MeetingError, match="cancelled"):
        meetings.change(meeting.id, plan(world), ZONE, world["stella"].id, now=NOW)


# --- a day outside the cohort's dates --------------------------------------------------------


def set_dates(world, starts_on, ends_on=None):
    world["cohort"].starts_on, world["cohort"].ends_on = starts_on, ends_on
    db.session.commit()


BEFORE = (
    "December 1, 2026 is before Spring starts, on January 4, 2027. Check the date and its year; "
    "or, if the session is meant to come first (an orientation, say), tick “Yes, schedule it "
    "before the cohort starts”."
)


def test_a_day_before_the_cohort_starts_is_saved_only_once_confirmed(world):
    set_dates(world, date(2027, 1, 4))
    with pytest.raises(meetings.MeetingError) as error:
        schedule(world)
    assert error.value.problems == {"outside_dates": BEFORE}
    assert error.value.outside == meetings.BEFORE_START
    # A tick for the other side does not confirm this one.
    with pytest.raises(meetings.MeetingError) as error:
        schedule(world, outside_confirmed=meetings.AFTER_END)
    assert error.value.problems == {"outside_dates": BEFORE}
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    assert audit_events("meeting.scheduled") == []

    meeting = schedule(world, outside_confirmed=meetings.BEFORE_START)

    assert meeting.starts_at.astimezone(ZONE).date() == date(2026, 12, 1)
    [event] = audit_events("meeting.scheduled")
    assert event.details["outside_cohort_dates"] == "before"


def test_a_day_after_the_cohort_ends_is_saved_only_once_confirmed(world):
    set_dates(world, date(2026, 9, 1), date(2026, 11, 30))
    with pytest.raises(meetings.MeetingError) as error:
        schedule(world)
    assert error.value.problems == {
        "outside_dates": "December 1, 2026 is after Spring ends, on November 30, 2026. Check the "
        "date and its year; or, if the session is meant to come after, tick “Yes, schedule it "
        "after the cohort ends”."
    }
    assert error.value.outside == meetings.AFTER_END
    assert schedule(world, outside_confirmed=meetings.AFTER_END)


def test_the_cohorts_first_and_last_days_need_no_confirmation(world):
    set_dates(world, date(2026, 12, 1), date(2026, 12, 1))
    assert schedule(world)


def test_the_warning_comes_with_the_other_problems_and_keeps_its_box_once_ticked(world):
    set_dates(world, date(2027, 1, 4))
    assert problems(world, place="") == {
        "outside_dates": BEFORE,
        "place": "Enter the room, or the https:// link of the video call.",
    }
    with pytest.raises(meetings.MeetingError) as error:
        schedule(world, place="", outside_confirmed=meetings.BEFORE_START)
    assert list(error.value.problems) == ["place"]
    assert error.value.outside == meetings.BEFORE_START  # the form keeps the ticked box


def test_a_meeting_moved_to_a_day_before_the_cohort_starts_asks_too(world):
    meeting = schedule(world)  # December 1, 2026; the cohort started in January 2026
    set_dates(world, date(2026, 12, 5))  # now the meeting is before the start
    # The day kept (confirmed when it was chosen): changing the time or place asks nothing.
    kept = plan(world, at=time(19, 0), place="Room 5")
    meetings.change(meeting.id, kept, ZONE, world["stella"].id, now=NOW)

    earlier = plan(world, on=date(2026, 11, 24), at=time(19, 0), place="Room 5")
    with pytest.raises(meetings.MeetingError) as error:
        meetings.change(meeting.id, earlier, ZONE, world["stella"].id, now=NOW)
    assert error.value.problems == {
        "outside_dates": "November 24, 2026 is before Spring starts, on December 5, 2026. Check "
        "the date and its year; or, if the session is meant to come first (an orientation, say), "
        "tick “Yes, schedule it before the cohort starts”."
    }
    db.session.expire_all()
    assert meetings.meeting(meeting.id).starts_at.astimezone(ZONE).date() == date(2026, 12, 1)

    confirmed = replace(earlier, outside_confirmed=meetings.BEFORE_START)
    meetings.change(meeting.id, confirmed, ZONE, world["stella"].id, now=NOW)
    assert meetings.meeting(meeting.id).starts_at.astimezone(ZONE).date() == date(2026, 11, 24)
    event = audit_events("meeting.changed")[-1]
    assert event.details["outside_cohort_dates"] == "before"


def test_a_supervisor_sees_only_the_meetings_they_facilitate(world):
    mine = schedule(world)
    theirs = schedule(world, facilitator="pat")

    def listed(viewer):
        return [m.id for group in meetings.meetings_by_cohort(viewer, NOW)
                for m in group.upcoming + group.past]  # fmt: skip

    assert listed(world["sam"]) == [mine.id]
    assert sorted(listed(world["stella"])) == sorted([mine.id, theirs.id])
    assert meetings.meeting_for_facilitator(mine.id, world["sam"]).id == mine.id
    with pytest.raises(meetings.NotFound):
        meetings.meeting_for_facilitator(theirs.id, world["sam"])
    assert meetings.meeting_for_facilitator(theirs.id, world["stella"]).id == theirs.id


def test_each_sessions_next_meeting_comes_from_the_meetings_ahead_as_its_query_finds_it(world):
    """The dashboard takes each required session's next meeting from the meetings it lists
    (meetings.next_by_session) rather than asking live_requirements' query: the same answer."""
    other = livekit.add_session(world["course"], "role-play-boundaries", "Role-play: boundaries")
    unused = livekit.add_session(world["course"], "role-play-advocacy", "Role-play: advocacy")
    sam, cohort = world["sam"], world["cohort"]
    elsewhere = livekit.cohort_for(world["course"], "Autumn")
    livekit.meet(world["session"], cohort, sam, NOW - timedelta(minutes=30))  # under way
    later = livekit.meet(world["session"], cohort, sam, NOW + timedelta(days=9))
    livekit.meet(world["session"], elsewhere, sam, NOW + timedelta(days=1))  # not Ada's cohort
    soonest = livekit.meet(world["session"], cohort, sam, NOW + timedelta(days=2))
    called_off = livekit.meet(other, cohort, sam, NOW + timedelta(days=1))
    meetings.cancel(called_off.id, world["stella"].id, now=NOW)
    next_other = livekit.meet(other, cohort, sam, NOW + timedelta(days=3))
    ids = [world["session"].id, other.id, unused.id]

    ahead = meetings.ahead_for_trainee(world["ada"].id, NOW)
    found = meetings.next_by_session(ahead, NOW)

    assert found == {world["session"].id: soonest.starts_at, other.id: next_other.starts_at}
    assert found == live_requirements._soonest(world["ada"].id, ids, NOW)
    assert later.id in [m.id for m in ahead]
    assert meetings.next_by_session(meetings.ahead_for_trainee(world["pat"].id, NOW), NOW) == {}


def test_a_trainee_sees_upcoming_meetings_of_their_cohorts_only(world):
    soon = schedule(world)
    cancelled = schedule(world, on=date(2026, 12, 2))
    meetings.cancel(cancelled.id, world["stella"].id, now=NOW)
    ended = livekit.meet(world["session"], world["cohort"], world["sam"], NOW - timedelta(hours=3))
    outsider = person("Olly Outsider", "olly@example.org", "trainee")

    assert [m.id for m in meetings.ahead_for_trainee(world["ada"].id, NOW)] == [soon.id]
    assert meetings.ahead_for_trainee(outsider.id, NOW) == []
    assert ended.id not in [m.id for m in meetings.ahead_for_trainee(world["ada"].id, NOW)]
    with pytest.raises(meetings.NotFound):
        meetings.meeting_for_calendar(soon.id, outsider)
    assert meetings.meeting_for_calendar(soon.id, world["ada"]).id == soon.id
