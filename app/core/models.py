"""Tables owned by the core seams."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime, utcnow
from app.extensions import Model


class OutboxEvent(Model):
    """An event written in the same transaction as the change it describes.

    The relay emits unpublished rows to Socket.IO and stamps `published_at`;
    separately it hands undispatched rows to the durable subscribers (webhooks,
    automation …) and stamps `dispatched_at`.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    event_type: Mapped[str] = mapped_column(String(64), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dispatch_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)
    # The web process whose fast path emits this row; the relay leaves it to that process while it lives.
    emitter: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_outbox_unpublished", "published_at", "id"),
        Index("ix_outbox_undispatched", "dispatched_at", "id"),
    )
