"""The web layer: thin blueprints by audience. Views parse input, call a service, render."""

from ..extensions import login_manager
from ..services import accounts
from . import (
    auth,
    certificates,
    errors,
    filters,
    inputs,
    learn,
    privacy,
    staff,
    supervise,
    system,
    verify,
)


def init_app(app):
    login_manager.user_loader(accounts.user_by_id)
    inputs.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(learn.bp)
    app.register_blueprint(system.bp)
    app.register_blueprint(verify.bp)
    app.register_blueprint(certificates.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(supervise.bp)
    app.register_blueprint(privacy.bp)
    filters.init_app(app)
    errors.init_app(app)

    @app.context_processor
    def site_settings():
        return {
            "site_name": app.config["LMS_SITE_NAME"],
            "crisis_resources": app.config["LMS_CRISIS_RESOURCES"],
        }
