"""Staff tools for accounts: create an account, and make a reset link to hand to a trainee."""

from flask import current_app, render_template
from flask_login import current_user

from ...services.people import accounts, password_reset
from ..access import role
from ..forms import show_problems
from ..links import external_url
from .forms import CreateUserForm, ResetLinkForm
from .views import bp, private

ROLE_LABELS = {
    "trainee": "Trainee",
    "supervisor": "Supervisor",
    "author": "Course author",
    "staff": "Program staff",
    "admin": "Admin",
}


@bp.route("/staff/users/new", methods=["GET", "POST"])
@role("staff", "admin")
def staff_new_user():
    form = CreateUserForm()
    form.roles.choices = [(r, ROLE_LABELS[r]) for r in accounts.grantable_roles(current_user)]
    if not form.is_submitted():
        form.roles.data = ["trainee"]
    if form.validate_on_submit():
        try:
            user, generated = accounts.create_account(
                form.email.data,
                form.name.data,
                form.roles.data,
                form.password.data or None,
                granted_by=current_user,
            )
        except accounts.AccountError as error:
            show_problems(form, error)
        else:
            page = render_template(
                "staff/user_created.html", user=user, generated=generated, labels=ROLE_LABELS
            )
            return private(current_app.make_response(page))
    return render_template("staff/new_user.html", form=form)


@bp.route("/staff/reset-link", methods=["GET", "POST"])
@role("staff", "admin")
def staff_reset_link():
    form = ResetLinkForm()
    link = user = None
    if form.validate_on_submit():
        try:
            user, token = password_reset.reset_token_for_email(
                form.email.data, current_app.config["SECRET_KEY"], granted_by=current_user
            )
        except accounts.NoSuchAccount:
            form.email.errors.append(
                "No account uses that email. Check the spelling, or create an account for them."
            )
        except accounts.AccountError as error:
            show_problems(form, error)
        else:
            link = external_url("auth.reset_password", token=token)
    page = render_template("staff/reset_link.html", form=form, link=link, user=user)
    return private(current_app.make_response(page))
