"""Conversations, their messages and what each agent has read."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import UTCDateTime, utcnow
from app.extensions import db

STATUSES = ("open", "pending", "resolved", "snoozed")
PRIORITIES = ("low", "normal", "high", "urgent")


class Conversation(db.Model):
    """A thread between one visitor and the project's team; `last_seq` numbers its messages."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id", ondelete="CASCADE"), index=True, nullable=False)
    status: Mapped[str] = mapped_column(String(16), default="open", nullable=False)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    priority: Mapped[str] = mapped_column(String(16), default="normal", nullable=False)
    tags: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    visitor_last_read_seq: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)

    __table_args__ = (
        Index("ix_conversations_project_activity", "project_id", "updated_at", "id"),
        Index("ix_conversations_project_status", "project_id", "status"),
    )


class Message(db.Model):
    """One message; (conversation_id, seq) is its gap-free position in the thread."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True, nullable=False)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    sender_type: Mapped[str] = mapped_column(String(16), nullable=False)
    sender_id: Mapped[int | None] = mapped_column(Integer)
    sender_name: Mapped[str | None] = mapped_column(String(120))
    content: Mapped[str] = mapped_column(Text, nullable=False)
    is_private: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    client_msg_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    attachments: Mapped[list["Attachment"]] = relationship(lazy="selectin", order_by="Attachment.id")

    __table_args__ = (
        UniqueConstraint("conversation_id", "seq"),
        # A retried send finds the stored message instead of storing a second one.
        UniqueConstraint("conversation_id", "sender_type", "sender_id", "client_msg_id"),
        Index("ix_messages_sender_client_msg", "sender_type", "sender_id", "client_msg_id"),
        # Full-text search (PostgreSQL): the same expression the search query uses, so the planner can use it.
        Index(
            "ix_messages_content_fts", text("to_tsvector('simple', content)"), postgresql_using="gin"
        ).ddl_if(dialect="postgresql"),
    )


class ConversationRead(db.Model):
    """The last seq an agent has read in a conversation (unread counts are last_seq minus this)."""

    __tablename__ = "conversation_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    last_read_seq: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    __table_args__ = (UniqueConstraint("conversation_id", "user_id"),)


class Attachment(db.Model):
    """An uploaded file; linked to a message once sent."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True, nullable=False)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), index=True)
    uploader_type: Mapped[str] = mapped_column(String(16), nullable=False)
    uploader_id: Mapped[int] = mapped_column(Integer, nullable=False)
    # The visitor who may download it: the uploader, or the visitor of the message's conversation.
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitors.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(127), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    storage_key: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class InboxSettings(db.Model):
    """Per-project inbox behaviour: auto-assignment, capacity, business hours, pre-chat form."""

    __tablename__ = "inbox_settings"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    auto_assign: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    agent_capacity: Mapped[int] = mapped_column(Integer, default=10, nullable=False)
    business_hours: Mapped[dict | None] = mapped_column(JSON)
    prechat: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    locale: Mapped[str] = mapped_column(String(16), default="en", nullable=False)
