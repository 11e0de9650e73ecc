"""Error pages: a person never sees a stack trace."""

from flask import render_template, request


def _page(status, title, message):
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": message}, status
    return render_template("errors/error.html", status=status, title=title, message=message), status


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

    @app.errorhandler(500)
    def server_error(error):
        return _page(500, "Something went wrong on our side",
                     "The problem has been logged. Please try again in a moment.")  # fmt: skip
