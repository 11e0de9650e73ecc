"""A trainee's own certificates: as a page, and as a PDF to download and print."""

from io import BytesIO

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask_login import current_user

from ..services import certification
from ..services.certificate_pdf import CertificateSheet, certificate_pdf
from .access import signed_in
from .filters import long_date
from .verify import verification_url

bp = Blueprint("certificates", __name__)


def _viewable(code):
    """The certificate if this account may see it; 404 otherwise, whether or not it exists."""
    try:
        return certification.certificate_for_viewer(code, current_user.id, current_user.role_names)
    except certification.NotFound:
        abort(404)


def _canonical(code, endpoint):
    canonical = certification.normalise_code(code)
    if canonical and canonical != code:
        return redirect(url_for(endpoint, code=canonical))
    return None


@bp.get("/certificates/<code>")
@signed_in
def certificate(code):
    moved = _canonical(code, ".certificate")
    if moved:
        return moved
    certificate = _viewable(code)
    return render_template(
        "certificates/certificate.html",
        certificate=certificate,
        status=certification.certificate_status(certificate),
        verify_url=verification_url(certificate.code),
    )


@bp.get("/certificates/<code>.pdf")
@signed_in
def pdf(code):
    moved = _canonical(code, ".pdf")
    if moved:
        return moved
    certificate = _viewable(code)
    stamp, stamp_note = _stamp(certificate)
    sheet = CertificateSheet(
        site_name=current_app.config["LMS_SITE_NAME"],
        title=certificate.title,
        holder=certificate.user.name,
        course_title=certificate.course.title,
        course_version=certificate.course_version,
        issued_on=long_date(certificate.issued_on),
        expires_on=long_date(certificate.expires_on),
        code=certificate.code,
        verify_url=verification_url(certificate.code),
        stamp=stamp,
        stamp_note=stamp_note,
    )
    response = send_file(
        BytesIO(certificate_pdf(sheet)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"certificate-{certificate.code}.pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _stamp(certificate):
    """What is printed across a certificate that is no longer valid, so that a printout or a
    saved copy cannot pass for a valid one."""
    status = certification.certificate_status(certificate)
    if status == "revoked":
        return "Revoked", f"on {long_date(certificate.revoked_at)}"
    if status == "superseded":
        return "Renewed", f"on {long_date(certificate.superseded_at)}"
    if status == "expired":
        return "Expired", f"on {long_date(certificate.expires_on)}"
    return "", ""
