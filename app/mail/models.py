"""Mail settings per project and the bookkeeping that keeps transcripts and away digests to one each."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
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


class AwayDigest(db.Model):
    """Per conversation: what the team was last mailed about, and whether a digest is on its way."""

    __tablename__ = "away_digests"

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    # Messages after this seq are not mailed yet.
    mailed_seq: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
