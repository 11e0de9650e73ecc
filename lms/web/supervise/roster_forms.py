"""The roster's filters: sent by GET, so a filtered roster has an address and needs no token."""

from wtforms import SelectChoice, SelectField, ValidationError

from ...services.roster import STATUSES
from ..forms import Form
from ..inputs import to_id


class RosterFilterForm(Form):
    class Meta:
        csrf = False

    cohort = SelectField("Cohort", validate_choice=False)
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status")]
        + [SelectChoice(key, label) for key, label in STATUSES.items()],
        validate_choice=False,
    )

    def __init__(self, formdata, cohorts):
        """`cohorts`: [(id, name)] that this viewer may filter by."""
        super().__init__(formdata)
        self.cohort.choices = [SelectChoice("", "All cohorts")] + [
            SelectChoice(str(cohort_id), name) for cohort_id, name in cohorts
        ]

    def validate_cohort(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(
                "That cohort is not in the list. Choose one of the cohorts shown."
            )

    def validate_status(self, field):
        if field.data and field.data not in STATUSES:
            raise ValidationError(
                "That status is not in the list. Choose one of the statuses shown."
            )

    def filters(self):
        """The service's keyword arguments from the fields that are valid; a field with an error
        filters nothing."""
        cohort = "" if self.cohort.errors else self.cohort.data
        status = "" if self.status.errors else self.status.data
        return {"cohort_id": to_id(cohort) if cohort else None, "status": status or None}
