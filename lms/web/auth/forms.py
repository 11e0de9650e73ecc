"""The account forms. They only parse: the rules (and their messages) live in
services.people.accounts."""

from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form

PASSWORD_HINT = "At least 10 characters. A short sentence you will remember works well."


class SignUpForm(Form):
    name = StringField(
        "Your name",
        description="As you would like it shown on your certificate.",
        render_kw={"autocomplete": "name"},
    )
    email = EmailField("Email address", render_kw={"autocomplete": "email"})
    password = PasswordField(
        "Choose a password", description=PASSWORD_HINT, render_kw={"autocomplete": "new-password"}
    )


class SignInForm(Form):
    email = EmailField(
        "Email address",
        [InputRequired("Enter your email address.")],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        [InputRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password"}
    )
    new_password = PasswordField(
        "New password", description=PASSWORD_HINT, render_kw={"autocomplete": "new-password"}
    )


class EmailSettingsForm(Form):
    emails = RadioField(
        "Which emails do you want from us?",
        choices=[
            SelectChoice("all", "All emails, including reminders before a certificate "
                         "expires and, for supervisors, a weekly digest of the people due to "
                         "renew"),
            SelectChoice("essential", "Only essential emails: password resets, and a notice "
                         "when a certificate has expired"),
        ],
        validate_choice=False,  # the service says what to fix
    )  # fmt: skip


class ForgotPasswordForm(Form):
    email = EmailField(
        "Email address",
        [InputRequired("Enter the email address you signed up with.")],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(Form):
    password = PasswordField(
        "New password", description=PASSWORD_HINT, render_kw={"autocomplete": "new-password"}
    )


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CreateUserForm(Form):
    name = StringField("Name")
    email = EmailField("Email address")
    roles = CheckboxesField("Roles", validate_choice=False)
    password = PasswordField(
        "Password (optional)",
        description="Leave it empty to have one made for you: it is shown once, on the next page.",
        render_kw={"autocomplete": "new-password"},
    )


class ResetLinkForm(Form):
    email = EmailField(
        "Their email address", [InputRequired("Enter the email address of the account.")]
    )
