"""The forms of the continuing-education ledger: logging training taken elsewhere, withdrawing an
entry, and staff reviewing one. They only parse: the rules and their messages live in
services.logbook.ce and services.logbook.evidence."""

from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput

from ...services.logbook import ce
from ...services.logbook.evidence import TYPES_TEXT
from ..forms import Form, SubmissionToken


class LogCEForm(Form):
    title = StringField(
        "Title of the training",
        description="As it appears on your certificate of attendance.",
        render_kw={"maxlength": ce.MAX_TITLE, "autocomplete": "off"},
    )
    provider = StringField(
        "Provider or presenter",
        description="The organization that ran it, or the person who presented it.",
        render_kw={"maxlength": ce.MAX_PROVIDER, "autocomplete": "off"},
    )
    completed_on = StringField(
        "Date completed", description="For example 2026-11-21.", widget=DateInput()
    )
    hours = StringField(
        "Contact hours",
        description="In quarter hours: for example 1, 1.25, 1.5 or 1.75 (at most 40).",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    category = SelectField("Category", validate_choice=False)
    evidence = FileField(
        "Evidence",
        description=f"Required: your certificate or letter of attendance, as {TYPES_TEXT}, up "
        "to 10 MB. Staff check it before the hours count.",
        render_kw={
            "accept": ".pdf,.png,.jpg,.jpeg,.webp,application/pdf,image/png,image/jpeg,image/webp"
        },  # fmt: skip
    )
    submission = SubmissionToken()

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", "Choose one")] + [
            SelectChoice(name, ce.category_label(name)) for name in categories
        ]


class ReviewCEForm(Form):
    """One per entry on the review page, told apart by prefix=review_prefix(entry id)."""

    comment = TextAreaField(
        "Comment for the person",
        description="Optional when you approve. When you do not approve, say why, so they can "
        "fix it and log it again.",
        render_kw={"rows": 3, "maxlength": ce.MAX_COMMENT},
    )
    decision = StringField()  # sent by the button pressed: "approve" or "reject"


def review_prefix(entry_id):
    return f"ce-{entry_id}"


class WithdrawForm(Form):
    """No fields: the withdraw button still carries the CSRF token."""
