"""The web layer: thin blueprints by audience. Views parse input, call a service, render."""

from . import (
    access,
    addresses,
    auth,
    autocommit,
    certificates,
    credentials,
    errors,
    filters,
    forms,
    headers,
    inputs,
    learn,
    privacy,
    staff,
    supervise,
    system,
    verify,
)


def init_app(app):
    autocommit.init_app(app)  # first: before the signed-in account is read
    auth.init_app(app)
    inputs.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(learn.bp)
    app.register_blueprint(system.bp)
    app.register_blueprint(verify.bp)
    app.register_blueprint(certificates.bp)
    app.register_blueprint(credentials.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(supervise.bp)
    app.register_blueprint(privacy.bp)
    access.init_app(app)
    filters.init_app(app)
    forms.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    addresses.init_app(app)

    @app.context_processor
    def site_settings():
        return {
            "site_name": app.config["LMS_SITE_NAME"],
            "crisis_resources": app.config["LMS_CRISIS_RESOURCES"],
        }
