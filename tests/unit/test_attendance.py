"""Taking attendance: one transaction for the whole meeting, each rule with its message, the
first save and each later correction in the audit log; and live sessions a certificate requires,
with the certificate issued exactly once when attendance is the last requirement met."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Attendance, Certificate, TraineeStamp
from lms.services.certification import certification, requirements
from lms.services.learning import attendance, live_requirements, meetings, training
from lms.services.people import erasure, privacy
from lms.services.roster.rows import roster_rows
from tests import livekit
from tests.requirementkit import (
    NOW,
    approve,
    audit_events,
    log,
    make_people,
    pass_quizzes,
    person,
    publish_course_with_requirements,
    published_course,
)
from tests.statements import recorded_statements


@pytest.fixture
def world(app_ctx, tmp_path):
    publish_course_with_requirements(tmp_path / "required")
    course = published_course()
    found = make_people()
    found["course"] = course
    found["session"] = livekit.add_session(course)
    found["cohort"] = livekit.cohort_for(course, "Spring", found["ada"], found["bo"])
    found["meeting"] = livekit.meet(
        found["session"], found["cohort"], found["sam"], NOW - timedelta(hours=2)
    )
    return found


def mark(user, status, minutes=None, skills=(), note=""):
    return attendance.Mark(user.id, status, minutes, tuple(skills), note)


def take(world, *marks, meeting=None, now=NOW):
    meeting = meeting or world["meeting"]
    return attendance.record(meeting.id, list(marks), world["sam"].id, now=now)


def refused(world, *marks, **kwargs):
    with pytest.raises(attendance.AttendanceError) as error:
        take(world, *marks, **kwargs)
    return error.value


def rows():
    return {row.user_id: (row.status, row.minutes, row.skills) for row in
            db.session.scalars(select(Attendance))}  # fmt: skip


def test_the_first_save_records_one_event_with_the_counts(world):
    ada, bo = world["ada"], world["bo"]
    saved = take(world, mark(ada, "present", skills=["0", "2"]), mark(bo, "partial", "45"))

    assert saved.recorded and {t.id for t in saved.changed} == {ada.id, bo.id}
    assert rows() == {ada.id: ("present", 90, [0, 2]), bo.id: ("partial", 45, [])}
    [event] = audit_events("attendance.recorded")
    assert event.summary == (
        "Attendance at “Role-play: listening” for Spring: 1 present, 1 partial, 0 absent"
    )
    assert event.details["present"] == 1 and event.actor_id == world["sam"].id
    assert audit_events("attendance.corrected") == []


def test_a_later_change_is_a_correction_audited_per_trainee(world):
    ada, bo = world["ada"], world["bo"]
    take(world, mark(ada, "present"), mark(bo, "present"))
    take(world, mark(ada, "partial", "30", skills=["1"]), mark(bo, "present"))

    [event] = audit_events("attendance.corrected")
    assert event.subject_id == ada.id
    assert event.details["before"] == {"status": "present", "minutes": 90, "skills": []}
    assert event.details["after"] == {"status": "partial", "minutes": 30, "skills": [1]}
    assert len(audit_events("attendance.recorded")) == 1


@pytest.mark.parametrize("minutes", ["", "0", "90", "-1", "²", "9" * 50, "abc"])
def test_partial_needs_minutes_from_1_to_one_less_than_the_meeting(world, minutes):
    error = refused(world, mark(world["ada"], "partial", minutes), mark(world["bo"], "present"))
    assert error.rows == {
        world["ada"].id: {
            "minutes": "Enter the minutes Ada Trainee attended, a whole number from 1 to 89 "
            "(for the whole session, choose present)."
        }
    }
    assert rows() == {}  # the good row was not saved either


def test_skills_for_someone_absent_are_refused(world):
    error = refused(world, mark(world["ada"], "absent", skills=["0"]), mark(world["bo"], "present"))
    assert error.rows[world["ada"].id] == {
        "skills": "Ada Trainee is marked absent, so cannot have demonstrated a skill: untick "
        "the skills, or mark them present or partial."
    }
    assert rows() == {}


@pytest.mark.parametrize("skills", [["3"], ["-1"], ["x"], ["²"]])
def test_only_skills_of_the_checklist_may_be_ticked(world, skills):
    error = refused(world, mark(world["ada"], "present", skills=skills))
    assert error.rows[world["ada"].id] == {
        "skills": "Tick only skills from this session's checklist."
    }


def test_a_status_is_needed_and_a_long_note_refused(world):
    error = refused(world, mark(world["ada"], None), mark(world["bo"], "present", note="x" * 1001))
    assert error.rows == {
        world["ada"].id: {"status": "Choose present, partial or absent for Ada Trainee."},
        world["bo"].id: {"note": "Shorten the note to 1,000 characters or fewer."},
    }


def test_not_before_the_meeting_starts_nor_at_a_cancelled_one(world):
    error = refused(world, mark(world["ada"], "present"), now=NOW - timedelta(hours=3))
    assert error.problems == {
        None: "This session has not started yet. Record attendance once it has started."
    }
    world["meeting"].cancelled_at = NOW
    db.session.commit()
    error = refused(world, mark(world["ada"], "present"))
    assert error.problems == {None: "This session was cancelled, so no attendance can be recorded."}
    assert rows() == {}


def require_sessions(course, sessions=("role-play-listening",), checklists=()):
    course.required_sessions = list(sessions)
    course.required_checklists = list(checklists)
    db.session.commit()


def test_partial_does_not_meet_a_required_session_present_does(world):
    course, ada = world["course"], world["ada"]
    require_sessions(course)
    assert not live_requirements.required_sessions_attended(ada.id, course.id)
    take(world, mark(ada, "partial", "80"))
    assert not live_requirements.required_sessions_attended(ada.id, course.id)
    take(world, mark(ada, "present"))
    assert live_requirements.required_sessions_attended(ada.id, course.id)
    world["meeting"].cancelled_at = NOW
    db.session.commit()
    assert not live_requirements.required_sessions_attended(ada.id, course.id)


def test_a_checklist_is_complete_from_skills_across_meetings_compared_by_text(world):
    course, ada, session = world["course"], world["ada"], world["session"]
    require_sessions(course, sessions=(), checklists=("role-play-listening",))
    take(world, mark(ada, "partial", "30", skills=["0", "1"]))  # version 1: skills 0 and 1
    # Version 2 reorders the checklist and adds a skill: matched by text, not position.
    livekit.add_version(session, 2, "Role-play: listening", 90, {"advocacy": 90},
                        skills=["Names a boundary kindly", "Asks open questions",
                                "Reflects feelings back before giving information",
                                "Summarises before moving on"])  # fmt: skip
    later = livekit.meet(session, world["cohort"], world["sam"], NOW - timedelta(hours=1))
    take(world, mark(ada, "present", skills=["0"]), meeting=later)

    items = requirements.checklist(ada.id, course)
    [skills] = [item for item in items if item.kind == "skills"]
    assert (skills.met, skills.detail) == (False, "3 of 4 skills demonstrated")
    take(world, mark(ada, "present", skills=["0", "3"]), meeting=later)
    [skills] = [item for item in requirements.checklist(ada.id, course) if item.kind == "skills"]
    assert (skills.met, skills.detail) == (True, "4 of 4 skills demonstrated")
    assert live_requirements.required_sessions_attended(ada.id, course.id)


def test_the_checklist_says_when_a_required_session_was_attended_or_is_next(world):
    course, ada = world["course"], world["ada"]
    require_sessions(course)
    upcoming = livekit.meet(world["session"], world["cohort"], world["sam"],
                            NOW + timedelta(days=3))  # fmt: skip
    found = requirements.checklists(ada.id, [course], now=NOW)[course.id]
    [item] = [i for i in found if i.kind == "session"]
    assert item.what == "Attend the live session “Role-play: listening”"
    assert (item.met, item.detail) == (False, "Not yet; next session")
    assert item.next_at == upcoming.starts_at
    take(world, mark(ada, "present"))
    [item] = [i for i in requirements.checklist(ada.id, course) if i.kind == "session"]
    assert (item.met, item.detail, item.on) == (True, "Attended on", world["meeting"].starts_at)


def test_the_next_meeting_is_not_looked_up_once_every_required_session_was_attended(world):
    course, ada = world["course"], world["ada"]
    require_sessions(course)
    upcoming = livekit.meet(world["session"], world["cohort"], world["sam"],
                            NOW + timedelta(days=3))  # fmt: skip
    checks = []
    for attended in (False, True):
        if attended:
            take(world, mark(ada, "present"))
        with recorded_statements() as statements:
            found = requirements.checklists(ada.id, [course], now=NOW)[course.id]
        [item] = [i for i in found if i.kind == "session"]
        next_meeting = [s for s in statements if "min(meeting.starts_at)" in s]
        checks.append((item.met, item.detail, item.next_at, len(next_meeting)))

    assert checks == [
        (False, "Not yet; next session", upcoming.starts_at, 1),
        (True, "Attended on", None, 0),
    ]


def test_a_required_session_counts_as_attended_on_the_first_meeting_the_trainee_was_present_at(
    world,
):
    # Attendance taken at the later meeting first, then at an earlier one: the date shown is
    # the earlier meeting's, whatever order the rows were written or are read in.
    course, ada = world["course"], world["ada"]
    require_sessions(course)
    take(world, mark(ada, "present"))
    earlier = livekit.meet(world["session"], world["cohort"], world["sam"],
                           world["meeting"].starts_at - timedelta(days=7))  # fmt: skip
    take(world, mark(ada, "present"), meeting=earlier)

    [item] = [i for i in requirements.checklist(ada.id, course) if i.kind == "session"]
    assert (item.met, item.on) == (True, earlier.starts_at)


def test_a_retired_courses_sessions_are_read_from_the_database(world):
    # Published courses' sessions come from the worker's catalog copy, which a retired course
    # has left; its trainees' standings still count what they attended.
    course, ada = world["course"], world["ada"]
    require_sessions(course, checklists=("role-play-listening",))
    take(world, mark(ada, "present", skills=["0", "1", "2"]))
    course.retired_at = NOW
    db.session.commit()

    found = requirements.checklist(ada.id, course)
    assert [(i.what, i.met) for i in found if i.kind in ("session", "skills")] == [
        ("Attend the live session “Role-play: listening”", True),
        ("Demonstrate every skill of “Role-play: listening”", True),
    ]
    assert live_requirements.required_sessions_attended(ada.id, course.id)


STEPS = ("quizzes", "ethics", "hours", "attendance")
ORDERS = [STEPS[i:] + STEPS[:i] for i in range(4)] + [("attendance", "hours", "ethics", "quizzes")]


@pytest.mark.parametrize("order", ORDERS, ids="-then-".join)
def test_exactly_one_certificate_when_the_last_requirement_is_met_in_any_order(world, order):
    course, ada, sam = world["course"], world["ada"], world["sam"]
    require_sessions(course, checklists=("role-play-listening",))
    done = {
        "quizzes": lambda: pass_quizzes(ada, course),
        "ethics": lambda: requirements.sign_ethics(ada.id, course.id, ada.name, NOW)[1],
        "hours": lambda: (approve(sam, log(ada, "2")), approve(sam, log(ada, "1"))[1])[1],
        "attendance": lambda: take(world, mark(ada, "present", skills=["0", "1", "2"])).issued,
    }
    for step in order[:-1]:
        assert not done[step](), step
        assert db.session.scalar(select(func.count(Certificate.id))) == 0
    assert done[order[-1]]()
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    [event] = audit_events("certificate.issued")
    assert event.actor_id == (sam.id if order[-1] in ("hours", "attendance") else ada.id)
    # Correcting attendance afterwards issues nothing more.
    take(world, mark(ada, "present", skills=["0", "1", "2"], note="Great work"))
    assert certification.issue_if_due(ada.id, course.id, now=NOW) is not None
    assert len(audit_events("certificate.issued")) == 1


def test_attendance_is_in_the_trainees_export_and_goes_when_they_are_erased(world):
    ada = world["ada"]
    take(world, mark(ada, "present", skills=["1"], note="Kind and clear."))
    [row] = privacy.export_for(ada.id)["live_session_attendance"]
    assert (row["session"], row["status"], row["skills"], row["note"]) == (
        "Role-play: listening", "present", ["Asks open questions"], "Kind and clear.",
    )  # fmt: skip
    admin = person("Alex Admin", "alex@example.org", "admin")
    erasure.erase_trainee(admin.id, ada.id, now=NOW)
    assert ada.id not in rows()
    [event] = audit_events("trainee.erased")
    assert event.details["removed"]["live_session_attendance"] == 1


def test_the_roster_says_which_required_session_or_skills_are_missing(world):
    course, ada, bo = world["course"], world["ada"], world["bo"]
    require_sessions(course, checklists=("role-play-listening",))
    take(
        world, mark(ada, "partial", "30", skills=["0"]), mark(bo, "present", skills=["0", "1", "2"])
    )

    rows = {row.name: row for row in roster_rows([ada.id, bo.id])}
    assert "live session role-play-listening not attended" in rows["Ada Trainee"].missing
    assert "skills of role-play-listening: 1 of 3" in rows["Ada Trainee"].missing
    assert not any("role-play" in text for text in rows["Bo Trainee"].missing)


# --- not recorded: removing a row taken by mistake -------------------------------------------


def stamp(user):
    return db.session.scalar(select(TraineeStamp.version).where(TraineeStamp.user_id == user.id))


def test_not_recorded_removes_the_row_audited_and_its_hours_and_requirements_go(world):
    course, ada, bo = world["course"], world["ada"], world["bo"]
    require_sessions(course, checklists=("role-play-listening",))
    take(world, mark(ada, "present", skills=["0"], note="Kind."), mark(bo, "partial", "45"))
    assert training.minutes_by_domain(ada.id, [course.id])[course.id]
    stamp_before = stamp(ada)

    saved = take(world, mark(ada, attendance.NOT_RECORDED, skills=["0"], note="Kind."),
                 mark(bo, "partial", "45"))  # fmt: skip

    assert [t.id for t in saved.removed] == [ada.id] and saved.changed == []
    assert rows() == {bo.id: ("partial", 45, [])}
    [event] = audit_events("attendance.removed")
    assert (event.subject_id, event.actor_id) == (ada.id, world["sam"].id)
    assert event.summary == (
        "Attendance at “Role-play: listening” for Ada Trainee removed (was present)"
    )
    assert event.details["before"] == {"status": "present", "minutes": 90, "skills": [0]}
    assert event.details["note_removed"] is True
    assert audit_events("attendance.corrected") == []
    assert stamp(ada) > stamp_before  # the trigger fires on DELETE: kept checklists are stale
    assert not training.minutes_by_domain(ada.id, [course.id]).get(course.id)
    assert not live_requirements.required_sessions_attended(ada.id, course.id)
    found = requirements.checklist(ada.id, course)
    assert [(i.kind, i.met) for i in found if i.kind in ("session", "skills")] == [
        ("session", False),
        ("skills", False),
    ]
    missing = {row.name: row.missing for row in roster_rows([ada.id, bo.id])}["Ada Trainee"]
    assert "live session role-play-listening not attended" in missing


def test_not_recorded_for_someone_without_a_row_changes_nothing(world):
    ada, bo = world["ada"], world["bo"]
    saved = take(world, mark(ada, attendance.NOT_RECORDED), mark(bo, "present"))
    assert saved.recorded and [t.id for t in saved.changed] == [bo.id] and saved.removed == []
    assert rows() == {bo.id: ("present", 90, [])}
    [event] = audit_events("attendance.recorded")
    assert (event.details["present"], event.details["absent"]) == (1, 0)

    saved = take(world, mark(ada, attendance.NOT_RECORDED), mark(bo, "present"))
    assert (saved.recorded, saved.changed, saved.removed) == (False, [], [])
    assert audit_events("attendance.removed") == [] and audit_events("attendance.corrected") == []


def test_only_not_recorded_at_a_first_save_records_nothing(world):
    saved = take(world, mark(world["ada"], attendance.NOT_RECORDED))
    assert (saved.recorded, saved.changed, saved.removed) == (False, [], [])
    assert rows() == {} and audit_events("attendance.recorded") == []


def test_once_the_attendance_that_counts_is_removed_the_meeting_may_be_moved_or_cancelled(world):
    ada, bo, meeting = world["ada"], world["bo"], world["meeting"]
    take(world, mark(ada, "present"), mark(bo, "partial", "30"))
    with pytest.raises(meetings.MeetingError):
        meetings.cancel(meeting.id, world["sam"].id, now=NOW)
    take(world, mark(ada, attendance.NOT_RECORDED), mark(bo, "absent"))
    assert not meetings.has_attendance(meeting.id)

    ahead = meetings.Plan((NOW + timedelta(days=7)).date(), time(18, 30), 90, "Room 4",
                          world["sam"].id)  # fmt: skip
    meetings.change(meeting.id, ahead, livekit.ZONE, world["sam"].id, now=NOW)
    meetings.cancel(meeting.id, world["sam"].id, now=NOW)
    assert meeting.cancelled_at == NOW


def test_a_certificate_already_issued_is_not_taken_back_by_removing_attendance(world):
    course, ada, sam = world["course"], world["ada"], world["sam"]
    require_sessions(course)
    pass_quizzes(ada, course)
    requirements.sign_ethics(ada.id, course.id, ada.name, NOW)
    approve(sam, log(ada, "2"))
    approve(sam, log(ada, "1"))
    [(_, certificate)] = take(world, mark(ada, "present")).issued

    take(world, mark(ada, attendance.NOT_RECORDED))

    assert not live_requirements.required_sessions_attended(ada.id, course.id)
    assert certification.certificate_status(certificate, NOW.date()) == "valid"
    assert certificate.revoked_at is None
    assert len(audit_events("certificate.issued")) == 1
