"""Sessions I facilitate: the meetings a supervisor facilitates (staff see every meeting), and a
meeting's page with its facilitator guide and the attendance form, made for a phone."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ...models.types import utcnow
from ...services.learning import attendance, meetings
from ..access import role
from ..filters import program_zone
from .blueprint import bp
from .meeting_forms import AttendanceForm, TraineeRowForm, row_prefix

FACILITATORS = ("supervisor", "staff", "admin")


def _meeting_or_404(meeting_id):
    try:
        return meetings.meeting_for_facilitator(meeting_id, current_user)
    except meetings.NotFound:
        abort(404)


def _row_forms(meeting, roster, posted):
    """{trainee id: TraineeRowForm}: as posted, or filled from the attendance on record. Once
    the meeting's attendance has been saved, a trainee without a row shows as not recorded
    (removed, or on the roster since), so that saving again leaves them so; before, nobody's
    choice is made for the facilitator."""
    choices = [
        SelectChoice(str(position), skill) for position, skill in enumerate(meeting.version.skills)
    ]
    taken = any(row.attendance is not None for row in roster)
    forms = {}
    for row in roster:
        prefix = row_prefix(row.trainee.id)
        if posted:
            form = TraineeRowForm(prefix=prefix)
        else:
            record = row.attendance
            data = {"status": attendance.NOT_RECORDED} if taken else {}
            if record is not None:
                data = {
                    "status": record.status,
                    "minutes": str(record.minutes) if record.status == "partial" else "",
                    "skills": [str(position) for position in record.skills or ()],
                    "note": record.note,
                }
            form = TraineeRowForm(formdata=None, prefix=prefix, data=data)
        form.skills.choices = choices
        forms[row.trainee.id] = form
    return forms


def _page(meeting, roster, form, rows, status=200):
    page = render_template(
        "supervise/meeting.html",
        meeting=meeting,
        roster=roster,
        form=form,
        rows=rows,
        started=meetings.has_started(meeting),
        ends_at=meetings.ends_at(meeting),
        zone=program_zone(),
    )
    return page, status


@bp.get("/live-sessions")
@role(*FACILITATORS)
def meetings_list():
    return render_template(
        "supervise/meetings.html",
        groups=meetings.meetings_by_cohort(current_user),
        staff_view=current_user.has_role("staff", "admin"),
        zone=program_zone(),
        now=utcnow(),
    )


@bp.get("/live-sessions/<int:meeting_id>")
@role(*FACILITATORS)
def meeting_page(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    roster = attendance.roster(meeting)
    return _page(meeting, roster, AttendanceForm(formdata=None), _row_forms(meeting, roster, False))


@bp.post("/live-sessions/<int:meeting_id>")
@role(*FACILITATORS)
def meeting_attendance(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    roster = attendance.roster(meeting)
    rows = _row_forms(meeting, roster, True)
    if not all([row.validate() for row in rows.values()]):
        return _page(meeting, roster, form, rows, 422)
    marks = [
        attendance.Mark(
            user_id,
            row.status.data,
            row.minutes.data,
            tuple(row.skills.data or ()),
            row.note.data or "",
        )  # fmt: skip
        for user_id, row in rows.items()
    ]
    try:
        saved = attendance.record(meeting.id, marks, current_user.id)
    except attendance.AttendanceError as error:
        form.form_errors.extend(message for message in error.problems.values() if message)
        for user_id, problems in error.rows.items():
            for name, message in problems.items():
                rows[user_id][name].errors = [*rows[user_id][name].errors, message]
        return _page(meeting, roster, form, rows, 422)
    if saved.recorded:
        flash(f"Attendance saved for {len(saved.changed)} of {len(roster)} trainees.")
    elif saved.changed:
        names = ", ".join(trainee.name for trainee in saved.changed)
        flash(f"Attendance corrected for {names}.")
    elif not saved.removed:
        flash("Nothing changed.")
    if saved.removed:
        names = ", ".join(trainee.name for trainee in saved.removed)
        flash(
            f"Attendance removed for {names}: this session no longer counts toward their hours "
            "or requirements. A certificate already issued stays as it is."
        )
    for trainee, certificate in saved.issued:
        flash(
            f"{trainee.name} has met every requirement: certificate “{certificate.title}” issued."
        )
    return redirect(url_for(".meeting_page", meeting_id=meeting.id), code=303)
