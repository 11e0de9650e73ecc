"""Error pages: a person never sees a stack trace, and sees our page even when the database is
down (a 503 saying to try again in a minute), lost a conflict with another request at the same
moment (a 503 saying to send it again) or was left mid-transaction (a 500)."""

from contextlib import suppress

from flask import current_app, g, make_response, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..extensions import db, login_manager
from .inputs import MEGABYTE, largest_file

# How long a browser or a proxy should wait before asking again while the database is away.
RETRY_AFTER_SECONDS = 60
# PostgreSQL's codes for a transaction that lost to another (deadlock_detected,
# serialization_failure, lock_not_available): the database is up, and sending again works.
CONFLICT_STATES = frozenset({"40P01", "40001", "55P03"})
CONFLICT_RETRY_AFTER_SECONDS = 5

# The last resort, when even our own page cannot be rendered.
PLAIN_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
    "<body><main><h1>{title}</h1><p>{message}</p><p>Error {status}</p></main></body></html>"
)


def _page(status, title, message, action=None):
    """`action`: (label, url) of the one thing to do next, when it is not the home page."""
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        return make_response(({"error": title, "message": message}, status))
    page = render_template(
        "errors/error.html", status=status, title=title, message=message, action=action
    )
    return make_response((page, status))


def _page_without_the_database(status, title, message):
    """The error page for when the database failed: roll the session back, and show the page as
    if signed out, because the header's current_user would query the database again (on the
    sign-in request it is the User entity, whose attributes the rollback has just expired)."""
    with suppress(SQLAlchemyError):  # a connection already gone has nothing to roll back
        db.session.rollback()
    # Flask-Login keeps the request's user in g._login_user and loads it only when that is unset.
    g._login_user = login_manager.anonymous_user()
    try:
        return _page(status, title, message)
    except Exception:  # noqa: BLE001 - the page itself failed: still say something useful
        page = PLAIN_PAGE.format(status=status, title=title, message=message)
        return make_response((page, status))


def _conflict(error):
    """Did the database refuse this request because another held what it needed at the same
    moment? (On SQLite: the write lock, held past the wait for it.)"""
    driver_error = getattr(error, "orig", None)
    if getattr(driver_error, "sqlstate", None) in CONFLICT_STATES:
        return True
    return "database is locked" in str(driver_error)


def init_app(app):
    @app.errorhandler(404)
    def not_found(error):
        return _page(404, "Page not found", "There is nothing at this address. "
                     "Check the link, or start again from the home page.")  # fmt: skip

    @app.errorhandler(403)
    def forbidden(error):
        return _page(403, "Not allowed", "Your account cannot open this page. "
                     "If you think it should, ask your program staff.")  # fmt: skip

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _page(405, "Not allowed", "This page cannot be used that way.")

    @app.errorhandler(400)
    def bad_request(error):
        return _page(400, "Something was wrong with that request",
                     "Go back, reload the page and try again.")  # fmt: skip

    @app.errorhandler(413)
    def too_large(error):
        sent, limit = request.content_length, request.max_content_length
        if sent is not None and limit is not None and sent > limit:
            largest, advice = largest_file()
            # A number only when the view declares it: the site-wide limit is no file's limit.
            accepts = (f"This page accepts a file of at most {largest // MEGABYTE} MB and what "
                       "you sent was larger" if largest is not None
                       else "What you sent is larger than this page accepts")  # fmt: skip
            return _page(413, "That file is too large",
                         f"{accepts}, so nothing was saved. Go back, {advice}, and try "
                         "again.")  # fmt: skip
        # Otherwise a text field went over Werkzeug's limit for one field (MAX_FORM_MEMORY_SIZE).
        return _page(413, "That was too much to send",
                     "What you sent is larger than this site accepts. Go back, shorten the text "
                     "or choose a smaller file, and try again.")  # fmt: skip

    # The database cannot be reached (refused connection, unreadable SQLite file, locked, a pool
    # with no free connection): nothing the person did, and usually over in a minute.
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error):
        if _conflict(error):
            app.logger.warning("a request lost a conflict with another: %s", error)
            response = _page_without_the_database(
                503,
                "That did not go through",
                "Other changes to the same records were being made at the same moment, so what "
                "you just sent was not saved. Go back and send it again.",
            )
            response.headers["Retry-After"] = str(CONFLICT_RETRY_AFTER_SECONDS)
            return response
        app.logger.error("the database is unavailable: %s", error)
        response = _page_without_the_database(
            503,
            "The site is not available right now",
            "We cannot reach our records at the moment. Nothing you saved before has been lost. "
            "Please try again in a minute.",
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(CSRFError)
    def session_ended(error):
        # A view may keep what was sent (the quiz keeps its answers through a new sign-in).
        view = current_app.view_functions.get(request.endpoint)
        keep = getattr(view, "on_session_lost", None)
        if keep is not None:
            return keep(**(request.view_args or {}))
        if current_user.is_authenticated:
            return _page(400, "This form had expired",
                         "Its page was open too long, so it was not sent. "
                         "Go back, reload the page and try again.")  # fmt: skip
        return _page(400, "Your session has ended",
                     "This form was not sent: you were signed out, or its page was open too "
                     "long. Go back, reload the page and try again.",
                     action=("Sign in again", url_for("auth.sign_in")))  # fmt: skip

    @app.errorhandler(500)
    def server_error(error):
        return _page_without_the_database(500, "Something went wrong on our side",
                     "The problem has been logged. Please try again in a moment.")  # fmt: skip
