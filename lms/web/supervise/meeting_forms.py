"""The attendance form: one small form per trainee (told apart by prefix), sent together under
one CSRF token. They only parse: the rules live in services.learning.attendance."""

from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from ...services.learning.attendance import MAX_NOTE, NOT_RECORDED
from ..forms import Form

STATUS_CHOICES = [
    SelectChoice("present", "Present"),
    SelectChoice("partial", "Partial"),
    SelectChoice("absent", "Absent"),
    SelectChoice(NOT_RECORDED, "Not recorded"),
]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AttendanceForm(Form):
    """Carries the CSRF token of the whole page and errors about the meeting as a whole."""


class TraineeRowForm(Form):
    class Meta:
        csrf = False  # the page's AttendanceForm carries the token

    status = RadioField("Attendance", choices=STATUS_CHOICES, validate_choice=False)
    minutes = StringField(
        "Minutes attended, if partial",
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4},
    )
    skills = CheckboxesField("Skills demonstrated", validate_choice=False)
    note = TextAreaField("Note (optional)", render_kw={"rows": 2, "maxlength": MAX_NOTE})


def row_prefix(user_id):
    return f"t{user_id}"
