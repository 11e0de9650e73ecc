"""A person's own data: everything the app holds about them, as a JSON file to download."""

import json
from datetime import datetime

from flask import Blueprint, current_app
from flask_login import current_user

from ..services import program_day
from ..services.people import privacy
from .access import signed_in
from .downloads import dated_name

bp = Blueprint("privacy", __name__)


@bp.get("/account/data.json")
@signed_in
def my_data():
    export = privacy.export_for(current_user.id)
    # Named for the program's day the export was made (its exported_at stays the UTC moment).
    day = program_day.day_of(datetime.fromisoformat(export["exported_at"]))
    response = current_app.response_class(
        json.dumps(export, indent=2, ensure_ascii=False), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{dated_name("my-data", "json", day)}"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
