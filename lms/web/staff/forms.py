"""Forms for the staff pages. They only parse: the rules and their messages live in the services.

Other areas may add their forms here; keep each area's forms together under its heading.
"""

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ...services.people.cohort_import import MAX_ROWS
from ..forms import Form
from ..inputs import to_id


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# --- Cohorts and people (services.people: cohorts, cohort_import, people) -----------------------


class DayField(DateField):
    """A date typed as YYYY-MM-DD (the date picker sends that); a clear message when it is not."""

    def process_formdata(self, valuelist):
        if not "".join(valuelist).strip():
            self.data = None  # left empty: whether that is allowed is the service's rule
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a date such as 2027-03-01 (year, month, day).") from None


class CohortForm(Form):
    name = StringField("Name", description="For example “Spring 2027, Leeds”.")
    starts_on = DayField("Start date")
    ends_on = DayField("End date (optional)", description="Leave it empty if it has no end date.")
    course_ids = CheckboxesField("Courses", coerce=to_id, validate_choice=False)


class EnrolForm(Form):
    email = EmailField("Email address", render_kw={"autocomplete": "off"})
    name = StringField(
        "Name", description="Needed only when nobody has an account with this email yet."
    )
    supervisor_email = SelectField("Supervisor", validate_choice=False)


class ImportForm(Form):
    file = FileField(
        "CSV file",
        description=f"A header row name,email,supervisor_email, then one row per trainee (at most "
        f"{MAX_ROWS:,}). Save it from your spreadsheet as “CSV UTF-8”.",
        render_kw={"accept": ".csv,text/csv"},
    )
    csv_text = TextAreaField(
        "Or paste the CSV here",
        description="Used only when no file is chosen.",
        render_kw={"rows": 8, "spellcheck": "false"},
    )


class ConfirmImportForm(Form):
    """Carries the text of a clean preview back: the server checks it all again anyway."""

    csv_text = HiddenField()


class CertificateEmailsForm(Form):
    email_certificates = BooleanField(
        "Email each new certificate to its holder",
        description="When one of this cohort’s trainees is issued a certificate for one of its "
        "courses (or renews one), they get an email with links to it and to its public check.",
    )


class ButtonForm(Form):
    """No fields: a POST-only button still carries the CSRF token."""


class PeopleSearchForm(Form):
    """Sent by GET so a search has an address; it changes nothing, so needs no token."""

    class Meta:
        csrf = False

    q = SearchField(
        "Name or email",
        filters=[lambda value: value.strip() if value else value],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class RolesForm(Form):
    change = HiddenField(default="roles")
    roles = CheckboxesField("Roles", validate_choice=False)


class ReassignForm(Form):
    change = HiddenField(default="supervisor")
    supervisor_id = SelectField("New supervisor", coerce=to_id, validate_choice=False)
