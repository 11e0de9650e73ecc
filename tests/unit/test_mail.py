"""The LMS_SMTP_* and LMS_OPEN_REGISTRATION settings, and sending through a real local server."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from lms.config import ConfigError, load_settings
from lms.services import mail

SMTP_VARIABLES = [
    "LMS_SMTP_HOST",
    "LMS_SMTP_PORT",
    "LMS_SMTP_USERNAME",
    "LMS_SMTP_PASSWORD",
    "LMS_SMTP_FROM",
    "LMS_SMTP_SECURITY",
    "LMS_OPEN_REGISTRATION",
]


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in [*SMTP_VARIABLES, "LMS_BASE_URL"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LMS_SECRET_KEY", "k")
    return monkeypatch


def test_defaults_send_no_mail_and_leave_sign_up_open(env, tmp_path):
    settings = load_settings(tmp_path)

    assert not mail.mail_configured(settings)
    assert settings["LMS_SMTP_PORT"] == 587 and settings["LMS_SMTP_SECURITY"] == "starttls"
    assert settings["LMS_OPEN_REGISTRATION"] is True


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"LMS_SMTP_SECURITY": "tls"}, "LMS_SMTP_SECURITY is 'tls': set it to 'starttls', 'ssl'"),
        ({"LMS_SMTP_PORT": "smtp"}, "LMS_SMTP_PORT is 'smtp': set it to a port number"),
        (
            {"LMS_SMTP_HOST": "mail.example.org", "LMS_BASE_URL": "https://t.example.org"},
            "LMS_SMTP_HOST is set but LMS_SMTP_FROM is not",
        ),
        (
            {"LMS_SMTP_HOST": "mail.example.org", "LMS_SMTP_FROM": "t@example.org"},
            "LMS_SMTP_HOST is set but LMS_BASE_URL is not",
        ),
    ],
)
def test_a_wrong_mail_setting_stops_start_up_with_a_message(env, tmp_path, variables, message):
    for name, value in variables.items():
        env.setenv(name, value)

    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path)


@pytest.mark.parametrize("value", ["0", "false", "off", "No"])
def test_sign_up_can_be_switched_off(env, tmp_path, value):
    env.setenv("LMS_OPEN_REGISTRATION", value)

    assert load_settings(tmp_path)["LMS_OPEN_REGISTRATION"] is False


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def test_send_mail_delivers_a_plain_text_message(env, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env.setenv("LMS_SMTP_HOST", "127.0.0.1")
        env.setenv("LMS_SMTP_PORT", str(port))
        env.setenv("LMS_SMTP_FROM", "training@example.org")
        env.setenv("LMS_SMTP_SECURITY", "none")
        env.setenv("LMS_BASE_URL", "https://training.example.org")
        settings = load_settings(tmp_path)

        mail.send_mail(settings, "dana@example.org", "Hello", "Café at ten.\n")
    finally:
        controller.stop()

    [message] = inbox.messages
    assert (message["To"], message["From"], message["Subject"]) == (
        "dana@example.org",
        "training@example.org",
        "Hello",
    )
    assert message.get_content().rstrip() == "Café at ten."


def test_an_unreachable_server_is_a_mail_error(env, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = {
        "LMS_SMTP_HOST": "127.0.0.1",
        "LMS_SMTP_PORT": port,
        "LMS_SMTP_FROM": "t@example.org",
        "LMS_SMTP_SECURITY": "none",
    }

    with pytest.raises(mail.MailError, match=f"could not send mail through 127.0.0.1:{port}"):
        mail.send_mail(settings, "dana@example.org", "Hello", "Body")
