"""Staff pages for cohorts: list and create them, see and change who is enrolled, and import a
cohort from a CSV file (a preview first; the import only from a clean preview)."""

from tempfile import TemporaryFile

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...services import keyset, mail
from ...services.certification import cohort_certificates
from ...services.learning import catalog
from ...services.logbook import hours_export
from ...services.people import cohort_import, cohorts, people
from .. import paging
from ..access import role
from ..downloads import csv_attachment, zip_attachment
from ..forms import show_problems
from ..verify import verification_url
from .blueprint import bp
from .forms import (
    ButtonForm,
    CertificateEmailsForm,
    CohortForm,
    ConfirmImportForm,
    EnrolForm,
    ImportForm,
)

NO_FILE = "Choose a CSV file to upload, or paste its text."


def _cohort_or_404(cohort_id):
    """The cohort with the page of its members the request asks for (`after=`, `before=`,
    `per=`); 404 when there is no such cohort."""
    try:
        return paging.fetch(lambda cursor, per: cohorts.cohort_detail(cohort_id, cursor, per))
    except cohorts.NoSuchCohort:
        abort(404)


def _supervisor_choices():
    return [("", "No supervisor")] + [
        (user.email, f"{user.name} ({user.email})") for user in people.supervisors()
    ]


@bp.route("/cohorts", methods=["GET", "POST"])
@role("staff", "admin")
def cohort_list():
    form = CohortForm()
    courses = catalog.published_courses()
    form.course_ids.choices = [(course.id, course.title) for course, _ in courses]
    if form.validate_on_submit():
        try:
            cohort = cohorts.create_cohort(
                form.name.data, form.starts_on.data, form.ends_on.data, form.course_ids.data
            )
        except cohorts.CohortError as error:
            show_problems(form, error)
        else:
            flash(f"Cohort “{cohort.name}” created. Enrol its trainees below.")
            return redirect(url_for(".cohort_page", cohort_id=cohort.id))
    page = render_template("staff/cohorts.html", form=form, cohorts=cohorts.cohorts())
    return page, 422 if form.errors or form.form_errors else 200


def _cohort_page(detail, enrol_form=None, status=200):
    enrol_form = enrol_form or EnrolForm()
    enrol_form.supervisor_email.choices = _supervisor_choices()
    emails_form = CertificateEmailsForm(
        formdata=None, email_certificates=detail.cohort.email_certificates
    )
    links = None
    if request.endpoint == "staff.cohort_page":  # cursors are signed for the page they page
        noun = ("trainee", "trainees")
        links = paging.links(
            detail.page,
            ".cohort_page",
            {},
            noun,
            detail.total,
            cohort_id=detail.cohort.id,
            label="Cohort member pages",
        )
    page = render_template(
        "staff/cohort.html", detail=detail, links=links, enrol_form=enrol_form,
        emails_form=emails_form, count_cap=keyset.COUNT_CAP,
        mail_set_up=mail.mail_configured(current_app.config),
    )  # fmt: skip
    return page, status


@bp.get("/cohorts/<int:cohort_id>")
@role("staff", "admin")
def cohort_page(cohort_id):
    return _cohort_page(_cohort_or_404(cohort_id))


@bp.get("/cohorts/<int:cohort_id>/hours.csv")
@role("staff", "admin")
def cohort_hours_csv(cohort_id):
    try:
        cohort, text = hours_export.cohort_hours_csv(cohort_id)
    except cohorts.NoSuchCohort:
        abort(404)
    return csv_attachment(text, f"cohort-{cohort.id}-hours.csv")


def _written_zip(cohort_id):
    # In a temporary file on disk, not in memory: a large cohort's PDFs add up.
    file = TemporaryFile()  # noqa: SIM115  (the response closes it once sent)
    try:
        written = cohort_certificates.write_cohort_zip(
            cohort_id,
            file,
            current_app.config["LMS_SITE_NAME"],
            verification_url,
            actor_id=current_user.id,
        )
    except BaseException:
        file.close()
        raise
    return file, written


@bp.get("/cohorts/<int:cohort_id>/certificates.zip")
@role("staff", "admin")
def cohort_certificates_zip(cohort_id):
    try:
        file, written = _written_zip(cohort_id)
    except cohorts.NoSuchCohort:
        abort(404)
    except cohort_certificates.NothingToDownload as error:
        flash(str(error))
        return redirect(url_for(".cohort_page", cohort_id=cohort_id))
    name = cohort_certificates.file_name_part(written.cohort_name, f"cohort-{cohort_id}")
    return zip_attachment(file, f"{name}-certificates.zip")


@bp.post("/cohorts/<int:cohort_id>/certificate-emails")
@role("staff", "admin")
def cohort_certificate_emails(cohort_id):
    detail = _cohort_or_404(cohort_id)
    form = CertificateEmailsForm()
    if not form.validate_on_submit():
        abort(400)
    on = form.email_certificates.data
    changed = cohorts.set_email_certificates(detail.cohort.id, on, current_user.id)
    if not changed:
        flash("Nothing changed.")
    elif on and not mail.mail_configured(current_app.config):
        flash(
            f"Saved, but no certificate can be emailed yet: email is not set up on this site "
            "(LMS_SMTP_HOST and LMS_BASE_URL). Until it is, new certificates of "
            f"{detail.cohort.name}’s trainees are not emailed, and they are not sent later "
            "either; their holders still find them on the site."
        )
    elif on:
        flash(
            f"From now on, each new certificate of {detail.cohort.name}’s trainees is emailed to "
            "its holder. Certificates issued before now are not sent."
        )
    else:
        flash(f"New certificates of {detail.cohort.name}’s trainees are no longer emailed.")
    return redirect(url_for(".cohort_page", cohort_id=detail.cohort.id))


@bp.post("/cohorts/<int:cohort_id>/enrol")
@role("staff", "admin")
def cohort_enrol(cohort_id):
    detail = _cohort_or_404(cohort_id)
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            user, created = cohorts.enrol(
                detail.cohort.id,
                form.email.data,
                form.name.data,
                form.supervisor_email.data or None,
                actor_id=current_user.id,
            )
        except cohorts.CohortError as error:
            show_problems(form, error)
        else:
            if created:
                flash(
                    f"{user.name} is enrolled, with a new account. They cannot sign in until "
                    "they choose a password: make them a reset link from their page in People."
                )
            else:
                flash(f"{user.name} is enrolled.")
            return redirect(url_for(".cohort_page", cohort_id=detail.cohort.id))
    return _cohort_page(detail, form, status=422)


@bp.post("/cohorts/<int:cohort_id>/members/<int:user_id>/remove")
@role("staff", "admin")
def cohort_remove_member(cohort_id, user_id):
    detail = _cohort_or_404(cohort_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        member = cohorts.remove(detail.cohort.id, user_id)
    except cohorts.NotAMember:
        abort(404)
    flash(f"{member.name} is no longer in {detail.cohort.name}. Their account and records stay.")
    return redirect(url_for(".cohort_page", cohort_id=detail.cohort.id))


def _preview_problems(preview, message):
    """The import's problems for the page's error summary: a refusal, the file's own errors
    (linked to the file field) and each row's (linked to its line in the preview table)."""
    problems = [(None, message)] if message else []
    if preview:
        problems += [("file", error) for error in preview.file_errors]
        problems += [(f"line-{row.line}", error) for row in preview.rows for error in row.errors]
    return problems


def _import_page(detail, form, preview=None, message=None, status=200, kept_from_file=False):
    confirm = ConfirmImportForm(formdata=None, csv_text=preview.text if preview else "")
    page = render_template(
        "staff/cohort_import.html",
        detail=detail,
        form=form,
        kept_from_file=kept_from_file,
        preview=preview,
        preview_problems=_preview_problems(preview, message),
        confirm=confirm,
        message=message,
        limit=cohort_import.MAX_ROWS,
        statuses=(cohorts.NEW, cohorts.EXISTING, cohorts.ALREADY),
    )
    return page, status


@bp.route("/cohorts/<int:cohort_id>/import", methods=["GET", "POST"])
@role("staff", "admin")
def cohort_import_page(cohort_id):
    detail = _cohort_or_404(cohort_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(detail, form)
    upload = form.file.data
    if upload and upload.filename:
        # Read a little past the limit, so that a file too big is reported without reading it all.
        data = upload.read(cohort_import.MAX_BYTES + 1)
    elif form.csv_text.data and form.csv_text.data.strip():
        data = form.csv_text.data
    else:
        form.file.errors.append(NO_FILE)
        return _import_page(detail, form, status=422)
    preview = cohort_import.preview_import(detail.cohort.id, data)
    kept = isinstance(data, bytes) and bool(preview.errors) and bool(preview.text)
    if kept:
        # A browser never fills a file field again: the file's text goes in the box instead, so
        # the rows can be fixed there and checked again without choosing the file once more.
        form.csv_text.data = preview.text
    return _import_page(detail, form, preview, kept_from_file=kept)


@bp.post("/cohorts/<int:cohort_id>/import/confirm")
@role("staff", "admin")
def cohort_import_confirm(cohort_id):
    detail = _cohort_or_404(cohort_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = cohort_import.confirm_import(
            detail.cohort.id, form.csv_text.data or "", current_user.id
        )
    except cohort_import.ImportRefused as error:
        return _import_page(detail, ImportForm(formdata=None), error.preview, str(error), 422)
    if result.enrolled == 0:
        flash("Nothing was imported: every row is already in this cohort.")
    else:
        trainees = "1 trainee" if result.enrolled == 1 else f"{result.enrolled:,} trainees"
        message = (
            f"Imported {trainees} into {detail.cohort.name}: {result.created:,} with a new "
            f"account, {result.existing:,} with an existing one."
        )
        if result.created:
            message += (
                " New accounts have no password yet: make each a reset link from their page in "
                "People."
            )
        flash(message)
    return redirect(url_for(".cohort_page", cohort_id=detail.cohort.id))
