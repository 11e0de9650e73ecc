"""The staff tools page: where program staff and admins find everything they run."""

from flask import render_template

from ...services import outbox
from ..access import role
from .blueprint import bp


@bp.get("/")
@role("staff", "admin")
def home():
    return render_template("staff/home.html", failed_emails=outbox.failed_emails(limit=10))
