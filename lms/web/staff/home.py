"""The staff tools page: where program staff and admins find everything they run. A course
author has only the course workspace: nothing links them here (the header and the workspace's
breadcrumbs ask access.may_open), and the page answers them 403 as any other staff page does."""

from flask import render_template

from ...services import outbox
from ...services.logbook import ce
from ...services.workspace import reviewing
from ..access import role
from .blueprint import bp


@bp.get("/")
@role("staff", "admin")
def home():
    return render_template(
        "staff/home.html",
        ce_pending=ce.pending_count(),
        failed_emails=outbox.failed_emails(limit=10),
        requests=reviewing.open_requests(),
    )
