"""Sign-up, sign-in, sign-out, changing a password and resetting a forgotten one."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ...services import mail, outbox
from ...services.people import accounts, password_reset
from .. import quiz_drafts
from ..access import PUBLISHERS, WORKSPACE_ROLES, public, signed_in
from ..forms import show_problems
from ..links import external_url
from .forms import (
    ChangePasswordForm,
    EmailSettingsForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)
from .signed_in import begin_session, end_session, session_token

bp = Blueprint("auth", __name__)

# Where a person lands after signing in when no (safe) `next` page was asked for.
AFTER_SIGN_IN = "learn.dashboard"


def _landing(user):
    """Where a person lands after signing in: a trainee on their learning, whatever else they
    do; otherwise on the page of their work (staff tools, the course workspace for an author,
    the people a supervisor supervises)."""
    if user.has_role("trainee"):
        return AFTER_SIGN_IN
    if user.has_role(*PUBLISHERS):
        return "staff.home"
    if user.has_role(*WORKSPACE_ROLES):
        return "staff.workspace"
    if user.has_role("supervisor"):
        return "supervise.roster"
    return AFTER_SIGN_IN


@bp.app_context_processor
def account_settings():
    return {"open_registration": current_app.config["LMS_OPEN_REGISTRATION"]}


def safe_next(target):
    """`target` if it is a path on this site, else None: never send a person to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def private(response):
    """Pages holding a secret (a reset link, a password): not cached, and no Referer takes it to
    another site."""
    response.headers["Cache-Control"] = "no-store"
    # same-origin, not no-referrer: the secret never leaves for another site, and the page's own
    # form still carries a Referer, which CSRF protection over HTTPS requires (Flask-WTF refuses
    # a form posted over HTTPS without one).
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _sign_in_as(user):
    # Quiz answers sent while signed out wait for this sign-in (begin_session starts a clean
    # session); they are ticked again only on the account's own open attempt (web/quiz_drafts.py).
    unsent = quiz_drafts.across_sign_in()
    begin_session(user)
    quiz_drafts.put_back(unsent)


@bp.route("/sign-up", methods=["GET", "POST"])
@public
def sign_up():
    if not current_app.config["LMS_OPEN_REGISTRATION"]:
        return render_template("auth/sign_up_closed.html"), 403 if request.method == "POST" else 200
    next_path = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for(AFTER_SIGN_IN))
    form = SignUpForm()
    if form.validate_on_submit():
        by_email = mail.mail_configured(current_app.config)
        try:
            user = accounts.register(form.email.data, form.name.data, form.password.data)
        except accounts.EmailTaken as error:
            if not by_email:
                show_problems(form, error)  # no other way to tell them: README, Security decisions
            else:
                _email_sign_up(accounts.user_by_email(form.email.data), "sign_up_taken_email")
                return render_template("auth/sign_up_sent.html")
        except accounts.AccountError as error:
            show_problems(form, error)
        else:
            if by_email:
                # The same answer as for an address already in use: the page never says which.
                _email_sign_up(user, "sign_up_email")
                return render_template("auth/sign_up_sent.html")
            _sign_in_as(user)
            flash(f"Welcome, {user.name}. Your account is ready.")
            return redirect(next_path or url_for(AFTER_SIGN_IN))
    return render_template("auth/sign_up.html", form=form, next=next_path)


def _email_sign_up(user, template):
    """Tell the owner of the address what happened, by the worker (never inside this request: the
    answer must not differ, nor wait for a mail server)."""
    body = render_template(
        f"auth/{template}.txt",
        user=user,
        sign_in=external_url("auth.sign_in"),
        forgot_password=external_url("auth.forgot_password"),
    )
    outbox.post_email(user.email, "Your account", body, "sign-up", user.id)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    next_path = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for(_landing(current_user)))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except accounts.SignInRefused as error:
            form.form_errors.extend(error.problems.values())
        else:
            _sign_in_as(user)
            return redirect(next_path or url_for(_landing(user)))
    return render_template(
        "auth/sign_in.html", form=form, next=next_path, quiz_waiting=quiz_drafts.waiting()
    )


@bp.post("/sign-out")
@public
def sign_out():
    end_session()  # the session's row goes: a copy of the cookie no longer signs anyone in
    flash("You have signed out.")
    return redirect(url_for("learn.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                keep_session=session_token(),  # other devices are signed out; this one stays
            )
        except accounts.AccountError as error:
            show_problems(form, error)
        else:
            flash("Your password has been changed.")
            return redirect(url_for(AFTER_SIGN_IN))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/emails", methods=["GET", "POST"])
@signed_in
def email_settings():
    form = EmailSettingsForm()
    if request.method == "GET":
        form.emails.data = "essential" if current_user.quiet_emails else "all"
    if form.validate_on_submit():
        try:
            accounts.set_email_choice(current_user, form.emails.data)
        except accounts.AccountError as error:
            show_problems(form, error)
        else:
            flash("Your email settings are saved.")
            return redirect(url_for("auth.email_settings"))
    return render_template("auth/email_settings.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
def forgot_password():
    settings = current_app.config
    if not mail.mail_configured(settings):
        return render_template("auth/forgot_password.html", form=None)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The worker finds the account and writes the email, with retries: this page does the
        # same work, and gives the same answer, whether or not an account uses the address.
        try:
            password_reset.request_reset_email(form.email.data)
        except accounts.AccountError as error:
            show_problems(form, error)
        else:
            return render_template("auth/forgot_password_sent.html")
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    secret_key = current_app.config["SECRET_KEY"]
    form = ResetPasswordForm()
    try:
        if form.validate_on_submit():
            password_reset.reset_password(token, form.password.data, secret_key)
            flash("Your new password is set. Sign in with it now.")
            return redirect(url_for("auth.sign_in"))
        if request.method == "GET":
            password_reset.user_from_reset_token(token, secret_key)
    except password_reset.ResetLinkInvalid as error:
        page = render_template("auth/reset_invalid.html", message=str(error))
        return private(current_app.make_response((page, 400)))
    except accounts.AccountError as error:
        show_problems(form, error)
    return private(
        current_app.make_response(render_template("auth/reset_password.html", form=form))
    )
