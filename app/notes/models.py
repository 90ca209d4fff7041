"""Visitor notes: what agents write down about a visitor, never shown to the visitor."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Timestamped
from app.extensions import db


class VisitorNote(Timestamped, db.Model):
    """One note; its author edits it, its author or a manager deletes it."""

    __tablename__ = "visitor_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id", ondelete="CASCADE"), nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    content: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (Index("ix_visitor_notes_visitor", "project_id", "visitor_id", "id"),)
