"""Settings from LMS_* environment variables."""

import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

import lms
from lms import create_app
from lms.config import BUNDLED_COURSES, ConfigError, load_settings
from lms.extensions import db
from lms.services.credentials import keyring


@pytest.fixture
def clean_env(monkeypatch):
    for name in ["LMS_ENV", "LMS_SECRET_KEY", "LMS_DATABASE_URL", "LMS_COURSES_DIR",
                 "LMS_SITE_NAME", "LMS_CRISIS_RESOURCES", "LMS_BASE_URL", "LMS_TRUSTED_HOSTS",
                 "LMS_SESSION_IDLE_MINUTES", "LMS_SESSION_MAX_HOURS", "LMS_TIMEZONE",
                 "LMS_ISSUER_KEYS", "LMS_ISSUER_NAME", "LMS_PUBLISH_REVIEW", "LMS_DB_POOL_SIZE",
                 "LMS_DB_MAX_OVERFLOW", "LMS_DB_PRE_PING", "LMS_REDIS_URL",
                 "LMS_QUEUE_FILE", "LMS_PAPER_SIZE"]:  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_without_a_secret_key_refuses_to_start(clean_env):
    clean_env.setenv("LMS_ENV", "production")

    with pytest.raises(ConfigError, match="LMS_SECRET_KEY is not set.*LMS_ENV=production"):
        create_app()


def production(env, tmp_path, ring=None):
    """Every production setting that start-up asks for; the issuer key ring at `ring`."""
    env.setenv("LMS_ENV", "production")
    env.setenv("LMS_SECRET_KEY", "k" * 64)
    env.setenv("LMS_BASE_URL", "https://training.example.org/")
    env.setenv("LMS_ISSUER_KEYS", str(ring or tmp_path / "issuer-keys.json"))
    env.setenv("LMS_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")


def test_production_with_a_secret_key_starts_with_secure_cookies(clean_env, tmp_path):
    production(clean_env, tmp_path)
    keyring.add_key(tmp_path / "issuer-keys.json")

    app = create_app()

    assert app.config["SECRET_KEY"] == "k" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["LMS_BASE_URL"] == "https://training.example.org"


def test_production_without_an_issuer_key_ring_refuses_to_start(clean_env, tmp_path):
    clean_env.setenv("LMS_ENV", "production")
    clean_env.setenv("LMS_SECRET_KEY", "k" * 64)
    clean_env.setenv("LMS_BASE_URL", "https://training.example.org")
    clean_env.setenv("LMS_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")

    with pytest.raises(ConfigError, match="LMS_ISSUER_KEYS is not set.*lms keys generate"):
        create_app()


def test_production_with_a_missing_key_ring_refuses_to_start(clean_env, tmp_path):
    ring = tmp_path / "issuer-keys.json"
    production(clean_env, tmp_path, ring)

    with pytest.raises(ConfigError, match=f"{ring} does not exist: run `lms keys generate"):
        create_app()
    assert not ring.exists()  # production never makes one


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "is not JSON \\(line 1, column 2.*`lms keys generate`"),
        (b'{"keys": []}', 'has no "keys" list'),
        (b"\x89PNG\r\n", "is not UTF-8 text"),
    ],
)
def test_production_with_a_broken_key_ring_refuses_to_start(clean_env, tmp_path, content, message):
    ring = tmp_path / "issuer-keys.json"
    ring.write_bytes(content)
    production(clean_env, tmp_path, ring)

    with pytest.raises(ConfigError, match=f"LMS_ISSUER_KEYS: {ring} {message}"):
        create_app()


def test_production_with_retired_keys_only_refuses_to_start(clean_env, tmp_path):
    ring = tmp_path / "issuer-keys.json"
    keyring.add_key(ring)
    ring.write_text(ring.read_text().replace('"secretKeyMultibase"', '"x"'))
    production(clean_env, tmp_path, ring)

    with pytest.raises(ConfigError, match="only retired public keys: run `lms keys generate`"):
        create_app()


@contextmanager
def as_another_user():
    """Run the block as a user who is not the ring's owner (nobody, when the tests run as
    root: root reads every file whatever its mode)."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_production_with_a_key_ring_it_cannot_read_refuses_to_start(clean_env, tmp_path):
    # A folder anyone may enter (pytest's own are its owner's only), so that only the ring's
    # mode keeps the other user out.
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)
        ring = Path(folder) / "issuer-keys.json"
        keyring.add_key(ring)
        ring.chmod(0o600)
        production(clean_env, tmp_path, ring)

        with as_another_user(), pytest.raises(ConfigError) as refused:
            create_app()
        ring.chmod(0o640 if os.geteuid() != 0 else 0o644)
        with as_another_user():
            readable = keyring.unusable_reason(load_settings(tmp_path))

    message = str(refused.value)
    assert message.startswith(f"LMS_ISSUER_KEYS: the key ring {ring} cannot be read by the user")
    assert f"`chgrp lms {ring} && chmod 640 {ring}`" in message
    assert readable is None


@pytest.mark.parametrize("setting", ["", "the ring"])
def test_the_lms_command_makes_the_first_ring_that_production_start_up_asks_for(
    clean_env, tmp_path, setting
):
    """`lms keys generate` runs although production refuses to make an app without a ring."""
    ring = tmp_path / "issuer-keys.json"
    production(clean_env, tmp_path, ring)
    if not setting:
        clean_env.delenv("LMS_ISSUER_KEYS")
    with pytest.raises(ConfigError):
        create_app()
    clean_env.setenv("PYTHONPATH", str(Path(lms.__file__).parent.parent))  # this checkout's lms

    made = subprocess.run(
        [sys.executable, "-c", "import lms; lms.main()", "keys", "generate", "--file", str(ring)],
        capture_output=True, text=True, cwd=tmp_path, env=os.environ, timeout=60,
    )  # fmt: skip

    assert made.returncode == 0, made.stderr
    assert f"to {ring} (mode 640)" in made.stdout
    assert "did:web:training.example.org#key-" in made.stdout
    clean_env.setenv("LMS_ISSUER_KEYS", str(ring))
    assert create_app().config["LMS_ISSUER_KEYS"] == str(ring)


def test_production_without_a_base_url_refuses_to_start(clean_env, tmp_path):
    clean_env.setenv("LMS_ENV", "production")
    clean_env.setenv("LMS_SECRET_KEY", "k" * 64)
    clean_env.setenv("LMS_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")

    with pytest.raises(ConfigError, match="LMS_BASE_URL is not set.*LMS_ENV=production"):
        create_app()


@pytest.mark.parametrize("value", ["training.example.org", "ftp://training.example.org"])
def test_a_base_url_that_is_not_a_full_web_address_refuses_to_start(clean_env, value):
    clean_env.setenv("LMS_BASE_URL", value)

    with pytest.raises(ConfigError, match="set it to a full address starting with https://"):
        create_app()


@pytest.mark.parametrize("value", ["0", "-5", "thirty", "３０"])
def test_session_times_must_be_whole_numbers(clean_env, value):
    clean_env.setenv("LMS_SESSION_IDLE_MINUTES", value)

    with pytest.raises(ConfigError, match="LMS_SESSION_IDLE_MINUTES is .*whole number"):
        create_app()


def test_an_unknown_environment_name_is_an_error(clean_env):
    clean_env.setenv("LMS_ENV", "prod")

    with pytest.raises(ConfigError, match="LMS_ENV is 'prod'"):
        create_app()


def test_defaults_use_sqlite_in_the_instance_folder_and_the_bundled_courses(clean_env):
    app = create_app()

    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(
        Path(app.instance_path) / "lms.db"
    )
    assert app.config["LMS_COURSES_DIR"] == str(BUNDLED_COURSES)
    assert app.config["LMS_ENV"] == "development"
    assert app.config["SESSION_COOKIE_SECURE"] is False
    # Outside production a key is made once and kept, so sign-ins survive a restart.
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_settings_are_read_from_the_environment(clean_env, tmp_path):
    clean_env.setenv("LMS_DATABASE_URL", "postgresql+psycopg://u@h/db")
    clean_env.setenv("LMS_COURSES_DIR", str(tmp_path))
    clean_env.setenv("LMS_SITE_NAME", "Hope Academy")
    clean_env.setenv("LMS_CRISIS_RESOURCES", "Call the on-call worker | Text the team")
    clean_env.setenv("LMS_SECRET_KEY", "s")

    config = create_app().config

    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["LMS_COURSES_DIR"] == str(tmp_path)
    assert config["LMS_SITE_NAME"] == "Hope Academy"
    assert config["LMS_CRISIS_RESOURCES"] == ["Call the on-call worker", "Text the team"]


def test_the_time_zone_defaults_to_new_york_and_an_unknown_one_stops_start_up(clean_env, tmp_path):
    assert load_settings(tmp_path)["LMS_TIMEZONE"] == "America/New_York"
    clean_env.setenv("LMS_TIMEZONE", "America/Chicago")
    assert load_settings(tmp_path)["LMS_TIMEZONE"] == "America/Chicago"
    for wrong in ("Mars/Olympus", "../../etc/passwd", "EST5EDT/x"):
        clean_env.setenv("LMS_TIMEZONE", wrong)
        with pytest.raises(ConfigError, match="LMS_TIMEZONE is .*IANA"):
            load_settings(tmp_path)


def test_certificates_are_on_us_letter_unless_set_to_a4_and_a_wrong_size_stops_start_up(
    clean_env, tmp_path
):
    assert load_settings(tmp_path)["LMS_PAPER_SIZE"] == "letter"
    for size, read in (("A4", "a4"), (" a4 ", "a4"), ("Letter", "letter")):
        clean_env.setenv("LMS_PAPER_SIZE", size)
        assert load_settings(tmp_path)["LMS_PAPER_SIZE"] == read
    clean_env.setenv("LMS_PAPER_SIZE", "legal")
    with pytest.raises(
        ConfigError, match="LMS_PAPER_SIZE is 'legal': set it to 'letter' .* or 'a4'"
    ):
        load_settings(tmp_path)


def test_the_publish_review_rule_defaults_to_off_and_a_wrong_value_stops_start_up(
    clean_env, tmp_path
):
    assert load_settings(tmp_path)["LMS_PUBLISH_REVIEW"] == "off"
    for mode in ("certifying", "all", "ALL "):
        clean_env.setenv("LMS_PUBLISH_REVIEW", mode)
        assert load_settings(tmp_path)["LMS_PUBLISH_REVIEW"] == mode.strip().lower()
    clean_env.setenv("LMS_PUBLISH_REVIEW", "yes")
    with pytest.raises(ConfigError, match="LMS_PUBLISH_REVIEW is 'yes': set it to 'off'"):
        load_settings(tmp_path)


def test_the_connection_pool_has_measured_defaults_and_reads_its_settings(clean_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'pool.db'}"
    options = create_app({"SQLALCHEMY_DATABASE_URI": url}).config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"pool_pre_ping": True, "pool_size": 4, "max_overflow": 4}

    clean_env.setenv("LMS_DB_POOL_SIZE", "8")
    clean_env.setenv("LMS_DB_MAX_OVERFLOW", "0")
    clean_env.setenv("LMS_DB_PRE_PING", "off")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_pre_ping": False,
        "pool_size": 8,
        "max_overflow": 0,
    }
    with app.app_context():
        assert db.engine.pool.size() == 8


def test_an_in_memory_database_gets_no_pool_sizes(clean_env):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "LMS_DB_POOL_SIZE",
            "0",
            "LMS_DB_POOL_SIZE is '0': set it to a whole number of at least 1",
        ),
        ("LMS_DB_POOL_SIZE", "many", "LMS_DB_POOL_SIZE is 'many': set it to a whole number"),
        ("LMS_DB_MAX_OVERFLOW", "-1", "LMS_DB_MAX_OVERFLOW is '-1': .* at least 0"),
        ("LMS_DB_PRE_PING", "maybe", r"LMS_DB_PRE_PING is 'maybe': set it to 1 \(on\) or 0"),
    ],
)
def test_wrong_pool_settings_stop_start_up_with_a_message(clean_env, name, value, message):
    clean_env.setenv(name, value)

    with pytest.raises(ConfigError, match=message):
        create_app()


POSTGRESQL = "postgresql+psycopg://lms@db.internal/lms"


def test_production_on_postgresql_asks_for_redis_for_the_queue(clean_env, tmp_path):
    production(clean_env, tmp_path)
    clean_env.setenv("LMS_DATABASE_URL", POSTGRESQL)

    with pytest.raises(ConfigError, match="LMS_REDIS_URL is not set.*LMS_QUEUE_FILE"):
        load_settings(str(tmp_path))

    clean_env.setenv("LMS_REDIS_URL", "redis://127.0.0.1:6379/0")
    assert load_settings(str(tmp_path))["LMS_REDIS_URL"] == "redis://127.0.0.1:6379/0"


def test_one_machine_on_postgresql_may_keep_the_queue_in_a_file_it_names(clean_env, tmp_path):
    production(clean_env, tmp_path)
    clean_env.setenv("LMS_DATABASE_URL", POSTGRESQL)
    clean_env.setenv("LMS_QUEUE_FILE", str(tmp_path / "queue.db"))

    settings = load_settings(str(tmp_path))

    assert settings["LMS_REDIS_URL"] == "" and settings["LMS_QUEUE_FILE"] == str(
        tmp_path / "queue.db"
    )


def test_development_on_postgresql_keeps_the_queue_file_in_instance(clean_env, tmp_path):
    clean_env.setenv("LMS_DATABASE_URL", POSTGRESQL)

    assert load_settings(str(tmp_path))["LMS_QUEUE_FILE"] == str(tmp_path / "huey.db")
