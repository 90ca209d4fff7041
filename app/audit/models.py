"""The audit trail: who did what to which target, when and from where."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime, utcnow
from app.extensions import db


class AuditLog(db.Model):
    """One audited action. `project_id` is set for project actions, `user_id` for account events.

    Neither is a foreign key: the trail of a deleted project or account outlives it until the
    retention job removes it.
    """

    __tablename__ = "audit_logs"
    __table_args__ = (
        Index("ix_audit_logs_project_id_id", "project_id", "id"),
        Index("ix_audit_logs_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    project_id: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_type: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)
