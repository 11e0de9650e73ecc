"""Staff review continuing education people logged from elsewhere: approve it or not, once, with
a comment (required when not approving); each review is audited."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ...services.logbook import ce
from ..access import role
from ..forms import show_problems
from ..learn.ce_forms import ReviewCEForm, review_prefix
from .blueprint import bp


def _review_page(failed_id=None, failed=None, status=200):
    items = [
        (
            entry,
            failed
            if entry.id == failed_id
            else ReviewCEForm(formdata=None, prefix=review_prefix(entry.id)),
        )
        for entry in ce.pending_for_review()
    ]
    return render_template("ce/review.html", items=items), status


@bp.get("/ce")
@role("staff", "admin")
def ce_review():
    return _review_page()


@bp.post("/ce/<int:entry_id>")
@role("staff", "admin")
def ce_decide(entry_id):
    form = ReviewCEForm(prefix=review_prefix(entry_id))
    if not form.validate_on_submit():
        return _review_page(entry_id, form, 422)
    try:
        entry = ce.review(
            current_user._get_current_object(), entry_id, form.decision.data, form.comment.data
        )
    except ce.NotFound:
        abort(404)
    except ce.CEError as error:
        if None in error.problems:
            flash(error.problems[None])
            return redirect(url_for("staff.ce_review"), code=303)
        show_problems(form, error)
        return _review_page(entry_id, form, 422)
    if entry.status == "approved":
        flash(f"Approved {ce.hours_text(entry.minutes)} CE hours for {entry.user.name}.")
    else:
        flash(f"Not approved. {entry.user.name} will see your comment.")
    return redirect(url_for("staff.ce_review"), code=303)
