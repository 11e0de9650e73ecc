"""Live sessions on the pages: staff schedule, change and cancel; a facilitator takes attendance
on a phone-sized form; trainees see upcoming sessions and download an .ics file. A facilitator
sees only their own meetings; a trainee never sees a facilitator guide."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lms.dates import long_date
from lms.extensions import db
from lms.models import Attendance, Cohort, Course, LiveSession, Meeting, User
from lms.services.authoring.publishing import sync_courses
from lms.services.people import cohorts
from tests import livekit
from tests.conftest import csrf_token
from tests.requirementkit import audit_events, make_people, person, published_course
from tests.web.test_error_summary import assert_error_page
from tests.web.test_requirements_pages import client_for, field_error, page
from tests.xss import assert_no_script, find_script, load_payloads

LIST = "/staff/live-sessions"
NEW = "/staff/live-sessions/new"


@pytest.fixture
def world(app, courses_dir):
    """The sample course with a live session; Ada and Bo in Spring; Sam and Pat supervise,
    Stella is staff; a meeting Sam facilitates that started an hour ago; {name: id}."""
    with app.app_context():
        sync_courses(courses_dir)
        course = published_course()
        people = make_people()
        session = livekit.add_session(course)
        cohort = livekit.cohort_for(course, "Spring", people["ada"], people["bo"])
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        started = livekit.meet(session, cohort, people["sam"], now - timedelta(hours=1))
        ids = {name: user.id for name, user in people.items()}
        ids.update(session=session.id, cohort=cohort.id, meeting=started.id, course=course.id)
        ids["outsider"] = person("Olly Outsider", "olly@example.org", "trainee").id
        return ids


def schedule_data(world, **changes):
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    data = {
        "live_session_id": str(world["session"]), "cohort_id": str(world["cohort"]),
        "on": tomorrow, "at": "18:30", "minutes": "", "place": "Room 4, 12 Main Street",
        "facilitator_id": str(world["pat"]),
    }  # fmt: skip
    return {**data, **changes}


def post(client, path, data, form_page=None):
    token = csrf_token(page(client, form_page or path))
    return client.post(path, data={"csrf_token": token, **data})


# --- scheduling -----------------------------------------------------------------------------------


def test_staff_schedule_a_session_and_it_is_listed_in_local_time(app, world):
    stella = client_for(app, world["stella"])
    html = page(stella, "/staff/")
    assert 'href="/staff/live-sessions"' in html
    html = page(stella, NEW)
    assert "Role-play: listening (Sample Course, 90 minutes)" in html
    assert "Date and time are America/New_York time." in html

    response = post(stella, NEW, schedule_data(world))
    assert response.status_code == 303
    html = page(stella, LIST)
    assert "is scheduled for Spring on" in html and "6:30 PM E" in html  # EST or EDT
    with app.app_context():
        meeting = db.session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()
        assert meeting.minutes == 90  # left empty: the session's planned length
        assert meeting.facilitator_id == world["pat"]
        assert len(audit_events("meeting.scheduled")) == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"minutes": "5"}, "minutes", "whole number from 15 to 600"),
        ({"place": ""}, "place", "Enter the room, or the https:// link"),
        ({"on": "31/12/2026"}, "on", "Enter a date such as 2027-03-01"),
        ({"at": "half six"}, "at", "Enter a time such as 18:30"),
        ({"facilitator_id": ""}, "facilitator_id", "Choose who facilitates the session."),
        ({"live_session_id": "²"}, "live_session_id", "Choose one of the published live sessions"),
    ],
)
def test_the_schedule_form_says_what_to_fix(app, world, changes, field, words):
    stella = client_for(app, world["stella"])
    response = post(stella, NEW, schedule_data(world, **changes))

    assert response.status_code == 422
    html = assert_error_page(response, {field: words})
    assert words in field_error(html, field)


def test_an_empty_length_is_not_called_wrong_when_the_session_is_not_chosen(app, world):
    # Empty means the session's planned length: with no session chosen yet, only the session is
    # wrong, and staff are not told to type a length they may leave empty.
    stella = client_for(app, world["stella"])
    response = post(stella, NEW, schedule_data(world, live_session_id="", minutes=""))

    html = assert_error_page(response, {"live_session_id": "Choose one of the published"})
    assert "Enter the length in minutes" not in html


def test_a_cohort_not_taking_the_sessions_course_is_refused(app, world):
    with app.app_context():
        other = cohorts.create_cohort(
            "Autumn", datetime(2026, 9, 1).date(), None, [world["course"]]
        )
        other.courses = []
        db.session.commit()
        other_id = other.id
    stella = client_for(app, world["stella"])
    response = post(stella, NEW, schedule_data(world, cohort_id=str(other_id)))

    html = assert_error_page(response, {"cohort_id": "Autumn does not take Sample Course"})
    assert "add the course to the cohort first" in html


def test_staff_change_and_cancel_a_meeting_after_confirming(app, world):
    stella = client_for(app, world["stella"])
    path = f"/staff/live-sessions/{world['meeting']}"
    html = page(stella, path + "/edit")
    assert 'value="Room 4"' in html
    data = {"on": "", "at": "", "minutes": "60", "place": "https://meet.example.org/room",
            "facilitator_id": str(world["sam"])}  # fmt: skip
    with app.app_context():
        local = db.session.get(Meeting, world["meeting"]).starts_at.astimezone(livekit.ZONE)
    data.update(on=local.date().isoformat(), at=local.strftime("%H:%M"))
    assert post(stella, path + "/edit", data).status_code == 303
    html = page(stella, LIST)
    assert '<a href="https://meet.example.org/room" rel="noopener noreferrer">' in html

    html = page(stella, path + "/cancel")
    assert "Cancel “Role-play: listening”?" in html
    assert post(stella, path + "/cancel", {}).status_code == 303
    html = page(stella, LIST)
    assert "Cancelled" in html and f"{path}/edit" not in html
    with app.app_context():
        assert [e.details["changed"].keys() for e in audit_events("meeting.changed")][0] == {
            "minutes", "place"}  # fmt: skip
        assert len(audit_events("meeting.cancelled")) == 1


def edit_data(app, world, **changes):
    """The change form as it comes filled in for the started meeting, with `changes`."""
    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        local = meeting.starts_at.astimezone(livekit.ZONE)
        data = {"on": local.date().isoformat(), "at": local.strftime("%H:%M"),
                "minutes": str(meeting.minutes), "place": meeting.place,
                "facilitator_id": str(meeting.facilitator_id)}  # fmt: skip
    return {**data, **changes}


def test_a_meeting_with_attendance_cannot_be_moved_to_a_time_still_to_come(app, world):
    sam, stella = client_for(app, world["sam"]), client_for(app, world["stella"])
    take(world, sam, {"ada": ("present", "", [], ""), "bo": ("absent", "", [], "")})
    path = f"/staff/live-sessions/{world['meeting']}/edit"
    next_week = (datetime.now(livekit.ZONE) + timedelta(days=7)).date().isoformat()

    response = post(stella, path, edit_data(app, world, on=next_week))

    html = assert_error_page(response, {"on": "Trainees are recorded as having attended"})
    assert "has not started yet" in field_error(html, "on")
    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        assert meeting.starts_at < datetime.now(UTC)
        assert audit_events("meeting.changed") == []
    # A past start may still be corrected, and the length and place changed.
    yesterday = (datetime.now(livekit.ZONE) - timedelta(days=1)).date().isoformat()
    response = post(stella, path, edit_data(app, world, on=yesterday, minutes="60"))
    assert response.status_code == 303
    assert "1 (present)" in page(client_for(app, world["ada"]), "/transcript")


def test_a_meeting_with_attendance_cannot_be_cancelled_and_its_hours_stay(app, world):
    sam, stella = client_for(app, world["sam"]), client_for(app, world["stella"])
    take(world, sam, {"ada": ("present", "", [], ""), "bo": ("absent", "", [], "")})
    path = f"/staff/live-sessions/{world['meeting']}/cancel"

    html = page(stella, path)
    assert "Trainees are recorded as having attended this session" in html
    assert "Cancel this session</button>" not in html
    assert meeting_path(world) in html  # where to correct the attendance instead
    response = stella.post(path, data={"csrf_token": csrf_token(page(stella, LIST))})

    assert response.status_code == 409
    assert "recorded as having attended this session" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, world["meeting"]).cancelled_at is None
        assert audit_events("meeting.cancelled") == []
    assert "1.5 (present)" in page(client_for(app, world["ada"]), "/transcript")


def test_a_meeting_where_everyone_was_marked_absent_may_still_be_moved_or_cancelled(app, world):
    # Perhaps it never took place: marked absent, nobody loses hours by a move or a cancel.
    sam, stella = client_for(app, world["sam"]), client_for(app, world["stella"])
    take(world, sam, {"ada": ("absent", "", [], ""), "bo": ("absent", "", [], "")})
    next_week = (datetime.now(livekit.ZONE) + timedelta(days=7)).date().isoformat()
    edit = f"/staff/live-sessions/{world['meeting']}/edit"
    assert post(stella, edit, edit_data(app, world, on=next_week)).status_code == 303
    cancel = f"/staff/live-sessions/{world['meeting']}/cancel"
    assert "Cancel this session</button>" in page(stella, cancel)
    response = stella.post(cancel, data={"csrf_token": csrf_token(page(stella, LIST))})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Meeting, world["meeting"]).cancelled_at is not None


def set_cohort_dates(app, world, starts_on, ends_on=None):
    with app.app_context():
        cohort = db.session.get(Cohort, world["cohort"])
        cohort.starts_on, cohort.ends_on = starts_on, ends_on
        db.session.commit()


def test_a_day_before_the_cohort_starts_is_scheduled_only_once_staff_confirm_it(app, world):
    today = datetime.now(livekit.ZONE).date()
    starts_on = today + timedelta(days=10)
    set_cohort_dates(app, world, starts_on)
    stella = client_for(app, world["stella"])
    data = schedule_data(world, place="Room 9, Orientation")
    on = date.fromisoformat(data["on"])

    response = post(stella, NEW, data)

    expected = (
        f"{long_date(on)} is before Spring starts, on {long_date(starts_on)}. Check the date and "
        "its year; or, if the session is meant to come first (an orientation, say), tick “Yes, "
        "schedule it before the cohort starts”."
    )
    html = assert_error_page(response, {"outside_dates": expected})
    assert field_error(html, "outside_dates") == f"Error: {expected}"
    assert re.search(r'<input aria-describedby="outside_dates-error" aria-invalid="true" '
                     r'id="outside_dates" name="outside_dates" type="checkbox" value="before">',
                     html)  # fmt: skip
    assert '<label for="outside_dates">Yes, schedule it before the cohort starts</label>' in html
    # What was typed is kept, and nothing was saved.
    assert f'value="{data["on"]}"' in html and 'value="Room 9, Orientation"' in html
    assert re.search(rf'<option selected value="{world["session"]}">', html)
    with app.app_context():
        assert audit_events("meeting.scheduled") == []

    confirmed = post(stella, NEW, {**data, "outside_dates": "before"})

    assert confirmed.status_code == 303
    assert "is scheduled for Spring on" in page(stella, LIST)
    with app.app_context():
        [event] = audit_events("meeting.scheduled")
        assert event.details["outside_cohort_dates"] == "before"


@pytest.mark.parametrize(
    "ticked", ["a\x00b", "x" * 100_000, "before\x00", "<script>alert(1)</script>", "BEFORE", ""]
)
def test_a_confirmation_box_sent_with_anything_but_its_side_confirms_nothing(app, world, ticked):
    """The box is outside the hostile-input walk (it appears only after a warning): whatever a
    client sends in it other than the side warned of saves nothing, answers the warning again,
    and is never shown back (the box's value is the side, set by the page)."""
    set_cohort_dates(app, world, datetime.now(livekit.ZONE).date() + timedelta(days=10))
    stella = client_for(app, world["stella"])

    response = post(stella, NEW, {**schedule_data(world), "outside_dates": ticked})

    # The warning again; or, for what no form can hold (NUL, 100,000 characters), the input
    # layer's own refusal, which says to send the form again.
    refusal = "is before Spring starts" if ticked.isprintable() and len(ticked) < 1000 else "."
    html = assert_error_page(response, {"outside_dates": refusal})
    if refusal != ".":
        assert 'name="outside_dates" type="checkbox" value="before">' in html
    if ticked:
        assert ticked not in html
    with app.app_context():
        assert audit_events("meeting.scheduled") == []


def test_a_meeting_moved_past_the_cohorts_end_is_changed_only_once_confirmed(app, world):
    today = datetime.now(livekit.ZONE).date()
    set_cohort_dates(app, world, date(2026, 1, 1), today)
    stella = client_for(app, world["stella"])
    path = f"/staff/live-sessions/{world['meeting']}/edit"
    later = today + timedelta(days=3)
    data = edit_data(app, world, on=later.isoformat(), place="Room 7")

    response = post(stella, path, data)

    html = assert_error_page(response, {
        "outside_dates": f"{long_date(later)} is after Spring ends, on {long_date(today)}."
    })  # fmt: skip
    assert '<label for="outside_dates">Yes, schedule it after the cohort ends</label>' in html
    assert 'value="Room 7"' in html
    # The box ticked for the other side (a page kept from an earlier warning) confirms nothing.
    response = post(stella, path, {**data, "outside_dates": "before"})
    assert_error_page(response, {"outside_dates": "is after Spring ends"})
    with app.app_context():
        assert audit_events("meeting.changed") == []

    assert post(stella, path, {**data, "outside_dates": "after"}).status_code == 303
    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        assert meeting.starts_at.astimezone(livekit.ZONE).date() == later
        assert meeting.place == "Room 7"


def test_an_http_link_is_refused_and_a_room_is_not_a_link(app, world):
    stella = client_for(app, world["stella"])
    response = post(stella, NEW, schedule_data(world, place="http://meet.example.org/x"))
    assert_error_page(response, {"place": "starting with https://"})
    html = page(stella, LIST)
    assert '<dd class="live-place">Room 4</dd>' in html


# --- attendance -----------------------------------------------------------------------------------


def meeting_path(world, meeting=None):
    return f"/supervise/live-sessions/{meeting or world['meeting']}"


def attendance_data(world, client, rows):
    html = page(client, meeting_path(world))
    data = [("csrf_token", csrf_token(html))]
    for name, (status, minutes, skills, note) in rows.items():
        prefix = f"t{world[name]}"
        if status:
            data.append((f"{prefix}-status", status))
        data += [(f"{prefix}-minutes", minutes), (f"{prefix}-note", note)]
        data += [(f"{prefix}-skills", str(skill)) for skill in skills]
    return MultiDict(data)


def take(world, client, rows):
    return client.post(meeting_path(world), data=attendance_data(world, client, rows))


def saved(app):
    with app.app_context():
        return {row.user_id: (row.status, row.minutes, row.skills, row.note)
                for row in db.session.scalars(select(Attendance))}  # fmt: skip


def test_the_facilitator_takes_attendance_on_one_form(app, world):
    sam = client_for(app, world["sam"])
    html = page(sam, "/supervise/live-sessions")
    assert meeting_path(world) in html
    html = page(sam, meeting_path(world))
    assert "FACILITATOR-GUIDE-SECRET" in html
    assert '<legend class="live-name">Ada Trainee</legend>' in html
    assert f'id="t{world["ada"]}-status-0"' in html and 'value="partial"' in html
    assert "Reflects feelings back before giving information" in html

    response = take(world, sam, {
        "ada": ("present", "", [0, 2], "Warm and steady."),
        "bo": ("partial", "45", [1], ""),
    })  # fmt: skip
    assert response.status_code == 303
    assert "Attendance saved for 2 of 2 trainees." in page(sam, meeting_path(world))
    assert saved(app) == {
        world["ada"]: ("present", 90, [0, 2], "Warm and steady."),
        world["bo"]: ("partial", 45, [1], ""),
    }
    html = page(sam, meeting_path(world))
    ada = world["ada"]
    assert f'<input checked id="t{ada}-status-0" name="t{ada}-status" type="radio"' in html
    assert f'<input checked id="t{ada}-skills-2" name="t{ada}-skills" type="checkbox"' in html


@pytest.mark.parametrize("minutes", ["", "0", "90", "²", "9" * 40])
def test_partial_minutes_are_checked_and_nothing_is_saved(app, world, minutes):
    sam = client_for(app, world["sam"])
    response = take(
        world, sam, {"ada": ("partial", minutes, [], ""), "bo": ("present", "", [], "")}
    )

    assert response.status_code == 422
    target = f"t{world['ada']}-minutes"
    html = assert_error_page(response, {target: "Enter the minutes Ada Trainee attended"})
    assert "from 1 to 89" in field_error(html, target)
    assert saved(app) == {}


def test_skills_for_someone_absent_are_refused_at_their_row(app, world):
    sam = client_for(app, world["sam"])
    response = take(world, sam, {"ada": ("absent", "", [0], ""), "bo": ("present", "", [], "")})

    target = f"t{world['ada']}-skills"
    html = assert_error_page(response, {f"{target}-0": "Ada Trainee is marked absent"})
    assert "untick the skills" in field_error(html, target)
    assert saved(app) == {}


def test_a_correction_is_audited_per_changed_trainee(app, world):
    sam = client_for(app, world["sam"])
    take(world, sam, {"ada": ("present", "", [], ""), "bo": ("present", "", [], "")})
    response = take(world, sam, {"ada": ("partial", "30", [], ""), "bo": ("present", "", [], "")})

    assert response.status_code == 303
    assert "Attendance corrected for Ada Trainee." in page(sam, meeting_path(world))
    with app.app_context():
        [event] = audit_events("attendance.corrected")
        assert event.subject_id == world["ada"]
        assert event.details["before"]["status"] == "present"
        assert event.details["after"] == {"status": "partial", "minutes": 30, "skills": []}
        assert len(audit_events("attendance.recorded")) == 1


def require_the_session(app, world):
    with app.app_context():
        course = db.session.get(Course, world["course"])
        course.required_sessions = ["role-play-listening"]
        db.session.commit()


def radio(html, world, name, value):
    """The status radio of `name`'s row with that value, as rendered."""
    user = world[name]
    found = re.search(rf'<input[^>]*name="t{user}-status"[^>]*value="{value}"[^>]*>', html)
    return found.group(0) if found else None


def test_not_recorded_removes_attendance_taken_by_mistake_and_it_counts_no_more(app, world):
    require_the_session(app, world)
    sam, ada = client_for(app, world["sam"]), client_for(app, world["ada"])
    take(world, sam, {"ada": ("present", "", [0], "Warm."), "bo": ("present", "", [], "")})
    assert "1.5 (present)" in page(ada, "/transcript")
    assert re.search(r"Attended on \w+ \d{1,2}, 20\d\d", page(ada, "/courses/sample-course/"))
    html = page(sam, meeting_path(world))
    assert "Choose “Not recorded” for someone who was marked by mistake" in html
    assert "checked" not in radio(html, world, "ada", "none")

    response = take(world, sam, {"ada": ("none", "", [0], "Warm."), "bo": ("present", "", [], "")})

    assert response.status_code == 303
    html = page(sam, meeting_path(world))
    assert (
        "Attendance removed for Ada Trainee: this session no longer counts toward their hours or "
        "requirements. A certificate already issued stays as it is."
    ) in html
    assert "Attendance corrected" not in html and "Nothing changed." not in html
    assert "checked" in radio(html, world, "ada", "none")  # shown as it is now: not recorded
    assert saved(app) == {world["bo"]: ("present", 90, [], "")}
    with app.app_context():
        [event] = audit_events("attendance.removed")
        assert (event.subject_id, event.actor_id) == (world["ada"], world["sam"])
        assert event.details["before"] == {"status": "present", "minutes": 90, "skills": [0]}
    # At the next view: no hours from it, the required session to attend again (the course
    # page's kept checklist is made again), and the roster says what is missing.
    assert "Role-play: listening" not in page(ada, "/transcript")
    course_page = page(ada, "/courses/sample-course/")
    assert "Attended on" not in course_page and "Not yet" in course_page
    record = page(sam, f"/supervise/trainees/{world['ada']}")
    assert "live session role-play-listening not attended" in record

    # Saving the form again as it comes leaves Ada not recorded: nobody is asked to mark her.
    response = take(world, sam, {"ada": ("none", "", [], ""), "bo": ("partial", "60", [], "")})
    assert response.status_code == 303
    assert "Attendance corrected for Bo Trainee." in page(sam, meeting_path(world))
    assert saved(app) == {world["bo"]: ("partial", 60, [], "")}


def test_once_nobody_is_recorded_as_attending_the_meeting_may_be_cancelled(app, world):
    sam, stella = client_for(app, world["sam"]), client_for(app, world["stella"])
    take(world, sam, {"ada": ("present", "", [], ""), "bo": ("partial", "30", [], "")})
    cancel = f"/staff/live-sessions/{world['meeting']}/cancel"
    assert "Cancel this session</button>" not in page(stella, cancel)

    take(world, sam, {"ada": ("none", "", [], ""), "bo": ("none", "30", [], "")})

    assert saved(app) == {}
    html = page(stella, cancel)
    assert "recorded as having attended" not in html and "Cancel this session</button>" in html
    response = stella.post(cancel, data={"csrf_token": csrf_token(html)})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Meeting, world["meeting"]).cancelled_at is not None
        assert len(audit_events("attendance.removed")) == 2


def test_someone_marked_at_another_cohorts_session_leaves_its_roster_when_removed(app, world):
    with app.app_context():
        db.session.add(Attendance(meeting_id=world["meeting"], user_id=world["outsider"],
                                  status="present", minutes=90, skills=[]))  # fmt: skip
        db.session.commit()
    sam = client_for(app, world["sam"])
    assert "Olly Outsider" in page(sam, meeting_path(world))

    rows = {"ada": ("present", "", [], ""), "bo": ("absent", "", [], ""),
            "outsider": ("none", "", [], "")}  # fmt: skip
    assert take(world, sam, rows).status_code == 303

    html = page(sam, meeting_path(world))
    assert "Attendance removed for Olly Outsider" in html
    assert '<legend class="live-name">Olly Outsider</legend>' not in html
    assert world["outsider"] not in saved(app)


def test_a_meeting_not_started_yet_says_when_attendance_opens(app, world):
    later_id = upcoming(app, world)
    sam = client_for(app, world["sam"])
    html = page(sam, meeting_path(world, later_id))
    assert "You can take attendance once the session has started" in html
    data = attendance_data(world, sam, {"ada": ("present", "", [], "")})
    response = sam.post(meeting_path(world, later_id), data=data)
    assert response.status_code == 422
    assert "This session has not started yet." in response.get_data(as_text=True)


def test_a_supervisor_cannot_see_or_post_to_another_facilitators_meeting(app, world):
    pat = client_for(app, world["pat"])
    assert world["meeting"] not in [
        int(n)
        for n in re.findall(
            r"/supervise/live-sessions/(\d+)", page(pat, "/supervise/live-sessions")
        )
    ]
    assert pat.get(meeting_path(world)).status_code == 404
    sam = client_for(app, world["sam"])
    data = attendance_data(world, sam, {"ada": ("present", "", [], "")})
    data["csrf_token"] = csrf_token(page(pat, "/supervise/live-sessions"))
    assert pat.post(meeting_path(world), data=data).status_code == 404
    assert saved(app) == {}
    # Staff see and run every meeting.
    stella = client_for(app, world["stella"])
    assert "FACILITATOR-GUIDE-SECRET" in page(stella, meeting_path(world))


# --- the trainee's side ---------------------------------------------------------------------------


def upcoming(app, world, **kwargs):
    with app.app_context():
        meeting = livekit.meet(
            db.session.get(LiveSession, world["session"]),
            db.session.get(Cohort, world["cohort"]),
            db.session.get(User, world["sam"]),
            datetime.now(UTC) + timedelta(days=3),
            **kwargs,
        )
        return meeting.id


def test_a_place_with_words_after_its_address_is_shown_as_text_not_a_link(app, world):
    upcoming(app, world, place="https://meet.example.org/abc passcode 4411")
    html = page(client_for(app, world["ada"]), "/dashboard")

    assert '<dd class="live-place">https://meet.example.org/abc passcode 4411</dd>' in html
    assert 'href="https://meet.example.org/abc' not in html


def test_the_dashboard_lists_upcoming_sessions_without_the_guide(app, world):
    meeting_id = upcoming(app, world, place="https://meet.example.org/abc")
    ada = client_for(app, world["ada"])
    html = page(ada, "/dashboard")

    assert "Upcoming live sessions" in html
    assert "Role-play: listening" in html and "Practise reflective listening" in html
    assert '<a href="https://meet.example.org/abc" rel="noopener noreferrer">' in html
    assert "Sam Supervisor" in html and "90 minutes" in html
    assert f'href="/live-sessions/{meeting_id}/calendar.ics"' in html
    assert "FACILITATOR-GUIDE-SECRET" not in html
    outsider = client_for(app, world["outsider"])
    assert "Upcoming live sessions" not in page(outsider, "/dashboard")


def test_a_trainee_gets_no_meeting_page_of_any_kind(app, world):
    ada = client_for(app, world["ada"])
    paths = [meeting_path(world), "/supervise/live-sessions", LIST, NEW,
             f"{LIST}/{world['meeting']}/edit", f"{LIST}/{world['meeting']}/cancel"]  # fmt: skip
    for path in paths:
        response = ada.get(path)
        assert response.status_code in (403, 404), path
        assert b"FACILITATOR-GUIDE-SECRET" not in response.data
    response = ada.get(f"/live-sessions/{world['meeting']}/calendar.ics")
    assert b"FACILITATOR-GUIDE-SECRET" not in response.data


def test_the_calendar_file_is_for_the_cohort_facilitator_and_staff_only(app, world):
    meeting_id = upcoming(app, world)
    path = f"/live-sessions/{meeting_id}/calendar.ics"
    for name in ("ada", "sam", "stella"):
        response = client_for(app, world[name]).get(path)
        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="live-session-{meeting_id}.ics"'
        )
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert f"UID:meeting-{meeting_id}@localhost\r\n" in text
    assert "SUMMARY:Role-play: listening\r\n" in text and "LOCATION:Room 4\r\n" in text
    assert re.search(r"DTSTART:\d{8}T\d{6}Z\r\n", text)
    for name in ("outsider", "pat"):
        assert client_for(app, world[name]).get(path).status_code == 404, name


def test_names_and_places_are_escaped(app, world):
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    meeting_id = upcoming(app, world, place=payload)
    for name, path in (
        ("ada", "/dashboard"),
        ("stella", LIST),
        ("sam", meeting_path(world, meeting_id)),
    ):
        html = page(client_for(app, world[name]), path)
        assert "<script>alert(1)" not in html
        assert_no_script(html, path, page=True, allow_tags=("form", "input", "button", "textarea"))


def test_the_course_page_lists_required_sessions_and_checklists(app, world):
    with app.app_context():
        course = db.session.get(Course, world["course"])
        course.required_sessions = ["role-play-listening"]
        course.required_checklists = ["role-play-listening"]
        db.session.commit()
    next_id = upcoming(app, world)
    ada = client_for(app, world["ada"])
    html = page(ada, "/courses/sample-course/")
    assert "Attend the live session “Role-play: listening”" in html
    assert "Not yet; next session" in html
    assert "Demonstrate every skill of “Role-play: listening”" in html
    assert "0 of 3 skills demonstrated" in html
    assert next_id

    sam = client_for(app, world["sam"])
    take(world, sam, {"ada": ("present", "", [0, 1], ""), "bo": ("absent", "", [], "")})
    html = page(ada, "/courses/sample-course/")
    assert re.search(r"Attended on \w+ \d{1,2}, 20\d\d", html)
    assert "2 of 3 skills demonstrated" in html


def test_xss_payloads_in_every_live_session_text_never_reach_a_page_as_script(app, world):
    payloads = [p for p in load_payloads("xss_payloads_quick.txt") if "\x00" not in p][:40]
    with app.app_context():
        course = db.session.get(Course, world["course"])
        session = livekit.add_session(
            course, slug="xss", title=payloads[0][:200], objectives=payloads[1:8],
            skills=payloads[8:12],
        )  # fmt: skip
        cohort = db.session.get(Cohort, world["cohort"])
        sam = db.session.get(User, world["sam"])
        sam.name = payloads[12][:200]
        db.session.get(User, world["ada"]).name = payloads[13][:200]
        db.session.commit()
        started = livekit.meet(session, cohort, sam, datetime.now(UTC) - timedelta(minutes=5))
        for payload in payloads[14:]:
            livekit.meet(session, cohort, sam, datetime.now(UTC) + timedelta(days=1),
                         place=payload[:500])  # fmt: skip
        started_id = started.id
    sam_client = client_for(app, world["sam"])
    html = page(sam_client, meeting_path(world, started_id))
    data = attendance_data(world, sam_client, {
        "ada": ("present", "", [0, 1], payloads[-1]), "bo": ("absent", "", [], payloads[-2]),
    })  # fmt: skip
    assert sam_client.post(meeting_path(world, started_id), data=data).status_code == 303
    pages = [
        (world["ada"], "/dashboard"),
        (world["ada"], "/courses/sample-course/"),
        (world["stella"], LIST),
        (world["sam"], "/supervise/live-sessions"),
        (world["sam"], meeting_path(world, started_id)),
        (world["stella"], f"{LIST}/{started_id}/cancel"),
        (world["stella"], f"{LIST}/{started_id}/edit"),
    ]
    own_markup = ("form", "input", "button", "textarea", "select")
    for user_id, path in pages:
        html = page(client_for(app, user_id), path)
        assert find_script(html, page=True, allow_tags=own_markup) == [], path
