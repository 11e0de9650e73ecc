"""The lms application: create_app wires settings, extensions, blueprints, commands, errors."""

from pathlib import Path

from flask import Flask
from flask.cli import FlaskGroup

from . import cli, jobs, web
from .config import PROJECT_ROOT, ConfigError, engine_options, load_settings
from .extensions import (
    csrf,
    db,
    end_request_session,
    login_manager,
    migrate,
    sqlite_write_ahead_log,
)
from .services.credentials import keyring

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config=None):
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(load_settings(app.instance_path))
    if config:
        app.config.from_mapping(config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))
    if app.config["LMS_ENV"] == "production":
        # Read the key ring once now: a ring that cannot sign would otherwise fail later, when a
        # certificate's credential is first needed (its email, a holder's download).
        problem = keyring.unusable_reason(app.config)
        if problem:
            raise ConfigError(problem)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    app.teardown_appcontext(end_request_session)  # runs before db's own: see its docstring
    with app.app_context():
        sqlite_write_ahead_log(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    jobs.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app


def main():
    """The `lms` console script: Flask's command group bound to this app. `lms keys` is found
    without making the app first: production refuses to start without the key ring it makes."""
    group = FlaskGroup(create_app=create_app)
    group.add_command(cli.keys_cli)
    group(prog_name="lms")
