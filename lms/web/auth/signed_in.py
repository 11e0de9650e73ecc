"""Which account a request comes from: the session cookie names a session row in the database
(lms/services/people/sessions.py), so that ending a session anywhere ends it everywhere."""

from datetime import timedelta

from flask import current_app, request, session
from flask_login import current_user, login_user, logout_user

from ...extensions import login_manager
from ...services.people import sessions

# The key in Flask's signed session cookie that holds the session's random token.
SESSION_TOKEN = "_sid"


def _limits():
    settings = current_app.config
    return (
        timedelta(minutes=settings["LMS_SESSION_IDLE_MINUTES"]),
        timedelta(hours=settings["LMS_SESSION_MAX_HOURS"]),
    )


def load_user(user_id):
    """Flask-Login's user loader: the account, only while its session is live."""
    return sessions.signed_in_user(user_id, session.get(SESSION_TOKEN), *_limits())


def begin_session(user):
    session.clear()  # a new session on sign-in: nothing set before it (fixation) survives
    login_user(user, remember=False)
    session[SESSION_TOKEN] = sessions.start_session(user.id, *_limits())


def end_session():
    sessions.end_session(session.get(SESSION_TOKEN))
    logout_user()
    session.clear()


def session_token():
    return session.get(SESSION_TOKEN)


def init_app(app):
    login_manager.user_loader(load_user)

    @app.before_request
    def load_signed_in_user():
        # Loaded before the view runs, so that noting when the session was last seen (a commit)
        # never happens in the middle of a view's own changes. Static files need no account.
        if request.endpoint != "static":
            current_user._get_current_object()
