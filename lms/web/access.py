"""Who may use a route, declared on the route itself: the one place that decides access.

Every view carries exactly one policy decorator: @public, @signed_in, or @role("staff", ...).
The policy is recorded on the view function (`access_policy`) so a test can walk the URL map and
check that every route declares one and that each role gets the answer its policy promises.
"""

from functools import wraps

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

# The course workspace: authors write draft courses there and ask to publish them; staff and
# admins publish them (or decline the requests), and have the staff tools besides.
PUBLISHERS = ("staff", "admin")
WORKSPACE_ROLES = ("author", *PUBLISHERS)


def _declare(view, policy):
    view.access_policy = policy
    return view


def public(view):
    """Anyone, signed in or not."""
    return _declare(view, ("public",))


def signed_in(view):
    """Any signed-in account; others are sent to sign in and brought back afterwards."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return _declare(wrapper, ("signed_in",))


def role(*names):
    """Signed in and holding at least one of these roles; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if not current_user.has_role(*names):
                abort(403)
            return view(*args, **kwargs)

        return _declare(wrapper, ("role", *names))

    return decorator


def may_open(endpoint):
    """Would the route's declared policy let the current user in? For a link shown only to
    those who may follow it (a template global), decided by the route's own policy."""
    policy = current_app.view_functions[endpoint].access_policy
    if policy[0] == "public":
        return True
    if not current_user.is_authenticated:
        return False
    return policy[0] == "signed_in" or current_user.has_role(*policy[1:])


def init_app(app):
    app.add_template_global(may_open)
