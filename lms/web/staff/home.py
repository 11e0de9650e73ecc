"""The staff tools page: where program staff and admins find everything they run."""

from flask import render_template

from ...services import ce, outbox
from ..access import role
from .blueprint import bp


@bp.get("/")
@role("staff", "admin")
def home():
    return render_template(
        "staff/home.html",
        ce_pending=ce.pending_count(),
        failed_emails=outbox.failed_emails(limit=10),
    )
