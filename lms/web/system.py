"""Routes for machines: the health check."""

from flask import Blueprint

from ..services import health
from .access import public

bp = Blueprint("system", __name__)

MESSAGES = {
    health.UNREACHABLE: "The database does not answer.",
    health.READ_ONLY: "The database answers but cannot take writes (a read-only file, mount or "
    "server): nothing can be saved.",
    health.DISK_FULL: "The disk that holds the database is nearly full: saving may soon fail.",
}


@bp.get("/healthz")
@public
def healthz():
    problem = health.database_problem()
    if problem:
        return {"status": "unavailable", "database": problem, "message": MESSAGES[problem]}, 503
    return {"status": "ok", "database": "ok"}
