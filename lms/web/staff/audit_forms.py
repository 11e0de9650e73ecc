"""The audit log's filters: sent by GET, so a filtered page has an address and needs no token."""

from datetime import datetime

from wtforms import DateField, SelectField, StringField
from wtforms.validators import ValidationError

from ...services.audit import ACTION_LABELS
from ..forms import Form

DATE_HINT = "For example 2026-11-21 (year, month, day)."


class DayField(DateField):
    """A date typed or picked as YYYY-MM-DD, with a message a person can act on."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            self.data = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            self.data = None
            raise ValueError(f"Enter the date as year-month-day: {DATE_HINT}") from None


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    action = SelectField("What happened", default="", validate_choice=False)
    person = StringField(
        "Person (email)",
        description="The email of whoever acted, or of the person it was about.",
        filters=[lambda value: value.strip() if value else value],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    since = DayField("From", description=DATE_HINT)
    until = DayField("To (inclusive)", description=DATE_HINT)

    def __init__(self, formdata):
        super().__init__(formdata)
        # Set here rather than in the field: WTForms 3.3 warns about tuples given to the field.
        self.action.choices = [("", "Every action"), *ACTION_LABELS.items()]

    def validate_action(self, field):
        if field.data and field.data not in ACTION_LABELS:
            raise ValidationError("That action is not in the list. Choose one of those shown.")

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(
                "The “To” date is before the “From” date. Swap them, or pick again."
            )
