"""A supervisor's queue of practice sessions waiting for their review: approve or not, once."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ...services import practice
from ..access import role
from ..forms import show_problems
from .blueprint import bp
from .hours_forms import ReviewForm, review_prefix


def _queue_page(failed_id=None, failed=None):
    """The queue, each session with its form; `failed` is the form posted for session
    `failed_id`, shown again with its errors."""
    items = [
        (
            session,
            failed
            if session.id == failed_id
            else ReviewForm(formdata=None, prefix=review_prefix(session.id)),
        )
        for session in practice.pending_for_supervisor(current_user.id)
    ]
    return render_template("supervise/hours.html", items=items)


@bp.get("/hours")
@role("supervisor")
def hours():
    return _queue_page()


@bp.post("/hours/<int:session_id>")
@role("supervisor")
def review_hours(session_id):
    form = ReviewForm(prefix=review_prefix(session_id))
    if not form.validate_on_submit():
        abort(400)
    try:
        session, issued = practice.review_session(
            current_user._get_current_object(), session_id, form.decision.data, form.comment.data
        )
    except practice.NotFound:
        abort(404)
    except practice.RequirementError as error:
        if None in error.problems:
            flash(error.problems[None])
            return redirect(url_for("supervise.hours"), code=303)
        show_problems(form, error)
        return _queue_page(failed_id=session_id, failed=form)
    trainee = session.user.name
    if session.status == "approved":
        flash(f"Approved {practice.hours_words(session.minutes)} for {trainee}.")
    else:
        flash(f"Not approved. {trainee} will see your comment.")
    for certificate in issued:
        flash(f"{trainee} has met every requirement: certificate “{certificate.title}” issued.")
    return redirect(url_for("supervise.hours"), code=303)
