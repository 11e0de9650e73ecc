"""Error pages: a person never sees a stack trace."""

from flask import current_app, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError


def _page(status, title, message, action=None):
    """`action`: (label, url) of the one thing to do next, when it is not the home page."""
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": message}, status
    page = render_template(
        "errors/error.html", status=status, title=title, message=message, action=action
    )
    return page, status


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
        return _page(500, "Something went wrong on our side",
                     "The problem has been logged. Please try again in a moment.")  # fmt: skip
