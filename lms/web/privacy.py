"""A person's own data: everything the app holds about them, as a JSON file to download."""

import json

from flask import Blueprint, current_app
from flask_login import current_user

from ..services.people import privacy
from .access import signed_in

bp = Blueprint("privacy", __name__)


@bp.get("/account/data.json")
@signed_in
def my_data():
    export = privacy.export_for(current_user.id)
    day = export["exported_at"][:10]  # YYYY-MM-DD, UTC
    response = current_app.response_class(
        json.dumps(export, indent=2, ensure_ascii=False), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="my-data-{day}.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
