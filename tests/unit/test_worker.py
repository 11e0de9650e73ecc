"""The real consumer: `lms worker` started as its own process sends an email this test queued, on
the embedded SQLite queue, and on Redis when LMS_TEST_REDIS_URL names one (CI sets it for one
run). Also: the queue's settings, checked at start-up."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from huey import RedisHuey, SqliteHuey
from sqlalchemy import select

from lms.config import ConfigError, load_settings
from lms.extensions import db
from lms.jobs import jobs_of, make_huey
from lms.models import OutgoingEmail
from lms.services import outbox
from tests.web.test_password_reset import Inbox, free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "")
WAIT_SECONDS = 60  # generous: a slow CI machine starts Python, Flask and Huey first


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def worker_environment(app, smtp_port):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("LMS_") or name.startswith("LMS_TEST_")
    }
    env.update(
        PYTHONPATH=str(ROOT),  # this checkout's lms, not an installed one
        LMS_ENV="testing",
        LMS_SECRET_KEY="worker-test-secret",
        LMS_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        LMS_COURSES_DIR=app.config["LMS_COURSES_DIR"],
        LMS_QUEUE_FILE=app.config["LMS_QUEUE_FILE"],
        LMS_QUEUE_NAME=app.config["LMS_QUEUE_NAME"],
        LMS_REDIS_URL=app.config["LMS_REDIS_URL"],
        LMS_SMTP_HOST="127.0.0.1",
        LMS_SMTP_PORT=str(smtp_port),
        LMS_SMTP_FROM="training@example.org",
        LMS_SMTP_SECURITY="none",
        LMS_BASE_URL="https://training.example.org",
    )
    return env


def status_of(app, email_id):
    with app.app_context():
        query = select(OutgoingEmail.status).where(OutgoingEmail.id == email_id)
        status = db.session.scalar(query)
        db.session.rollback()
        return status


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_the_worker_process_sends_a_queued_email(app, inbox, backend):
    handler, smtp_port = inbox
    if backend == "redis":
        if not REDIS_URL:
            pytest.skip("set LMS_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/5) to run on Redis")
        # A name of this run's own, so that runs never take each other's tasks; only its keys
        # are flushed afterwards.
        app.config.update(LMS_REDIS_URL=REDIS_URL, LMS_QUEUE_NAME=f"lms-test-{uuid.uuid4().hex}")
    huey = jobs_of(app).huey
    assert isinstance(huey, RedisHuey if backend == "redis" else SqliteHuey)
    with app.app_context():
        email_id = outbox.post_email("dana@example.org", "From the worker", "Hello.\n", "test")
        email_id = email_id.id
    assert huey.pending_count() == 1  # waiting in the queue for a worker

    worker = subprocess.Popen(
        [sys.executable, "-c", "from lms import main; main()", "worker", "--workers", "1"],
        cwd=ROOT,
        env=worker_environment(app, smtp_port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while status_of(app, email_id) == "queued" and time.monotonic() < deadline:
            if worker.poll() is not None:
                break
            time.sleep(0.2)
        status = status_of(app, email_id)
    finally:
        worker.send_signal(signal.SIGINT)  # Ctrl+C: a graceful stop
        try:
            output = worker.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0]
        if backend == "redis":
            huey.flush()

    assert status == "sent", output
    [(recipients, message)] = handler.messages
    assert recipients == ["dana@example.org"] and message["Subject"] == "From the worker"
    assert "Worker: queue" in output and "1 at once" in output
    assert worker.returncode == 0, output


def test_the_queue_is_a_sqlite_file_in_instance_by_default(monkeypatch, tmp_path):
    for name in ("LMS_REDIS_URL", "LMS_QUEUE_NAME", "LMS_QUEUE_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LMS_SECRET_KEY", "k")

    settings = load_settings(tmp_path)

    assert settings["LMS_QUEUE_FILE"] == str(tmp_path / "huey.db")
    assert settings["LMS_QUEUE_NAME"] == "lms" and settings["LMS_REDIS_URL"] == ""
    huey = make_huey(settings)
    assert isinstance(huey, SqliteHuey) and huey.storage.filename == str(tmp_path / "huey.db")


def test_redis_is_used_when_its_address_is_set(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_SECRET_KEY", "k")
    monkeypatch.setenv("LMS_REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("LMS_QUEUE_NAME", "lms-staging")

    huey = make_huey(load_settings(tmp_path))

    assert isinstance(huey, RedisHuey) and huey.name == "lms-staging"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LMS_REDIS_URL", "127.0.0.1:6379", "LMS_REDIS_URL is '127.0.0.1:6379': set it to a Redis"),
        ("LMS_REDIS_URL", "http://cache:6379/0", "LMS_REDIS_URL is 'http://cache:6379/0'"),
        ("LMS_REDIS_URL", "redis://cache:port/0", "LMS_REDIS_URL is 'redis://cache:port/0'"),
        ("LMS_QUEUE_NAME", "lms queue", "LMS_QUEUE_NAME is 'lms queue': use letters, digits"),
    ],
)
def test_a_wrong_queue_setting_stops_start_up_with_a_message(
    monkeypatch, tmp_path, name, value, message
):
    monkeypatch.setenv("LMS_SECRET_KEY", "k")
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path)
