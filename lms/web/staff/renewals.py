"""Renewals for staff: who is due in the next 90 days and who has lapsed, with CE progress, by
cohort, 50 to a page, and as CSV."""

from flask import render_template, request
from flask_login import current_user

from ... import clock
from ...services import renewal_report, roster
from ..access import role
from ..downloads import csv_attachment
from ..inputs import optional_id
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
    page = renewal_report.renewals_page(page=optional_id(request.args.get("page")) or 1, **filters)
    return render_template(
        "staff/renewals.html", form=form, page=page, params=params,
        views=renewal_report.VIEWS, today=clock.today(),
    )  # fmt: skip


@bp.get("/renewals.csv")
@role("staff", "admin")
def renewals_csv():
    _, filters, _ = _filters()
    rows = renewal_report.all_renewal_rows(**filters)
    return csv_attachment(
        renewal_report.export_csv(rows),
        f"renewals-{filters['view']}-{clock.today().isoformat()}.csv",
    )
