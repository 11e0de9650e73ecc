"""The audit log for staff: who did what, when and to whom, newest first, filtered and paged."""

from datetime import UTC, datetime, time, timedelta

from flask import redirect, render_template, request, url_for

from ...services import audit
from .. import paging
from ..access import role
from ..downloads import csv_stream, dated_name
from .audit_forms import AuditFilterForm
from .blueprint import bp


def _start_of(day):
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def _filters():
    """(form, the service's filters or None when the form refused them, the query's filters as
    typed, for links)."""
    form = AuditFilterForm(request.args)
    wanted = None
    if form.validate():
        wanted = {
            "action": form.action.data or None,
            "person_email": form.person.data or None,
            "since": _start_of(form.since.data),
            "until": _start_of(form.until.data + timedelta(days=1)) if form.until.data else None,
        }
    filters = {
        name: request.args[name]
        for name in ("action", "person", "since", "until")
        if request.args.get(name)
    }
    return form, wanted, filters


@bp.get("/audit")
@role("staff", "admin")
def audit_log():
    form, wanted, filters = _filters()
    page = links = None
    if wanted is not None:
        page = paging.fetch(lambda cursor, per: audit.event_page(**wanted, cursor=cursor, per=per))
        links = paging.links(
            page.page, ".audit_log", filters, ("event", "events"), page.total,
            label="Audit log pages",
        )  # fmt: skip
    return render_template(
        "staff/audit.html", form=form, page=page, links=links, filters=filters,
        labels=audit.ACTION_LABELS,
    )  # fmt: skip


@bp.get("/audit.csv")
@role("staff", "admin")
def audit_csv():
    _, wanted, _ = _filters()
    if wanted is None:  # the page says what to correct; the file would have nothing to say it
        return redirect(url_for(".audit_log", **request.args.to_dict()), code=303)
    # Named for the program's day, as every file name; its times are UTC, as its header says.
    return csv_stream(audit.CSV_HEADER, audit.event_csv_rows(**wanted), dated_name("audit", "csv"))
