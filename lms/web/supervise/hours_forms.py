"""The forms a supervisor reviews practice sessions with: one session at a time, or several
approved at once. They only parse: the rules (a rejection needs a comment, a session is reviewed
once, only one's own trainees) live in services.logbook.practice and
services.logbook.practice_bulk."""

from wtforms import SelectMultipleField, StringField, TextAreaField

from ...services.logbook.practice import MAX_COMMENT
from ..forms import Form


class ReviewForm(Form):
    """One per session on the page, told apart by prefix=review_prefix(session id)."""

    comment = TextAreaField(
        "Comment for the trainee",
        description="Optional when you approve. When you do not approve, say why, so the trainee "
        "can fix it and log it again.",
        render_kw={"rows": 3, "maxlength": MAX_COMMENT},
    )
    decision = StringField()  # sent by the button pressed: "approve" or "reject"


def review_prefix(session_id):
    return f"review-{session_id}"


class BulkApproveForm(Form):
    """Approve several sessions at once. The ticked boxes sit beside each session on the page and
    belong to this form by their `form` attribute; `shown` lists every session the page showed,
    so that "Approve all shown" approves exactly those, never one logged since."""

    comment = TextAreaField(
        "Comment for the trainees (optional)",
        description="Each trainee sees it beside every session approved here.",
        render_kw={"rows": 2, "maxlength": MAX_COMMENT},
    )
    selected = SelectMultipleField(validate_choice=False)
    shown = SelectMultipleField(validate_choice=False)
    action = StringField()  # the button pressed: "selected" or "all"


BULK_PREFIX = "bulk"
