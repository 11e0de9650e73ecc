"""Taking attendance at a meeting: who was present, partly there or absent, the minutes each
attended, the skills of the checklist each demonstrated, and a note.

The facilitator saves the whole meeting at once, in one transaction: a problem in one trainee's
row saves nothing. The first save is "attendance.recorded" (one event, with the counts); any later
change to a trainee's row is a correction, "attendance.corrected" for that trainee, with what it
was and what it became. "Not recorded" removes a trainee's row (someone marked by mistake, at a
session that was not theirs), "attendance.removed" with what it was. Saving may complete a
certificate (attended minutes count as training hours; a course may require the session):
certification.issue_if_due decides. Removing a row never takes back a certificate already issued.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from ...extensions import db
from ...models import ATTENDANCE_STATUSES, Attendance, Enrolment, Meeting, User
from ...models.types import utcnow
from .. import audit
from ..certification import certification
from ..errors import FieldErrors

MAX_NOTE = 1000
STATUS_WORDS = {"present": "present", "partial": "there for part of it", "absent": "absent"}
# The choice that leaves a trainee without a row at the meeting (removing the one they had).
NOT_RECORDED = "none"


class AttendanceError(FieldErrors):
    """Attendance that cannot be saved. `problems[None]`: about the meeting as a whole; `rows`:
    {trainee id: {field: message}} for the rows with problems."""

    def __init__(self, problems=None, rows=None):
        super().__init__(problems or {})
        self.rows = rows or {}


@dataclass(frozen=True)
class Mark:
    """One trainee's row as the facilitator sent it, parsed only as far as a form can."""

    user_id: int
    status: str | None
    minutes: str | int | None = None  # for partial
    skills: tuple = ()  # positions in the meeting version's checklist, as sent
    note: str = ""


@dataclass(frozen=True)
class RosterRow:
    trainee: User
    attendance: Attendance | None


@dataclass
class Saved:
    recorded: bool  # the first save for this meeting
    changed: list = field(default_factory=list)  # [User] whose rows changed
    removed: list = field(default_factory=list)  # [User] whose rows were removed
    issued: list = field(default_factory=list)  # [(User, Certificate)]


def roster(meeting):
    """The trainees of the meeting's cohort, by name, each with their attendance so far; anyone
    with attendance recorded who has since left the cohort stays on it, so it can be corrected."""
    enrolled = select(Enrolment.user_id).where(Enrolment.cohort_id == meeting.cohort_id)
    recorded = select(Attendance.user_id).where(Attendance.meeting_id == meeting.id)
    trainees = db.session.scalars(
        select(User)
        .where(or_(User.id.in_(enrolled), User.id.in_(recorded)), User.erased_at.is_(None))
        .order_by(User.name, User.id)
    ).all()
    existing = {
        row.user_id: row
        for row in db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    return [RosterRow(trainee, existing.get(trainee.id)) for trainee in trainees]


def _skill_positions(values, checklist_length):
    positions = set()
    for value in values or ():
        text = str(value)
        if not text.isascii() or not text.isdigit() or len(text) > 4:
            return None
        if int(text) >= checklist_length:
            return None
        positions.add(int(text))
    return sorted(positions)


def _check_mark(mark, trainee, meeting):
    """(status, minutes, skills, note) for the row, or {field: message}. Not recorded is
    (NOT_RECORDED, 0, [], ""): the row goes, with whatever the form still showed in it."""
    problems = {}
    name = trainee.name
    status = (mark.status or "").strip()
    if status == NOT_RECORDED:
        return status, 0, [], ""
    minutes = 0
    if status not in ATTENDANCE_STATUSES:
        problems["status"] = f"Choose present, partial or absent for {name}."
    elif status == "present":
        minutes = meeting.minutes
    elif status == "partial":
        text = str(mark.minutes if mark.minutes is not None else "").strip()
        most = meeting.minutes - 1
        if not text.isascii() or not text.isdigit() or len(text) > 4 or not 1 <= int(text) <= most:
            problems["minutes"] = (
                f"Enter the minutes {name} attended, a whole number from 1 to {most} (for the "
                "whole session, choose present)."
            )
        else:
            minutes = int(text)
    skills = _skill_positions(mark.skills, len(meeting.version.skills or ()))
    if skills is None:
        problems["skills"] = "Tick only skills from this session's checklist."
    elif skills and status == "absent":
        problems["skills"] = (
            f"{name} is marked absent, so cannot have demonstrated a skill: untick the skills, "
            "or mark them present or partial."
        )
    note = (mark.note or "").strip()
    if len(note) > MAX_NOTE:
        problems["note"] = f"Shorten the note to {MAX_NOTE:,} characters or fewer."
    if problems:
        return problems
    return status, minutes, skills, note


def _facts(row):
    if row is None:
        return None
    return {"status": row.status, "minutes": row.minutes, "skills": list(row.skills or ())}


def record(meeting_id, marks, by_id, now=None):
    """Save the attendance of the whole meeting from `marks` ([Mark], one per roster trainee; a
    trainee left out keeps what they had; one marked NOT_RECORDED loses the row they had).
    Commits; returns Saved. On AttendanceError nothing is saved."""
    now = now or utcnow()
    meeting = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).with_for_update())
    if meeting is None:
        raise LookupError(meeting_id)
    if meeting.cancelled_at is not None:
        raise AttendanceError("This session was cancelled, so no attendance can be recorded.")
    if now < meeting.starts_at:
        raise AttendanceError(
            "This session has not started yet. Record attendance once it has started."
        )
    rows = {row.trainee.id: row for row in roster(meeting)}
    checked, problems = {}, {}
    for mark in marks:
        row = rows.get(mark.user_id)
        if row is None:
            continue  # not on this meeting's roster (removed since the page was loaded)
        outcome = _check_mark(mark, row.trainee, meeting)
        if isinstance(outcome, dict):
            problems[mark.user_id] = outcome
        else:
            checked[mark.user_id] = outcome
    if problems:
        db.session.rollback()
        raise AttendanceError(rows=problems)
    first = not any(row.attendance is not None for row in rows.values())
    written = {user_id: facts for user_id, facts in checked.items() if facts[0] != NOT_RECORDED}
    saved = Saved(recorded=first and bool(written))
    for user_id in checked:
        if user_id not in written:
            _remove(rows[user_id], meeting, by_id, saved)
    for user_id, (status, minutes, skills, note) in written.items():
        row = rows[user_id]
        current = row.attendance
        before = _facts(current)
        if current is None:
            current = Attendance(
                meeting_id=meeting.id, user_id=user_id, recorded_by_id=by_id, recorded_at=now,
            )  # fmt: skip
            db.session.add(current)
        elif (current.status, current.minutes, list(current.skills or ()), current.note) == (
            status, minutes, skills, note,
        ):  # fmt: skip
            continue
        note_changed = current.note != note if before else False
        current.status, current.minutes, current.skills, current.note = (
            status, minutes, skills, note,
        )  # fmt: skip
        current.recorded_by_id, current.updated_at = by_id, now
        saved.changed.append(row.trainee)
        if not first:
            audit.record(
                "attendance.corrected",
                f"Attendance at “{meeting.version.title}” for {row.trainee.name}: "
                f"{STATUS_WORDS[status]}",
                actor_id=by_id,
                subject_id=user_id,
                meeting=meeting.id,
                before=before,
                after=_facts(current),
                note_changed=note_changed,
            )
    if saved.recorded:
        counts = {status: 0 for status in ATTENDANCE_STATUSES}
        for status, *_ in written.values():
            counts[status] += 1
        audit.record(
            "attendance.recorded",
            f"Attendance at “{meeting.version.title}” for {meeting.cohort.name}: "
            + ", ".join(f"{count} {status}" for status, count in counts.items()),
            actor_id=by_id,
            meeting=meeting.id,
            **counts,
        )
    db.session.flush()
    course_id = meeting.live_session.course_id
    for trainee in saved.changed:
        certificate = certification.issue_if_due(trainee.id, course_id, now=now, actor_id=by_id)
        if certification.newly_issued(certificate, now) is not None:
            saved.issued.append((trainee, certificate))
    db.session.commit()
    return saved


def _remove(row, meeting, by_id, saved):
    """Delete the trainee's row at the meeting, if they have one, with its audit event. The
    database's triggers move their stamp, so their checklist is made again at the next view;
    hours and the roster read the attendance itself."""
    current = row.attendance
    if current is None:
        return
    before = _facts(current)
    db.session.delete(current)
    saved.removed.append(row.trainee)
    audit.record(
        "attendance.removed",
        f"Attendance at “{meeting.version.title}” for {row.trainee.name} removed "
        f"(was {STATUS_WORDS[before['status']]})",
        actor_id=by_id,
        subject_id=row.trainee.id,
        meeting=meeting.id,
        before=before,
        note_removed=bool(current.note),
    )
