"""Views that declare their statements stand alone (services/autocommit.py): on PostgreSQL they
run in autocommit, two round trips a page fewer. Declared on the route, like its access policy;
only for pages that read, or write one statement at a time with no lock to hold: the trainee's
catalogue, dashboard, course and module pages, and a quiz attempt's result."""

from flask import request, session

from ..services import autocommit as autocommit_service
from .auth.signed_in import SESSION_TOKEN


def autocommit(view):
    """Run the view's statements in autocommit on PostgreSQL (reads and one-statement writes)."""
    view.autocommit = True
    return view


def init_app(app):
    """Must run before any other before_request function that reads the database (the signed-in
    account is loaded in one): the choice is made before the request's first statement.

    A page for signed-in people asked without a sign-in only sends the visitor to sign in: it
    is left alone, so that it takes no connection from the pool."""

    @app.before_request
    def autocommit_where_declared():
        view = app.view_functions.get(request.endpoint)
        if not getattr(view, "autocommit", False) or request.method not in ("GET", "HEAD"):
            return
        if view.access_policy != ("public",) and SESSION_TOKEN not in session:
            return
        autocommit_service.begin_in_autocommit()
