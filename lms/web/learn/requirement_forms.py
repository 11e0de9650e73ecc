"""Forms for signing a code of ethics and logging practice. They only parse: the rules (and their
messages) live in services.certification.requirements and services.logbook.practice."""

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput

from ...services.logbook.practice import ACTIVITIES, KIND_NAMES, MAX_NOTES
from ..forms import Form, SubmissionToken

PRIVACY_REMINDER = (
    "Never write anything that could identify a person you support: no names, initials, places "
    "or dates of birth."
)


class EthicsForm(Form):
    # In the order the page shows them, which is the order of the error summary.
    agree = BooleanField("I have read this code of ethics and agree to follow it")
    full_name = StringField(
        "Type your full name to sign",
        description="As it appears on your account.",
        render_kw={"autocomplete": "name"},
    )


class PracticeForm(Form):
    kind = RadioField(
        "What kind of hours are these?",
        description="Work: paid or volunteer peer-support work. Supervision: time spent in "
        "supervision with your supervisor.",
        choices=[SelectChoice(kind, name) for kind, name in KIND_NAMES.items()],
        default="work",
        validate_choice=False,
    )
    session_date = StringField(
        "Date of the session", description="For example 2026-11-21.", widget=DateInput()
    )
    hours = StringField(
        "Hours",
        description="In quarter hours: for example 1, 1.25, 1.5 or 1.75 (at most 12).",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    activity = SelectField(
        "Kind of activity",
        choices=[SelectChoice("", "Choose one")] + [SelectChoice(name) for name in ACTIVITIES],
        validate_choice=False,
    )
    notes = TextAreaField(
        "Notes (optional)",
        description=f"What you did and what you learned, in a few lines (up to {MAX_NOTES} "
        "characters).",
        render_kw={"rows": 5, "maxlength": MAX_NOTES},
    )
    submission = SubmissionToken()
