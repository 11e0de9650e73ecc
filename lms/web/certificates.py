"""A trainee's own certificates: as a page, and as a PDF to download and print."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from ..services import program_day
from ..services.certification import certificate_lookup, certification, renewal
from ..services.certification.certificate_files import certificate_sheet, file_name
from ..services.certification.certificate_pdf import PAPER_NAMES, certificate_pdf
from ..services.certification.linkedin import add_to_profile_url
from ..services.credentials import issuing
from .access import signed_in
from .downloads import pdf_attachment
from .filters import long_date
from .forms import Form
from .links import redirect_to_printed_code
from .verify import verification_url

bp = Blueprint("certificates", __name__)


class RenewForm(Form):
    """No fields: the Renew button carries the CSRF token."""


def _viewable(code):
    """The certificate if this account may see it; 404 otherwise, whether or not it exists."""
    try:
        return certificate_lookup.certificate_for_viewer(
            code, current_user.id, current_user.role_names
        )
    except certificate_lookup.NotFound:
        abort(404)


@bp.get("/certificates/<code>")
@signed_in
def certificate(code):
    moved = redirect_to_printed_code(code, ".certificate")
    if moved:
        return moved
    certificate = _viewable(code)
    return _page(certificate, RenewForm())


def _page(certificate, form, status_code=200):
    status = certification.certificate_status(certificate)
    current = None
    if status == "superseded":
        current = certificate_lookup.newest_in_chain(certificate)
    own = certificate.user_id == current_user.id
    verify_url = verification_url(certificate.code)
    linkedin_url = None
    if own and status == "valid":  # only the holder adds it, and only while it is valid
        linkedin_url = add_to_profile_url(
            certificate.title,
            issuing.issuer_name(current_app.config),
            certificate.issued_on,
            certificate.expires_on,
            verify_url,
            certificate.code,
        )
    page = render_template(
        "certificates/certificate.html",
        certificate=certificate,
        status=status,
        current=current,
        standing=renewal.standing(certificate.id) if own else None,
        today=program_day.today(),
        form=form,
        verify_url=verify_url,
        linkedin_url=linkedin_url,
        credential_available=certificate_lookup.credential_available(certificate),
        paper=PAPER_NAMES[current_app.config["LMS_PAPER_SIZE"]],
    )
    return page, status_code


@bp.post("/certificates/<code>/renew")
@signed_in
def renew(code):
    """The holder renews their certificate with one click: they confirm by it that their CE is
    complete, and nothing is issued behind their back."""
    certificate = _viewable(code)
    if certificate.user_id != current_user.id:
        abort(404)  # staff may see a holder's certificate, but only the holder renews it
    form = RenewForm()
    if not form.validate_on_submit():
        return _page(certificate, form, 400)
    try:
        renewed = renewal.renew(certificate.id, current_user.id)
    except renewal.RenewalError as error:
        form.form_errors.append(str(error))
        return _page(certificate_lookup.certificate_by_code(certificate.code), form, 409)
    flash(
        f"Your certificate is renewed. Its new code is {renewed.code}; it expires on "
        f"{long_date(renewed.expires_on)}."
    )
    return redirect(url_for(".certificate", code=renewed.code))


@bp.get("/certificates/<code>.pdf")
@signed_in
def pdf(code):
    moved = redirect_to_printed_code(code, ".pdf")
    if moved:
        return moved
    certificate = _viewable(code)
    sheet = certificate_sheet(
        certificate, current_app.config["LMS_SITE_NAME"], verification_url(certificate.code)
    )
    return pdf_attachment(certificate_pdf(sheet), file_name(certificate.code, "pdf"))
