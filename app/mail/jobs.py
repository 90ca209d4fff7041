"""The mail job: one message through the SMTP server named by SMTP_URL, retried with backoff.

Without SMTP_URL (embedded mode) the message goes to the log and to `instance/mail/`, so a
newcomer can open the verification or reset link.
"""
from __future__ import annotations

import logging
import re
import smtplib
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

log = logging.getLogger(__name__)

# Seconds to wait before each retry of a failed send; the last failure is logged with the mail.
RETRY_DELAYS = (1, 4, 15, 60)


def _message(to: str, subject: str, text: str, html: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    # One id for every attempt: a receiving server can drop a duplicate of a retried mail.
    message["Message-ID"] = make_msgid(domain="livechat.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _smtp_send(smtp_url: str, message: EmailMessage) -> None:
    url = urlsplit(smtp_url)
    options = parse_qs(url.query)
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname, url.port or (465 if url.scheme == "smtps" else 25), timeout=30) as smtp:
        if options.get("starttls", ["0"])[0] in ("1", "true"):
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def _keep_locally(message: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{re.sub(r'[^A-Za-z0-9@._-]', '_', message['To'])}.eml"
    (folder / name).write_bytes(bytes(message))
    log.warning("SMTP_URL is not set; this mail was not sent (kept in %s):\n%s", folder / name, message)


def deliver(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Send one mail, retrying transient failures with backoff; never dropped silently."""
    message = _message(to, subject, text, html)
    smtp_url = current_app.config["SMTP_URL"]
    if not smtp_url:
        _keep_locally(message)
        return
    delays = current_app.config.get("MAIL_RETRY_DELAYS", RETRY_DELAYS)
    for attempt in range(len(delays) + 1):
        try:
            _smtp_send(smtp_url, message)
            return
        except (smtplib.SMTPException, OSError) as error:
            if attempt == len(delays):
                log.error("mail to %s could not be sent after %d attempts (%s); the mail:\n%s",
                          to, attempt + 1, error, message)
                raise
            log.warning("mail to %s failed (attempt %d: %s); retrying in %ss", to, attempt + 1, error, delays[attempt])
            time.sleep(delays[attempt])


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text email (kept for jobs queued before templated mail existed)."""
    deliver(to, subject, body, None)
