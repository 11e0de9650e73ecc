"""Settings, read once from the environment (every variable starts with LMS_)."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_COURSES = PROJECT_ROOT / "courses"

DEFAULT_CRISIS_RESOURCES = (
    "If you or someone you support may be in danger right now, call your local emergency number."
)


# Connections each app process keeps open, and how many more it may open for a burst (used by
# engine_options; deploy/README.md explains the numbers: one connection for each of a worker's
# four threads).
DEFAULT_POOL_SIZE = 4
DEFAULT_MAX_OVERFLOW = 4


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which variable to set."""


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def load_settings(instance_path):
    """Return Flask settings built from LMS_* environment variables."""
    env = _env("LMS_ENV", "development")
    if env not in ("development", "production", "testing"):
        raise ConfigError(
            f"LMS_ENV is {env!r}: set it to 'development', 'production' or 'testing'."
        )
    database_url = _env("LMS_DATABASE_URL") or "sqlite:///" + str(Path(instance_path) / "lms.db")
    crisis = _env("LMS_CRISIS_RESOURCES", DEFAULT_CRISIS_RESOURCES)
    return {
        "LMS_ENV": env,
        "SECRET_KEY": _secret_key(env, instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        **_pool_settings(),
        "LMS_COURSES_DIR": _env("LMS_COURSES_DIR", str(BUNDLED_COURSES)),
        "LMS_SITE_NAME": _env("LMS_SITE_NAME", "Peer Support Training"),
        # Where the app is reached from outside, for links in emails, PDFs and QR codes; empty
        # (never in production) means "the address the request came in on, if it is trusted".
        "LMS_BASE_URL": _base_url(env),
        # The organisation named as issuer in signed credentials (Open Badges 3.0).
        "LMS_ISSUER_NAME": _env("LMS_ISSUER_NAME", _env("LMS_SITE_NAME", "Peer Support Training")),
        "LMS_ISSUER_KEYS": _issuer_keys(env, instance_path),
        "LMS_TRUSTED_HOSTS": [
            host.strip().lower()
            for host in _env("LMS_TRUSTED_HOSTS", "localhost,127.0.0.1,::1").split(",")
            if host.strip()
        ],
        # A shared computer or a lost phone should not stay signed in for long.
        "LMS_SESSION_IDLE_MINUTES": _positive_int("LMS_SESSION_IDLE_MINUTES", 30),
        "LMS_SESSION_MAX_HOURS": _positive_int("LMS_SESSION_MAX_HOURS", 12),
        "LMS_CRISIS_RESOURCES": [line.strip() for line in crisis.split("|") if line.strip()],
        # The program's own time zone: staff schedule live sessions in it and pages show it.
        "LMS_TIMEZONE": _time_zone(),
        # The paper certificates' PDFs are laid out for (landscape): US Letter unless set to A4.
        "LMS_PAPER_SIZE": _paper_size(),
        "LMS_OPEN_REGISTRATION": _env("LMS_OPEN_REGISTRATION", "1").strip().lower()
        not in ("0", "false", "no", "off"),
        # The two-person rule for publishing from the course workspace (see _publish_review).
        "LMS_PUBLISH_REVIEW": _publish_review(),
        **_smtp_settings(_env("LMS_BASE_URL", "")),
        **_queue_settings(instance_path, env, database_url),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "TESTING": env == "testing",
        # The largest request: a 10 MB evidence file (services.logbook.evidence) and its form.
        # Larger ones get the "too large" page (413) before anything reads them. A view that takes
        # a file declares its own limit (lms.web.inputs.accepts_file): the zip imports raise it,
        # the workspace's image upload lowers it, and the 413 page names the declared one.
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,
    }


def _base_url(env):
    base_url = _env("LMS_BASE_URL", "").rstrip("/")
    if env == "production" and not base_url:
        # Otherwise links in PDFs, QR codes and reset links would follow the request's Host
        # header, which whoever sends the request chooses.
        raise ConfigError(
            "LMS_BASE_URL is not set. In production (LMS_ENV=production) set it to the address "
            "people use to reach this site, for example https://training.example.org, so that "
            "links in certificates, QR codes and emails lead here."
        )
    if base_url and not base_url.startswith(("https://", "http://")):
        raise ConfigError(
            f"LMS_BASE_URL is {base_url!r}: set it to a full address starting with https://, "
            "for example https://training.example.org."
        )
    return base_url


def _issuer_keys(env, instance_path):
    """The key ring that signs credentials: a path, or the ring's JSON itself. Outside production
    a ring is made in instance/ on first use; production never invents a key: every instance
    must sign with the same one, and a key made on one machine would be unknown to the others."""
    keys = _env("LMS_ISSUER_KEYS")
    if keys:
        return keys
    if env == "production":
        raise ConfigError(
            "LMS_ISSUER_KEYS is not set. In production (LMS_ENV=production) make the key ring "
            "that signs credentials with `lms keys generate --file /etc/lms/issuer-keys.json`, "
            "keep a backup of it, and set LMS_ISSUER_KEYS to its path on every instance."
        )
    return str(Path(instance_path) / "issuer_keys.json")


def _pool_settings():
    """The connection pool of each app process (one per gunicorn worker). The defaults were chosen
    by measurement (tests/deploy/bench_pool.py, figures in deploy/README.md): a gthread worker of
    4 threads needs up to 4 connections at once, and checking a connection before using it
    (pre-ping) costs a round trip that is cheaper than a failed page after a database restart."""
    pre_ping = _env("LMS_DB_PRE_PING", "1").strip().lower()
    if pre_ping not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
        raise ConfigError(f"LMS_DB_PRE_PING is {pre_ping!r}: set it to 1 (on) or 0 (off).")
    return {
        "LMS_DB_PRE_PING": pre_ping in ("1", "true", "yes", "on"),
        "LMS_DB_POOL_SIZE": _whole_number("LMS_DB_POOL_SIZE", DEFAULT_POOL_SIZE, least=1),
        "LMS_DB_MAX_OVERFLOW": _whole_number("LMS_DB_MAX_OVERFLOW", DEFAULT_MAX_OVERFLOW, least=0),
    }


def engine_options(config):
    """SQLAlchemy's engine options from the settings, for the database the app finally uses (a
    test may pass its own URL after the environment was read)."""
    options = {"pool_pre_ping": config["LMS_DB_PRE_PING"]}
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite") and (url in ("sqlite://", "sqlite:///") or ":memory:" in url):
        return options  # an in-memory SQLite database has one connection a thread, no pool
    options.update(pool_size=config["LMS_DB_POOL_SIZE"], max_overflow=config["LMS_DB_MAX_OVERFLOW"])
    return options


def _whole_number(name, default, least):
    value = _env(name, str(default)).strip()
    if not value.isascii() or not value.isdigit() or int(value) < least:
        raise ConfigError(
            f"{name} is {value!r}: set it to a whole number of at least {least}"
            f" (the default is {default})."
        )
    return int(value)


def _time_zone():
    name = _env("LMS_TIMEZONE", "America/New_York").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"LMS_TIMEZONE is {name!r}: set it to a time zone name such as America/New_York, "
            "America/Chicago, America/Denver or America/Los_Angeles (the IANA names)."
        ) from None
    return name


PAPER_SIZES = ("letter", "a4")


def _paper_size():
    size = _env("LMS_PAPER_SIZE", "letter").strip().lower()
    if size not in PAPER_SIZES:
        raise ConfigError(
            f"LMS_PAPER_SIZE is {size!r}: set it to 'letter' (US Letter, the default) or 'a4' "
            "(for programs that print certificates on A4)."
        )
    return size


PUBLISH_REVIEW_MODES = ("off", "certifying", "all")


def _publish_review():
    """Who may publish a draft course: 'off', anyone on staff, their own changes too;
    'certifying', a course that carries certification weight needs a second person (some
    programs' rule for such content); 'all', every course does."""
    mode = _env("LMS_PUBLISH_REVIEW", "off").strip().lower()
    if mode not in PUBLISH_REVIEW_MODES:
        raise ConfigError(
            f"LMS_PUBLISH_REVIEW is {mode!r}: set it to 'off' (staff publish their own changes), "
            "'certifying' (a second person publishes courses that carry certification weight) "
            "or 'all' (a second person publishes every course)."
        )
    return mode


def _positive_int(name, default):
    value = _env(name, str(default)).strip()
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} is {value!r}: set it to a whole number of at least 1.")
    return int(value)


def _smtp_settings(base_url):
    """Outgoing email (password-reset links); with no LMS_SMTP_HOST, no email is sent."""
    host = _env("LMS_SMTP_HOST", "")
    security = _env("LMS_SMTP_SECURITY", "starttls").lower()
    if security not in ("starttls", "ssl", "none"):
        raise ConfigError(
            f"LMS_SMTP_SECURITY is {security!r}: set it to 'starttls', 'ssl' or 'none'."
        )
    port = _env("LMS_SMTP_PORT", "587")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"LMS_SMTP_PORT is {port!r}: set it to a port number such as 587.")
    sender = _env("LMS_SMTP_FROM", "")
    if host and not sender:
        raise ConfigError(
            "LMS_SMTP_HOST is set but LMS_SMTP_FROM is not: set it to the address emails come "
            "from, for example training@example.org."
        )
    if host and not base_url:
        # Links in emails must not be built from the Host header of whoever asked for them.
        raise ConfigError(
            "LMS_SMTP_HOST is set but LMS_BASE_URL is not: set it to the address people use to "
            "reach this site, for example https://training.example.org, so that links in emails "
            "lead here."
        )
    return {
        "LMS_SMTP_HOST": host,
        "LMS_SMTP_PORT": int(port),
        "LMS_SMTP_USERNAME": _env("LMS_SMTP_USERNAME", ""),
        "LMS_SMTP_PASSWORD": _env("LMS_SMTP_PASSWORD", ""),
        "LMS_SMTP_FROM": sender,
        "LMS_SMTP_SECURITY": security,
    }


def _queue_settings(instance_path, env, database_url):
    """The background worker's queue (Huey): a SQLite file in instance/ by default, so that the
    first command needs no other server; Redis when LMS_REDIS_URL names one.

    In production on PostgreSQL (the database of a site that may run on several machines) a
    queue file would be state on one machine's disk that the others need: start-up asks for
    Redis, unless LMS_QUEUE_FILE is set to say that one machine runs the app and its worker."""
    redis_url = _env("LMS_REDIS_URL", "").strip()
    if (
        env == "production"
        and not redis_url
        and not _env("LMS_QUEUE_FILE")
        and database_url.startswith("postgresql")
    ):
        raise ConfigError(
            "LMS_REDIS_URL is not set: with LMS_ENV=production on PostgreSQL the background "
            "queue must be where every app instance and the worker reach it. Set LMS_REDIS_URL "
            "to your Redis server, e.g. redis://127.0.0.1:6379/0; or, when one machine runs the "
            "app and its worker, set LMS_QUEUE_FILE to the queue file they share, e.g. "
            "/var/lib/lms/huey.db."
        )
    if redis_url:
        parts = urlsplit(redis_url)
        try:
            parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
        except ValueError:
            parts = None
        if (
            parts is None
            or parts.scheme not in ("redis", "rediss", "unix")
            or not (parts.hostname or parts.path)
        ):
            raise ConfigError(
                f"LMS_REDIS_URL is {redis_url!r}: set it to a Redis address such as "
                "redis://127.0.0.1:6379/0 (or rediss:// for TLS), or leave it empty to keep the "
                "queue in a SQLite file in instance/."
            )
    name = _env("LMS_QUEUE_NAME", "lms").strip()
    if not name.replace("-", "").replace("_", "").isalnum() or not name.isascii():
        raise ConfigError(
            f"LMS_QUEUE_NAME is {name!r}: use letters, digits, '-' and '_' only, e.g. lms."
        )
    return {
        "LMS_REDIS_URL": redis_url,
        "LMS_QUEUE_NAME": name,
        "LMS_QUEUE_FILE": _env("LMS_QUEUE_FILE", str(Path(instance_path) / "huey.db")),
    }


def _secret_key(env, instance_path):
    key = _env("LMS_SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise ConfigError(
            "LMS_SECRET_KEY is not set. In production (LMS_ENV=production) set it to a long "
            'random string, for example the output of: python3 -c "import secrets; '
            'print(secrets.token_hex(32))"'
        )
    # Outside production, keep one random key in the instance folder so that sign-ins
    # survive a restart without anyone having to configure anything.
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    return key
