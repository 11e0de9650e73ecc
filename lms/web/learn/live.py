"""Live sessions as a trainee meets them: the calendar file of a meeting of their cohort (the
dashboard lists the upcoming ones). The facilitator guide is never part of either."""

from urllib.parse import urlsplit

from flask import Response, abort, current_app
from flask_login import current_user

from ...models.types import utcnow
from ...services.learning import calendar_file, meetings
from ..access import signed_in
from .blueprint import bp


def _calendar_host():
    """The host in a meeting's UID: the site's own (LMS_BASE_URL), never the request's, so that
    the same meeting keeps the same UID in every calendar."""
    return urlsplit(current_app.config["LMS_BASE_URL"]).hostname or "localhost"


@bp.get("/live-sessions/<int:meeting_id>/calendar.ics")
@signed_in
def meeting_calendar(meeting_id):
    try:
        meeting = meetings.meeting_for_calendar(meeting_id, current_user)
    except meetings.NotFound:
        abort(404)
    text = calendar_file.meeting_ics(meeting, _calendar_host(), utcnow())
    return Response(
        text.encode("utf-8"),
        content_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="live-session-{meeting.id}.ics"',
            "Cache-Control": "private, no-store",
        },
    )
