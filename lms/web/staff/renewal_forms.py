"""The renewals page's filters: sent by GET, so a filtered list has an address and needs no
token."""

from wtforms import SelectChoice, SelectField, ValidationError

from ...services.certification.renewal_report import VIEWS
from ..forms import Form
from ..inputs import to_id


class RenewalsFilterForm(Form):
    class Meta:
        csrf = False

    view = SelectField(
        "Show",
        choices=[SelectChoice(key, label) for key, label in VIEWS.items()],
        validate_choice=False,
    )
    cohort = SelectField("Cohort", validate_choice=False)

    def __init__(self, formdata, cohorts):
        """`cohorts`: [(id, name)] to filter by."""
        super().__init__(formdata)
        self.cohort.choices = [SelectChoice("", "All cohorts")] + [
            SelectChoice(str(cohort_id), name) for cohort_id, name in cohorts
        ]

    def validate_view(self, field):
        if field.data and field.data not in VIEWS:
            raise ValidationError("That list is not one of the choices. Choose one shown.")

    def validate_cohort(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(
                "That cohort is not in the list. Choose one of the cohorts shown."
            )

    def filters(self):
        """The service's keyword arguments from the fields that are valid; a field with an error
        filters nothing."""
        view = "due" if self.view.errors or not self.view.data else self.view.data
        cohort = "" if self.cohort.errors else self.cohort.data
        return {"view": view, "cohort_id": to_id(cohort) if cohort else None}
