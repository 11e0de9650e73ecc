"""The audit log for staff: who did what, when and to whom, newest first, filtered and paged."""

from datetime import UTC, datetime, time, timedelta

from flask import render_template, request

from ...services import audit
from ..access import role
from ..inputs import optional_id
from .audit_forms import AuditFilterForm
from .blueprint import bp


def _start_of(day):
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


@bp.get("/audit")
@role("staff", "admin")
def audit_log():
    form = AuditFilterForm(request.args)
    page = None
    if form.validate():
        page = audit.event_page(
            action=form.action.data or None,
            person_email=form.person.data or None,
            since=_start_of(form.since.data),
            until=_start_of(form.until.data + timedelta(days=1)) if form.until.data else None,
            page=optional_id(request.args.get("page")) or 1,
        )
    filters = {
        name: request.args[name]
        for name in ("action", "person", "since", "until")
        if request.args.get(name)
    }
    return render_template(
        "staff/audit.html", form=form, page=page, filters=filters, labels=audit.ACTION_LABELS
    )
