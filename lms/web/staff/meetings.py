"""Staff pages for live sessions: every meeting by cohort, scheduling one, changing it, and
cancelling it (after a confirmation). Times are typed and shown in the program's time zone. A day
outside the cohort's dates comes back with a box to tick that confirms it."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ...services.learning import meetings
from ...services.people import cohorts
from ..access import role
from ..filters import local_datetime, program_zone
from ..forms import show_problems
from .blueprint import bp
from .forms import ButtonForm
from .meeting_forms import MeetingForm, ScheduleForm


def _meeting_or_404(meeting_id):
    try:
        return meetings.meeting(meeting_id)
    except meetings.NotFound:
        abort(404)


def _facilitator_choices():
    return [SelectChoice("", "Choose a facilitator")] + [
        SelectChoice(str(user.id), f"{user.name} ({user.email})")
        for user in meetings.eligible_facilitators()
    ]


def _plan(form):
    return meetings.Plan(
        form.on.data, form.at.data, form.minutes.data, form.place.data or "",
        form.facilitator_id.data, form.outside_dates.data or None,
    )  # fmt: skip


def _form_page(form, meeting, has_sessions, outside=None):
    """The schedule or change form; with `outside` (the side of the cohort's dates the day
    typed is on), the box that confirms it."""
    page = render_template(
        "staff/meeting_form.html", form=form, meeting=meeting, has_sessions=has_sessions,
        zone=program_zone(), outside=outside,
        confirm_label=meetings.CONFIRM_LABELS.get(outside),
    )  # fmt: skip
    return page, 422 if form.errors or form.form_errors else 200


@bp.get("/live-sessions")
@role("staff", "admin")
def meetings_page():
    return render_template(
        "staff/meetings.html",
        groups=meetings.meetings_by_cohort(),
        zone=program_zone(),
        has_sessions=bool(meetings.schedulable_sessions()),
    )


@bp.route("/live-sessions/new", methods=["GET", "POST"])
@role("staff", "admin")
def meeting_new():
    form = ScheduleForm()
    sessions = meetings.schedulable_sessions()
    form.live_session_id.choices = [SelectChoice("", "Choose a live session")] + [
        SelectChoice(
            str(session.id), f"{version.title} ({session.course.title}, {version.minutes} minutes)"
        )
        for session, version in sessions
    ]
    form.cohort_id.choices = [SelectChoice("", "Choose a cohort")] + [
        SelectChoice(str(cohort.id), cohort.name) for cohort in cohorts.cohorts()
    ]
    form.facilitator_id.choices = _facilitator_choices()
    outside = None
    if form.validate_on_submit():
        try:
            meeting = meetings.schedule(
                form.live_session_id.data, form.cohort_id.data, _plan(form), program_zone(),
                current_user.id,
            )  # fmt: skip
        except meetings.MeetingError as error:
            show_problems(form, error)
            outside = error.outside
        else:
            flash(
                f"“{meeting.version.title}” is scheduled for {meeting.cohort.name} on "
                f"{local_datetime(meeting.starts_at)}."
            )
            return redirect(url_for(".meetings_page"), code=303)
    return _form_page(form, None, bool(sessions), outside)


@bp.route("/live-sessions/<int:meeting_id>/edit", methods=["GET", "POST"])
@role("staff", "admin")
def meeting_edit(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    if meeting.cancelled_at is not None:
        flash("This session was cancelled, so it cannot be changed.")
        return redirect(url_for(".meetings_page"), code=303)
    plan = meetings.plan_of(meeting, program_zone())
    form = MeetingForm(
        data={
            "on": plan.on,
            "at": plan.at,
            "minutes": str(plan.minutes),
            "place": plan.place,
            "facilitator_id": plan.facilitator_id,
        }  # fmt: skip
    )
    form.facilitator_id.choices = _facilitator_choices()
    outside = None
    if form.validate_on_submit():
        try:
            meetings.change(meeting.id, _plan(form), program_zone(), current_user.id)
        except meetings.MeetingError as error:
            show_problems(form, error)
            outside = error.outside
        else:
            flash(f"“{meeting.version.title}” for {meeting.cohort.name} is changed.")
            return redirect(url_for(".meetings_page"), code=303)
    return _form_page(form, meeting, True, outside)


@bp.route("/live-sessions/<int:meeting_id>/cancel", methods=["GET", "POST"])
@role("staff", "admin")
def meeting_cancel(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            meetings.cancel(meeting.id, current_user.id)
        except meetings.MeetingError:
            page = render_template(
                "staff/meeting_cancel.html", form=form, meeting=meeting, attendance_recorded=True
            )
            return page, 409
        flash(
            f"“{meeting.version.title}” for {meeting.cohort.name} on "
            f"{local_datetime(meeting.starts_at)} is cancelled. It stays on the list, marked."
        )
        return redirect(url_for(".meetings_page"), code=303)
    return render_template(
        "staff/meeting_cancel.html", form=form, meeting=meeting,
        attendance_recorded=meetings.has_attendance(meeting.id),
    )  # fmt: skip
