"""A supervisor's queue of practice sessions waiting for their review: approve or not, once, one
at a time; or approve several at once. The queue pages; each form carries the page it sits on
(paging.state) so that a review, refused or done, comes back to that page rather than the first."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ...services.logbook import practice, practice_bulk
from .. import paging
from ..access import role
from ..filters import counted
from ..forms import show_problems
from ..inputs import NOT_AN_ID, to_id
from .blueprint import bp
from .hours_forms import BULK_PREFIX, BulkApproveForm, ReviewForm, review_prefix


def _queue_page(failed_id=None, failed=None, bulk=None, ticked=()):
    """The queue, each session with its form; `failed` is the form posted for session
    `failed_id`, shown again with its errors; `bulk` the bulk approval form, with the sessions
    it had `ticked`. Shown with a form's problems, the page answers 422."""

    def fetch_page(cursor, per):
        return practice.pending_page_for_supervisor(current_user.id, cursor, per)

    page, here = paging.fetch(fetch_page, endpoint="supervise.hours"), paging.state()
    if not page.rows and ("after" in here or "before" in here):
        # Every session on the page this form came from is reviewed now: show the first page.
        page = fetch_page(None, page.per)
        here = {name: value for name, value in here.items() if name == "per"}
    items = [
        (
            session,
            failed
            if session.id == failed_id
            else ReviewForm(formdata=None, prefix=review_prefix(session.id)),
        )
        for session in page.rows
    ]
    total = practice.pending_count_for_supervisor(current_user.id)
    status = 200 if failed is None and bulk is None else 422
    return render_template(
        "supervise/hours.html",
        items=items,
        total=total,
        links=paging.links(
            page, "supervise.hours", {}, ("session", "sessions"), total, label="Review queue pages"
        ),
        here=here,
        bulk=bulk or BulkApproveForm(formdata=None, prefix=BULK_PREFIX),
        ticked=set(ticked),
    ), status


@bp.get("/hours")
@role("supervisor")
def hours():
    return _queue_page()


@bp.post("/hours/<int:session_id>")
@role("supervisor")
def review_hours(session_id):
    form = ReviewForm(prefix=review_prefix(session_id))
    if not form.validate_on_submit():  # text that cannot be stored: shown again, without it
        return _queue_page(failed_id=session_id, failed=form)
    try:
        session, issued = practice.review_session(
            current_user._get_current_object(), session_id, form.decision.data, form.comment.data
        )
    except practice.NotFound:
        abort(404)
    except practice.RequirementError as error:
        if None in error.problems:
            flash(error.problems[None])
            return _back_to_queue()
        show_problems(form, error)
        return _queue_page(failed_id=session_id, failed=form)
    trainee = session.user.name
    if session.status == "approved":
        flash(f"Approved {practice.hours_words(session.minutes)} for {trainee}.")
    else:
        flash(f"Not approved. {trainee} will see your comment.")
    for certificate in issued:
        flash(f"{trainee} has met every requirement: certificate “{certificate.title}” issued.")
    return _back_to_queue()


@bp.post("/hours/approve")
@role("supervisor")
def approve_hours():
    form = BulkApproveForm(prefix=BULK_PREFIX)
    if not form.validate_on_submit():
        return _queue_page(bulk=form)
    wanted = form.shown.data if form.action.data == "all" else form.selected.data
    try:
        ids = [to_id(value) for value in wanted or ()]
    except ValueError:
        form.form_errors.append(NOT_AN_ID)
        return _queue_page(bulk=form)
    try:
        approval = practice_bulk.approve_sessions(
            current_user._get_current_object(), ids, form.comment.data
        )
    except practice.RequirementError as error:
        show_problems(form, error)
        return _queue_page(bulk=form, ticked=ids)
    minutes = sum(session.minutes for session in approval.sessions)
    trainees = {session.user_id for session in approval.sessions}
    flash(
        f"Approved {counted(len(approval.sessions), 'session')} "
        f"({practice.hours_words(minutes)}) for {counted(len(trainees), 'trainee')}."
    )
    for trainee, certificate in approval.issued:
        flash(f"{trainee} has met every requirement: certificate “{certificate.title}” issued.")
    return _back_to_queue()


def _back_to_queue():
    """To the page of the queue the form was posted from."""
    return redirect(url_for("supervise.hours", **paging.state()), code=303)
