"""Automation rules, their runs, and the per-conversation timers of the time-based triggers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Timestamped, UTCDateTime, utcnow
from app.extensions import db


class ActionRule(Timestamped, db.Model):
    """A manager's rule: when `trigger` happens and `conditions` hold, run `effects` in order.

    Trigger, conditions and effects are validated JSON (app.actions.schemas); they are
    evaluated in Python over loaded rows, never turned into query text.
    """

    __tablename__ = "action_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    # Copied out of `trigger` so the engine finds a project's rules for one event type by index.
    trigger_type: Mapped[str] = mapped_column(String(40), nullable=False)
    trigger: Mapped[dict] = mapped_column(JSON, nullable=False)
    conditions: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    match: Mapped[str] = mapped_column(String(8), default="all", nullable=False)
    effects: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    run_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Time-based rules: deadlines up to here have been looked at by the scheduler.
    scanned_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_action_rules_project_trigger", "project_id", "trigger_type", "enabled"),)


class ActionRun(db.Model):
    """One evaluation of a rule for one event; (rule_id, event_key) is unique, so a retry runs nothing twice."""

    __tablename__ = "action_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True, nullable=False)
    rule_id: Mapped[int] = mapped_column(ForeignKey("action_rules.id", ondelete="CASCADE"), nullable=False)
    event_key: Mapped[str] = mapped_column(String(80), nullable=False)
    event_type: Mapped[str] = mapped_column(String(40), nullable=False)
    conversation_id: Mapped[int | None] = mapped_column(Integer)
    matched: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    effects_done: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        UniqueConstraint("rule_id", "event_key"),
        Index("ix_action_runs_rule_id", "rule_id", "id"),
    )


class ConversationTimer(db.Model):
    """Who a conversation waits for, since when: the input of the no-reply triggers.

    Kept by the engine from message events. The scheduler reads only the rows whose
    deadline passed since its last look, through (waiting_for, since), so a tick
    costs what became due, not the number of open conversations.
    """

    __tablename__ = "action_conversation_timers"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    # "agent" after a visitor wrote, "visitor" after an agent answered, None when nobody is awaited.
    waiting_for: Mapped[str | None] = mapped_column(String(8))
    since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The seq of the message that started the wait: a new wait is a new event for the runs table.
    since_seq: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # The newest message seq taken into account (events may arrive late or twice).
    seen_seq: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # True until an agent's first public reply (the "first response" variant of no_agent_reply).
    awaiting_first_response: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    __table_args__ = (Index("ix_action_timers_due", "project_id", "waiting_for", "since"),)
