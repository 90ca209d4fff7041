"""Mail settings per project, and the bookkeeping that keeps a transcript to one per resolution."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime, utcnow
from app.extensions import db


class MailSettings(db.Model):
    """What the project mails on its own: transcripts on resolve (opt-in), away digests (on by default)."""

    __tablename__ = "mail_settings"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    send_transcripts: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    send_away_digests: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class TranscriptMail(db.Model):
    """One transcript per resolution of a conversation, however often the event is heard."""

    __tablename__ = "transcript_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    resolved_at: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (UniqueConstraint("conversation_id", "resolved_at"),)
