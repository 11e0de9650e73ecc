"""The roster of trainees (and its CSV), a cohort's progress picture and a trainee's record."""

from flask import abort, render_template, request, url_for
from flask_login import current_user

from ...services import roster, transcript
from .. import paging, transcripts
from ..access import role
from ..downloads import csv_stream, dated_name
from .blueprint import bp
from .roster_forms import RosterFilterForm

VIEWERS = ("supervisor", "staff", "admin")


def _roster():
    """(form, the service's keyword arguments, the query's parameters) for the roster as the
    request asks for it."""
    form = RosterFilterForm(request.args, roster.cohort_options(current_user))
    form.validate()
    sort = request.args.get("sort", "name")
    sort = sort if sort in roster.COLUMNS else "name"
    descending = request.args.get("dir") == "desc"
    filters = form.filters()
    params = {"cohort": filters["cohort_id"], "status": filters["status"]}
    params = {name: value for name, value in params.items() if value is not None}
    params.update(sort=sort, dir="desc" if descending else "asc")
    return form, {**filters, "sort": sort, "descending": descending}, params


@bp.get("/", endpoint="roster")
@role(*VIEWERS)
def roster_page():
    form, wanted, params = _roster()
    order_name = f"{params['sort']}:{params['dir']}"
    found = paging.fetch(
        lambda cursor, per: roster.roster_page(current_user, **wanted, cursor=cursor, per=per),
        order_name,
    )
    noun = ("trainee", "trainees") if found.by_trainee else ("row", "rows")
    links = paging.links(
        found.page, ".roster", params, noun, found.total, order_name, label="Roster pages"
    )
    return render_template(
        "supervise/roster.html", form=form, found=found, rows=found.rows, links=links,
        params=params, columns=roster.COLUMNS, staff_view=current_user.has_role("staff", "admin"),
    )  # fmt: skip


@bp.get("/roster.csv")
@role(*VIEWERS)
def roster_csv():
    _, wanted, _ = _roster()
    rows = roster.roster_for_csv(current_user, **wanted)
    return csv_stream(
        roster.COLUMNS.values(),
        (row.cells() for row in rows),
        dated_name("roster", "csv"),
    )


@bp.get("/cohorts/<int:cohort_id>")
@role(*VIEWERS)
def cohort(cohort_id):
    try:
        picture = roster.cohort_picture(current_user, cohort_id)
    except LookupError:
        abort(404)
    return render_template("supervise/cohort.html", picture=picture)


@bp.get("/trainees/<int:trainee_id>")
@role(*VIEWERS)
def trainee(trainee_id):
    try:
        record = roster.trainee_record(current_user, trainee_id)
    except LookupError:
        abort(404)
    return render_template("supervise/trainee.html", record=record)


def _transcript_trainee(trainee_id):
    """The trainee, when this viewer may see their record; 404 otherwise (as for the record)."""
    try:
        return transcript.check_may_view(current_user, trainee_id)
    except transcript.NotFound:
        abort(404)


@bp.get("/trainees/<int:trainee_id>/transcript")
@role(*VIEWERS)
def trainee_transcript(trainee_id):
    trainee = _transcript_trainee(trainee_id)
    return transcripts.page(
        trainee.id,
        url_for(".trainee_transcript_pdf", trainee_id=trainee.id),
        own=False,
        back=url_for(".trainee", trainee_id=trainee.id),
    )


@bp.post("/trainees/<int:trainee_id>/transcript.pdf")
@role(*VIEWERS)
def trainee_transcript_pdf(trainee_id):
    trainee = _transcript_trainee(trainee_id)
    return transcripts.pdf_download(trainee.id)
