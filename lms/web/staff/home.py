"""The staff tools page: where program staff and admins find everything they run. A course
author has only the course workspace, so the page sends them there (the workspace's
breadcrumbs lead here)."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from ...services import ce, outbox
from ...services.workspace import reviewing
from ..access import role
from .blueprint import bp


@bp.get("/")
@role("author", "staff", "admin")
def home():
    if not current_user.has_role("staff", "admin"):
        return redirect(url_for(".workspace"))
    return render_template(
        "staff/home.html",
        ce_pending=ce.pending_count(),
        failed_emails=outbox.failed_emails(limit=10),
        requests=reviewing.open_requests(),
    )
