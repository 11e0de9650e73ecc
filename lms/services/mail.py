"""Outgoing email over SMTP, configured by the LMS_SMTP_* settings."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

TIMEOUT = 10  # seconds: a slow mail server must not hold a page for long


class MailError(OSError):
    """The mail server could not be reached or refused the message."""


def mail_configured(settings):
    """Whether emails can be sent: a mail server, and the site's own address to link to."""
    return bool(settings.get("LMS_SMTP_HOST") and settings.get("LMS_BASE_URL"))


def send_mail(settings, to, subject, body, attachments=()):
    """Send one plain-text message, with (file name, media type, bytes) attachments. MailError if
    it could not be handed to the server."""
    message = EmailMessage()
    message["From"] = settings["LMS_SMTP_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings["LMS_SMTP_FROM"].rpartition("@")[2] or None)
    message.set_content(body)
    for name, media_type, data in attachments:
        maintype, _, subtype = media_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)

    host, port = settings["LMS_SMTP_HOST"], settings["LMS_SMTP_PORT"]
    security = settings.get("LMS_SMTP_SECURITY", "starttls")
    try:
        if security == "ssl":
            context = ssl.create_default_context()
            server = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=TIMEOUT)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if settings.get("LMS_SMTP_USERNAME"):
                server.login(settings["LMS_SMTP_USERNAME"], settings.get("LMS_SMTP_PASSWORD", ""))
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"could not send mail through {host}:{port}: {error}") from error
