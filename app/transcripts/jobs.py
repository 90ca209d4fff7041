"""Jobs of transcripts and away digests, on the "mail" queue, and their outbox subscription."""
from __future__ import annotations

from flask import Flask

from app.core import outbox
from app.transcripts import service


def send_transcript(conversation_id: int) -> None:
    """Mail a resolved conversation's transcript to its visitor (when they left an email)."""
    service.send_transcript(conversation_id)


def send_away_digest(conversation_id: int, after_seq: int, up_to_seq: int | None = None) -> None:
    """Mail the team what a visitor wrote while it was away (at most once per 15 minutes)."""
    service.send_away_digest(conversation_id, after_seq, up_to_seq)


def init_app(app: Flask) -> None:
    """Transcripts and away digests hear every committed outbox row (durable subscriber)."""
    outbox.subscribe("mail", service.on_outbox_event)
