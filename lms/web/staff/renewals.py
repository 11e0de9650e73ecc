"""Renewals for staff: who is due in the next 90 days and who has lapsed, with CE progress, by
cohort, 50 to a page, and as CSV."""

from flask import render_template, request
from flask_login import current_user

from ...services import program_day, roster
from ...services.certification import renewal_report
from .. import paging
from ..access import role
from ..downloads import csv_stream, dated_name
from .blueprint import bp
from .renewal_forms import RenewalsFilterForm


def _filters():
    """(form, service keyword arguments, the query's parameters for links)."""
    form = RenewalsFilterForm(request.args, roster.cohort_options(current_user))
    form.validate()
    filters = form.filters()
    descending = request.args.get("dir") == "desc"
    params = {"view": filters["view"], "dir": "desc" if descending else "asc"}
    if filters["cohort_id"] is not None:
        params["cohort"] = filters["cohort_id"]
    return form, {**filters, "descending": descending}, params


@bp.get("/renewals")
@role("staff", "admin")
def renewals():
    form, filters, params = _filters()
    page = paging.fetch(
        lambda cursor, per: renewal_report.renewals_page(**filters, cursor=cursor, per=per),
        order_name=params["dir"],
    )
    links = paging.links(
        page.page, ".renewals", params, ("certificate", "certificates"), page.total,
        order_name=params["dir"], label="Renewal pages",
    )  # fmt: skip
    return render_template(
        "staff/renewals.html", form=form, page=page, links=links, params=params,
        views=renewal_report.VIEWS, today=program_day.today(),
    )  # fmt: skip


@bp.get("/renewals.csv")
@role("staff", "admin")
def renewals_csv():
    _, filters, _ = _filters()
    return csv_stream(
        renewal_report.CSV_HEADER,
        renewal_report.csv_cells(renewal_report.renewal_rows(**filters)),
        dated_name(f"renewals-{filters['view']}", "csv"),
    )
