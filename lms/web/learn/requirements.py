"""What a certificate needs beyond quizzes, as the trainee meets it: signing the course's code of
ethics, logging practice hours (work and supervision), and the checklist on the course page and
the dashboard."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ...services.certification import kept_checklists, requirements
from ...services.learning import catalog
from ...services.logbook import practice
from ..access import signed_in
from ..filters import local_date, long_date
from ..forms import show_problems
from .blueprint import bp
from .requirement_forms import PRIVACY_REMINDER, EthicsForm, PracticeForm


@bp.app_template_filter("hours")
def hours_filter(minutes):
    """Minutes as hours the way people write them: 90 -> 1.5."""
    return practice.hours_text(minutes or 0)


@bp.app_template_filter("hours_words")
def hours_words_filter(minutes):
    """Minutes as hours with the word: 60 -> 1 hour, 90 -> 1.5 hours."""
    return practice.hours_words(minutes or 0)


# The course page and the dashboard (views.py) show the checklist through these, asked from their
# templates, so that only the pages of courses with requirements pay for the queries. The quizzes
# passed come from the page's learning.CourseProgress: its modules are the course's current ones.
def _course_checklist(course, progress=None):
    if not current_user.is_authenticated or not requirements.has_requirements(course):
        return None
    passed = None if progress is None else (progress.passed, len(progress.modules))
    return kept_checklists.checklist(current_user.id, course, passed)


def _dashboard_checklists(progress, trained=None, attended=None, next_meetings=None):
    """`trained`, `attended` and `next_meetings`: the training hours, attendance and each live
    session's next meeting the dashboard already loaded (training.progress_for,
    training.attendance, meetings.next_by_session)."""
    if not current_user.is_authenticated:
        return {}
    wanted = [p for p in progress if requirements.has_requirements(p.course)]
    return requirements.checklists(
        current_user.id,
        [p.course for p in wanted],
        trained,
        passed={p.course.id: (p.passed, len(p.modules)) for p in wanted},
        attended=attended,
        next_meetings=next_meetings,
    )


def _hours_waiting():
    if not current_user.is_authenticated or not current_user.has_role("supervisor"):
        return None
    return practice.pending_count_for_supervisor(current_user.id)


@bp.context_processor
def requirement_helpers():
    return {
        "certificate_checklist": _course_checklist,
        "dashboard_checklists": _dashboard_checklists,
        "hours_waiting_for_review": _hours_waiting,
    }


@bp.route("/courses/<course_slug>/ethics", methods=["GET", "POST"])
@signed_in
def ethics(course_slug):
    try:
        course, _ = catalog.course_by_slug(course_slug)
    except catalog.NotFound:
        abort(404)
    code = requirements.current_ethics(course)
    if code is None:
        abort(404)
    form = EthicsForm()
    if form.validate_on_submit():
        try:
            signature, certificate = requirements.sign_ethics(
                current_user.id, course.id, form.full_name.data, agreed=form.agree.data
            )
        except requirements.NotFound:
            abort(404)
        except requirements.RequirementError as error:
            show_problems(form, error)
        else:
            # The day in the program's zone, as the page after the redirect gives it.
            signed_on = local_date(signature.signed_at)
            flash(f"Thank you. You signed the code of ethics on {signed_on}.")
            if certificate is not None:
                flash(
                    f"Every requirement is met: your certificate “{certificate.title}” is ready "
                    "on My learning."
                )
            return redirect(url_for("learn.ethics", course_slug=course.slug), code=303)
    return render_template(
        "learn/ethics.html",
        course=course,
        code=code,
        status=requirements.ethics_status(current_user.id, course),
        form=form,
    )


@bp.route("/practice", methods=["GET", "POST"], endpoint="practice")
@signed_in
def practice_log():
    form = PracticeForm()
    if form.validate_on_submit():
        try:
            session = practice.log_session(
                current_user.id,
                form.session_date.data,
                form.hours.data,
                form.activity.data,
                form.notes.data,
                kind=form.kind.data,
                submission=form.submission.data,
            )
        except practice.RequirementError as error:
            show_problems(form, error)
        else:
            flash(
                f"Logged {practice.hours_words(session.minutes)} of "
                f"{practice.KIND_NAMES[session.kind].lower()} on "
                f"{long_date(session.session_date)}. It waits for your supervisor's review."
            )
            return redirect(url_for("learn.practice"), code=303)
    return render_template(
        "learn/practice.html",
        form=form,
        record=practice.practice_record(current_user.id),
        privacy_reminder=PRIVACY_REMINDER,
        kind_names=practice.KIND_NAMES,
    )
