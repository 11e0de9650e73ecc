"""The forms staff schedule, change and cancel live sessions with. They only parse: the rules and
their messages live in services.learning.meetings."""

from wtforms import SelectField, StringField, TimeField
from wtforms.widgets import CheckboxInput

from ...services.learning.meetings import MAX_MINUTES, MAX_PLACE, MIN_MINUTES
from ..forms import Form
from ..inputs import optional_id
from .forms import DayField


class ClockField(TimeField):
    """A time typed as 18:30 (the time picker sends that); a clear message when it is not."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%H:%M", "%H:%M:%S"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not "".join(valuelist).strip():
            self.data = None  # left empty: the service says what is missing
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a time such as 18:30 (the 24-hour clock).") from None


class ConfirmBox(StringField):
    """A checkbox whose value names what it confirms (meetings.BEFORE_START or AFTER_END), so
    that a tick given for one warning does not pass for another; the template sets the value."""

    widget = CheckboxInput()


# Made before MeetingForm's fields, so that the schedule form shows them first (WTForms orders
# fields by when they were made).
_SESSION = SelectField("Live session", coerce=optional_id, validate_choice=False)
_COHORT = SelectField("Cohort", coerce=optional_id, validate_choice=False)

LENGTH_HINT = (
    f"From {MIN_MINUTES} to {MAX_MINUTES}. Leave it empty to use the length the session plans."
)


class MeetingForm(Form):
    """When, how long, where and with whom: the part of a meeting that can be changed."""

    on = DayField("Date")
    at = ClockField("Start time")
    # Shown only when the day is outside the cohort's dates; the label says which side.
    outside_dates = ConfirmBox("Confirm the date")
    minutes = StringField(
        "Length in minutes",
        description=LENGTH_HINT,
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4},
    )
    place = StringField(
        "Place",
        description="A room and its address, or the https:// link of the video call.",
        render_kw={"maxlength": MAX_PLACE, "autocomplete": "off"},
    )
    facilitator_id = SelectField("Facilitator", coerce=optional_id, validate_choice=False)


class ScheduleForm(MeetingForm):
    live_session_id = _SESSION
    cohort_id = _COHORT
