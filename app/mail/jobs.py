"""The mail job: one message through the SMTP server named by SMTP_URL."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, current_app

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str, html: str | None = None) -> None:
    """Send an email (plain text, plus an HTML alternative when given); without SMTP_URL, log it instead."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")

    smtp_url = current_app.config["SMTP_URL"]
    if not smtp_url:
        log.warning("SMTP_URL is not set; this mail was not sent:\n%s", message)
        return
    url = urlsplit(smtp_url)
    options = parse_qs(url.query)
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname, url.port or (465 if url.scheme == "smtps" else 25), timeout=30) as smtp:
        if options.get("starttls", ["0"])[0] in ("1", "true"):
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def send_transcript(conversation_id: int) -> None:
    """Mail a resolved conversation's transcript to its visitor (when they left an email)."""
    from app.mail import service

    service.send_transcript(conversation_id)


def send_away_digest(conversation_id: int) -> None:
    """Mail the team what a visitor wrote while it was away (at most once per 15 minutes)."""
    from app.mail import service

    service.send_away_digest(conversation_id)


def init_app(app: Flask) -> None:
    """Transcripts and away digests hear every committed outbox row (durable subscriber)."""
    from app.core import outbox
    from app.mail import service

    outbox.subscribe("mail", service.on_outbox_event)
