"""A person's continuing-education ledger: what they earned here and logged from elsewhere, a form
to log more with its evidence, their evidence files, and CE certificates for modules passed here.

Any signed-in account has a ledger: people keep logging CE between certificates, and a holder
whose certificate lapsed still needs the record to renew or to show a board.
"""

from io import BytesIO

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from ...services.certification.ce_certificate_pdf import CESheet, ce_certificate_pdf
from ...services.logbook import ce, evidence
from ..access import signed_in
from ..downloads import pdf_attachment
from ..filters import long_date
from ..forms import show_problems
from ..inputs import accepts_file
from .blueprint import bp
from .ce_forms import LogCEForm, WithdrawForm


@bp.app_template_filter("ce_category")
def ce_category_filter(category):
    """ "peer-specific" -> "Peer-specific"."""
    return ce.category_label(category or "")


def _ledger_page(form, categories, status=200):
    page = render_template(
        "ce/ledger.html",
        ledger=ce.ledger(current_user.id, categories),
        form=form,
        categories=categories,
    )
    return page, status


@bp.route("/ce", methods=["GET", "POST"])
@signed_in
@accepts_file(evidence.MAX_BYTES)
def ce_ledger():
    categories = ce.categories()
    form = LogCEForm(categories=categories)
    if not form.validate_on_submit():
        return _ledger_page(form, categories, 422 if form.errors else 200)
    upload = form.evidence.data
    name, data = None, None
    if upload and getattr(upload, "filename", None):
        name = upload.filename
        # A little past the limit, so that a file too big is reported without reading it all.
        data = upload.read(evidence.MAX_BYTES + 1)
    try:
        entry = ce.log_entry(
            current_user.id, form.title.data, form.provider.data, form.completed_on.data,
            form.hours.data, form.category.data, name, data, submission=form.submission.data,
        )  # fmt: skip
    except ce.CEError as error:
        show_problems(form, error)
        return _ledger_page(form, categories, 422)
    flash(
        f"Logged {ce.hours_text(entry.minutes)} CE hours for “{entry.title}”. Program staff will "
        "review it; it counts once approved."
    )
    return redirect(url_for("learn.ce_ledger"), code=303)


@bp.post("/ce/<int:entry_id>/withdraw")
@signed_in
def ce_withdraw(entry_id):
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        entry = ce.withdraw(current_user.id, entry_id)
    except ce.NotFound:
        abort(404)
    except ce.CEError as error:
        flash(" ".join(error.problems.values()))
    else:
        flash(f"Withdrew “{entry.title}” and deleted its evidence file.")
    return redirect(url_for("learn.ce_ledger"), code=303)


@bp.get("/ce/evidence/<int:evidence_id>")
@signed_in
def ce_evidence(evidence_id):
    try:
        found = ce.evidence_for_viewer(evidence_id, current_user)
    except ce.NotFound:
        abort(404)
    response = send_file(
        BytesIO(found.data),
        mimetype=found.content_type,
        as_attachment=True,  # never shown inside the site, whatever it holds
        download_name=found.file_name,
        etag=found.sha256,
    )
    # Even opened on its own, the file may run nothing and load nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/ce/<int:entry_id>/certificate.pdf")
@signed_in
def ce_certificate(entry_id):
    try:
        earned = ce.earned_here(entry_id, current_user)
    except ce.NotFound:
        abort(404)
    entry = earned.entry
    sheet = CESheet(
        program=entry.provider,
        holder=earned.holder,
        module_title=entry.title,
        course_title=earned.course_title,
        hours=ce.hours_text(entry.minutes),
        category=ce.category_label(entry.category),
        completed_on=long_date(entry.completed_on),
        objectives=earned.objectives,
        site_name=current_app.config["LMS_SITE_NAME"],
        paper=current_app.config["LMS_PAPER_SIZE"],
    )
    return pdf_attachment(ce_certificate_pdf(sheet), f"ce-certificate-{entry.id}.pdf")
