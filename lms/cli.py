"""The `lms` command group: course checking and publishing, the demo set-up, accounts."""

import logging
import os
from functools import wraps
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo, with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from . import clock
from .config import ConfigError
from .content.domains import hours_summary
from .content.loader import load_courses
from .content.model import ContentError
from .extensions import db
from .jobs import jobs_of
from .models import ROLES
from .services import health
from .services.authoring.publishing import sync_courses
from .services.credentials import keyring, verifying
from .services.learning import live_demo
from .services.people import accounts, password_reset, supervision

courses_cli = AppGroup("courses", help="Check and publish the course files.")
users_cli = AppGroup("users", help="Create accounts and password-reset links.")
keys_cli = AppGroup("keys", help="The issuer's keys that sign credentials.")
credentials_cli = AppGroup("credentials", help="Signed Open Badges 3.0 credentials.")

DEMO_ACCOUNTS = (
    ("trainee@demo.example", "Dana Trainee", ["trainee"], "demo-trainee-pass"),
    ("supervisor@demo.example", "Sam Supervisor", ["supervisor"], "demo-supervisor-pass"),
    ("author@demo.example", "Ari Author", ["author"], "demo-author-pass"),
    ("staff@demo.example", "Pat Staff", ["staff"], "demo-staff-pass"),
    ("admin@demo.example", "Alex Admin", ["admin"], "demo-admin-pass"),
)


def schema_problem():
    """What is wrong with the database for this version, in lines to print; None if nothing."""
    try:
        missing = health.missing_tables()
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        return [
            f"Error: the database cannot be reached ({reason}).",
            "Check LMS_DATABASE_URL and that the database server is running.",
        ]
    if missing == sorted(db.metadata.tables):
        return ["The database has no tables yet: run `lms db upgrade` first."]
    if missing:
        return [
            f"The database lacks tables this version needs ({', '.join(missing)}): "
            "run `lms db upgrade` first."
        ]
    return None


def needs_schema(command):
    """For commands that use the database: when it cannot be reached, or has none (or not all) of
    the tables, say what to do in one line instead of a SQLAlchemy traceback, and exit 1."""

    @wraps(command)
    def checked(*args, **kwargs):
        problem = schema_problem()
        if problem:
            for line in problem:
                click.echo(line, err=True)
            raise SystemExit(1)
        return command(*args, **kwargs)

    return checked


def _folder(path):
    """The folder to read, and how to show it in messages (relative to here when inside it)."""
    folder = Path(path or current_app.config["LMS_COURSES_DIR"])
    shown = os.path.relpath(folder.resolve())
    return folder, (str(folder) if shown.startswith("..") else shown)


def _summary(problems):
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


@courses_cli.command("check")
@click.argument("path", required=False, type=click.Path(file_okay=False))
def check_command(path):
    """Read the course files and print every problem; the database is not touched."""
    folder, shown = _folder(path)
    result = load_courses(folder, shown)
    for problem in result.problems:
        click.echo(str(problem))
    for course in result.courses:
        click.echo(hours_summary(course))
    modules = sum(len(c.modules) for c in result.courses)
    if result.problems:
        click.echo(f"{_summary(result.problems)} in {shown}", err=True)
        raise SystemExit(1)
    sessions = sum(len(c.sessions) for c in result.courses)
    counted = f"{modules} modules" + (f", {sessions} live sessions" if sessions else "")
    click.echo(f"{shown}: {len(result.courses)} courses, {counted}, no problems", err=True)


@courses_cli.command("sync")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@needs_schema
def sync_command(path):
    """Publish the course files into the database: everything, or nothing if there is an error."""
    folder, shown = _folder(path)
    try:
        report = sync_courses(folder, shown)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem))
        click.echo(f"{_summary(error.problems)}: nothing was published", err=True)
        raise SystemExit(1) from None
    for problem in report.warnings:
        click.echo(str(problem))
    for line in _report_lines(report):
        click.echo(line)


def _report_lines(report):
    if not report.changed:
        yield "Everything is up to date: nothing changed."
        return
    labels = (
        ("courses added", report.courses_added),
        ("courses updated", report.courses_updated),
        ("courses retired", report.courses_retired),
        ("new module versions", report.versions_added),
        ("modules retired", report.modules_retired),
        ("new live session versions", report.session_versions_added),
        ("live sessions retired", report.sessions_retired),
    )
    for label, items in labels:
        if items:
            yield f"{label} ({len(items)}): {', '.join(items)}"
    yield f"modules unchanged: {report.modules_unchanged}"
    if report.sessions_unchanged:
        yield f"live sessions unchanged: {report.sessions_unchanged}"


@click.command("demo")
@with_appcontext
def demo_command():
    """Create the database, publish the bundled courses and make one demo account per role."""
    if current_app.config["LMS_ENV"] == "production":
        click.echo("lms demo refuses to run when LMS_ENV=production: it creates known passwords.")
        raise SystemExit(1)
    # Here, not at the top: Alembic is heavy and a web worker never needs it (lms/extensions.py).
    from flask_migrate import upgrade

    upgrade()
    folder, shown = _folder(None)
    try:
        report = sync_courses(folder, shown)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem))
        raise SystemExit(1) from None
    for line in _report_lines(report):
        click.echo(line)
    click.echo("\nDemo accounts (sign in with the email and password):")
    users = {}
    for email, name, roles, password in DEMO_ACCOUNTS:
        users[roles[0]] = accounts.ensure_user(email, name, roles, password)
        click.echo(f"  {roles[0]:<11} {email:<26} {password}")
    # So the demo trainee can have practice hours approved on the way to a certificate.
    supervision.assign_supervisor(users["trainee"].id, users["supervisor"].id)
    click.echo("The demo supervisor supervises the demo trainee.")
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    meeting = live_demo.ensure_demo_meeting(users["trainee"], users["supervisor"], zone)
    if meeting is not None:
        when = meeting.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        click.echo(
            f"Live session “{meeting.version.title}” is scheduled for {meeting.cohort.name} on "
            f"{when}, facilitated by the demo supervisor."
        )


@users_cli.command("create")
@click.option("--email", required=True, help="The email address they will sign in with.")
@click.option("--name", required=True, help="Their name, as shown on certificates.")
@click.option(
    "--role", "roles", required=True, multiple=True,
    help=f"One of {', '.join(ROLES)}; repeat for several.",
)  # fmt: skip
@click.option("--password", help="Their password; leave it out to have one made and printed.")
@needs_schema
def create_user_command(email, name, roles, password):
    """Create an account."""
    try:
        user, generated = accounts.create_account(email, name, list(roles), password)
    except accounts.AccountError as error:
        for field, message in error.problems.items():
            click.echo(f"Error: {field + ': ' if field else ''}{message}", err=True)
        raise SystemExit(1) from None
    roles_shown = ", ".join(sorted(user.role_names))
    click.echo(f"Created the account of {user.name} <{user.email}> ({roles_shown}).")
    if generated:
        click.echo(f"Password (shown only now, hand it over privately): {generated}")


@users_cli.command("reset-link")
@click.argument("email")
@needs_schema
def reset_link_command(email):
    """Print a link that lets the account with EMAIL choose a new password (one hour, once)."""
    try:
        user, token = password_reset.reset_token_for_email(email, current_app.config["SECRET_KEY"])
    except accounts.NoSuchAccount:
        message = f"Error: no account uses {email}. Check the spelling, or use lms users create."
        click.echo(message, err=True)
        raise SystemExit(1) from None
    path = current_app.url_map.bind("localhost").build("auth.reset_password", {"token": token})
    base = current_app.config["LMS_BASE_URL"]
    click.echo(f"Reset link for {user.name} <{user.email}>; it works for one hour, once:", err=True)
    if not base:
        click.echo(
            "LMS_BASE_URL is not set, so this is the path only: put the site's address "
            "(for example https://training.example.org) in front of it.",
            err=True,
        )
    click.echo(base + path)


def _settings_for_keys():
    """The app's settings; or, when production start-up refuses (no usable key ring yet, which is
    what `lms keys generate` makes or repairs), the two settings this command reads, taken from
    the environment as start-up would."""
    try:
        return click.get_current_context().ensure_object(ScriptInfo).load_app().config
    except ConfigError:
        return {
            "LMS_ISSUER_KEYS": os.environ.get("LMS_ISSUER_KEYS", ""),
            "LMS_BASE_URL": os.environ.get("LMS_BASE_URL", "").rstrip("/"),
        }


# Not run in an app context: production refuses to make an app until the ring this makes exists
# (lms.main registers the group so that `lms keys` is found before the app is made).
@keys_cli.command("generate", with_appcontext=False)
@click.option(
    "--file", "path", type=click.Path(dir_okay=False),
    help="The key ring to add a key to (made if missing); LMS_ISSUER_KEYS when not given.",
)  # fmt: skip
def generate_key_command(path):
    """Add a new signing key to the issuer's key ring: new credentials are signed with it, and
    the keys before it keep only their public half so that what they signed still verifies."""
    config = _settings_for_keys()
    setting = config["LMS_ISSUER_KEYS"]
    if path is None:
        if setting.lstrip().startswith("{"):
            click.echo(
                "Error: LMS_ISSUER_KEYS holds the key ring itself, not a path: give the file to "
                "write with --file, then put its contents in LMS_ISSUER_KEYS.",
                err=True,
            )
            raise SystemExit(2)
        path = setting
    try:
        key = keyring.add_key(path)
    except (keyring.KeyFileError, OSError) as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(1) from None
    mode = os.stat(path).st_mode & 0o777
    click.echo(f"Added signing key {key.id} to {path} (mode {mode:o}).")
    click.echo(f"Its verification method: {keyring.verification_method(config, key)}")
    click.echo(
        "Keep a backup of this file: it is the only copy of the secret key. Every app instance "
        "needs the same file (LMS_ISSUER_KEYS), readable by the user the app runs as (e.g. "
        f"`chgrp lms {path} && chmod 640 {path}`): copy it to each one, then restart each."
    )


@credentials_cli.command("verify")
@click.argument("file", type=click.File("rb"))
def verify_credential_command(file):
    """Check a credential file (- for standard input): its format, signature, dates and
    revocation, one check a line, then the verdict. Exit 0: valid; 1: not valid, or not fully
    checked here (another issuer's did:web key or status list is never fetched); 2: the file is
    not a credential."""
    data = file.read(verifying.MAX_BYTES + 1)
    config = current_app.config
    result = verifying.verify_file(data, config, clock.now())
    if result.verdict == verifying.UNREADABLE:
        click.echo(f"Error: {result.problem}", err=True)
        raise SystemExit(2)
    # Our own credentials' revocation is read from the database: say so when it cannot be.
    problem = schema_problem() if result.ours else None
    for line in _verification_lines(result):
        click.echo(line)
    if problem:
        click.echo("Revocation could not be checked against this site's status lists:", err=True)
        for line in problem:
            click.echo(line, err=True)
    raise SystemExit(0 if result.verdict == verifying.VALID and not problem else 1)


def _verification_lines(result):
    marks = {True: "pass", False: "FAIL"}
    for label, check in result.labelled():
        mark = "not checked here" if check.unchecked else marks[check.ok]
        yield f"{label}: {mark}: {check.words}"
    if result.issuer_id:
        this_site = ", this site" if result.ours else ""
        yield f"Issuer: {result.issuer_name or 'no name given'} ({result.issuer_id}{this_site})"
    if result.achievement_name:
        yield f"Achievement: {result.achievement_name}"
    if result.holder_name:
        yield f"Awarded to: {result.holder_name}"
    yield result.summary


@click.command("worker")
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64),
    help="How many tasks may run at once (threads).",
)  # fmt: skip
@with_appcontext
@needs_schema
def worker_command(workers):
    """Run the background worker: sends queued emails, signs new certificates' credentials, daily
    renewal reminders, weekly digests."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = current_app.config
    where = (
        f"Redis ({_without_password(settings['LMS_REDIS_URL'])})"
        if settings["LMS_REDIS_URL"]
        else settings["LMS_QUEUE_FILE"]
    )
    click.echo(f"Worker: queue {settings['LMS_QUEUE_NAME']!r} in {where}, {workers} at once.")
    consumer = jobs_of(current_app).huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()


def _without_password(url):
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def init_app(app):
    app.cli.add_command(worker_command)
    app.cli.add_command(courses_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(credentials_cli)
    app.cli.add_command(demo_command)
