"""Staff pages for certificates: find one, see its record and history, revoke or reinstate it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...services import audit
from ...services.certification import (
    certificate_list,
    certificate_lookup,
    certification,
    revocation,
)
from .. import paging
from ..access import role
from ..downloads import csv_stream, dated_name
from ..links import redirect_to_printed_code
from .blueprint import bp
from .certificate_forms import CertificateSearchForm, ReasonForm

STATUS_WORDS = certificate_list.STATUS_WORDS


def _certificate(code):
    try:
        return certificate_lookup.certificate_by_code(code)
    except certificate_lookup.NotFound:
        abort(404)


def _detail_page(certificate, form):
    return render_template(
        "staff/certificate.html",
        certificate=certificate,
        status=STATUS_WORDS[certification.certificate_status(certificate)],
        once_reinstated_status=certification.status_without_revocation(certificate),
        history=revocation.certificate_history(certificate),
        labels=audit.ACTION_LABELS,
        form=form,
    )


@bp.get("/certificates")
@role("staff", "admin")
def certificates():
    form, text, valid = _search()
    found = paging.fetch(lambda cursor, per: certificate_list.certificate_page(text, cursor, per))
    links = paging.links(
        found.page, ".certificates", {"q": text}, ("certificate", "certificates"), found.total,
        label="Certificate pages",
    )  # fmt: skip
    page = render_template("staff/certificates.html", form=form, found=found, links=links)
    return page, 200 if valid else 422


@bp.get("/certificates.csv")
@role("staff", "admin")
def certificates_csv():
    _, text, _ = _search()
    return csv_stream(
        certificate_list.CSV_HEADER,
        certificate_list.certificate_csv_rows(text),
        dated_name("certificates", "csv"),
    )


def _search():
    """(form, the search text, whether the form took it): a refused search (its message is
    shown) finds everything."""
    form = CertificateSearchForm(request.args)
    valid = form.validate()
    return form, (form.q.data or "") if valid else "", valid


@bp.get("/certificates/<code>")
@role("staff", "admin")
def certificate_detail(code):
    moved = redirect_to_printed_code(code, ".certificate_detail")
    if moved:
        return moved
    return _detail_page(_certificate(code), ReasonForm())


# What each change does, shown before it is made so that nobody revokes by a slip of the finger.
CHANGES = {
    "revoke": {
        "change": revocation.revoke,
        "applies": lambda certificate: certificate.revoked_at is None,
        "done": "Certificate {code} is revoked. The public check now says it is revoked.",
    },
    "reinstate": {
        "change": revocation.reinstate,
        "applies": lambda certificate: certificate.revoked_at is not None,
        "done": "Certificate {code} is reinstated. The public check shows its status again.",
    },
}


def _change(code, action):
    """Revoke or reinstate in two steps: the reason, then a page that says what will change and
    asks to confirm (or goes back to the reason, still typed). A change that no longer applies
    (revoked meanwhile in another tab) skips the question, so the service says why it is
    refused."""
    certificate = _certificate(code)
    steps = CHANGES[action]
    form = ReasonForm()
    if form.confirmed.data == "back":  # from the question, to the reason as it was typed
        form.confirmed.data = ""
        return _detail_page(certificate, form)
    if form.validate_on_submit():
        if form.confirmed.data != "yes" and steps["applies"](certificate):
            return render_template(
                "staff/certificate_confirm.html",
                certificate=certificate,
                action=action,
                form=form,
                status=STATUS_WORDS[certification.certificate_status(certificate)],
                once_reinstated_status=certification.status_without_revocation(certificate),
            )
        try:
            steps["change"](certificate.id, current_user.id, form.reason.data)
        except revocation.RevocationError as error:
            if error.field:
                form[error.field].errors.append(str(error))
            else:
                form.form_errors.append(str(error))
        else:
            flash(steps["done"].format(code=certificate.code))
            return redirect(url_for(".certificate_detail", code=certificate.code))
    return _detail_page(certificate, form)


@bp.post("/certificates/<code>/revoke")
@role("staff", "admin")
def certificate_revoke(code):
    return _change(code, "revoke")


@bp.post("/certificates/<code>/reinstate")
@role("staff", "admin")
def certificate_reinstate(code):
    return _change(code, "reinstate")
