"""Request and response bodies of the mail settings."""
from __future__ import annotations

from app.core.validation import OutSchema, Schema


class MailSettingsUpdate(Schema):
    send_transcripts: bool | None = None
    send_away_digests: bool | None = None


class MailSettingsOut(OutSchema):
    send_transcripts: bool
    send_away_digests: bool
