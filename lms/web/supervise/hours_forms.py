"""The form a supervisor reviews one practice session with. It only parses: the rules (a
rejection needs a comment, a session is reviewed once) live in services.practice."""

from wtforms import StringField, TextAreaField

from ...services.practice import MAX_COMMENT
from ..forms import Form


class ReviewForm(Form):
    """One per session on the page, told apart by prefix=review_prefix(session id)."""

    comment = TextAreaField(
        "Comment for the trainee",
        description="Optional when you approve. When you do not approve, say why, so the trainee "
        "can fix it.",
        render_kw={"rows": 3, "maxlength": MAX_COMMENT},
    )
    decision = StringField()  # sent by the button pressed: "approve" or "reject"


def review_prefix(session_id):
    return f"review-{session_id}"
