"""Who each conversation waits for, and the scheduler's look at what became due.

The engine keeps one row per conversation from message events (only in projects
with a no-reply rule); the periodic tick asks, per time-based rule, for the rows
whose deadline (`since` + minutes) fell between its last look and now, through
the (project_id, waiting_for, since) index: the cost of a tick is what became
due, whatever the number of open conversations.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.actions.engine import Context, Event
from app.actions.models import ActionRule, ActionRun, ConversationTimer
from app.extensions import db
from app.inbox.models import Message

BATCH = 500
# Each look reaches this far behind the last one as well: a timer that was updated late
# (its message's record reached the engine after the deadline) still fires; the runs
# already recorded are filtered out in one query, so the overlap costs little.
LATE_MARGIN = timedelta(minutes=15)


def track_message(project_id: int, conversation_id: int, message: dict) -> None:
    """Move a conversation's wait on by one message (a late or repeated message changes nothing)."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(ConversationTimer).values(
        conversation_id=conversation_id, project_id=project_id, waiting_for=None, since=None, since_seq=0,
        seen_seq=0, awaiting_first_response=True,
    ).on_conflict_do_nothing(index_elements=["conversation_id"]))
    timer = db.session.scalar(select(ConversationTimer).where(ConversationTimer.conversation_id == conversation_id)
                              .with_for_update())
    seq = int(message["seq"])
    if timer is None or seq <= timer.seen_seq:
        return
    timer.seen_seq = seq
    if message.get("private"):
        return  # a private note answers nobody
    at = datetime.fromisoformat(message["created_at"])
    if message["sender_type"] == "visitor":
        if timer.waiting_for != "agent":  # the wait starts with the first unanswered visitor message
            timer.waiting_for, timer.since, timer.since_seq = "agent", at, seq
    elif message["sender_type"] == "agent" and message.get("sender_id") is not None:
        # A person answered (an automated message is no answer).
        timer.waiting_for, timer.since, timer.since_seq = "visitor", at, seq
        timer.awaiting_first_response = False


def due_events(rule: ActionRule, now: datetime) -> tuple[list[Event], datetime]:
    """The rule's events whose deadline passed since its last look (and not run yet); and how far it reached."""
    minutes = timedelta(minutes=rule.trigger["minutes"])
    waiting_for = "agent" if rule.trigger_type == "no_agent_reply" else "visitor"
    start = (rule.scanned_until or rule.created_at) - minutes - LATE_MARGIN
    stmt = select(ConversationTimer).where(
        ConversationTimer.project_id == rule.project_id, ConversationTimer.waiting_for == waiting_for,
        ConversationTimer.since <= now - minutes,
    )
    if rule.trigger.get("first_response_only"):
        stmt = stmt.where(ConversationTimer.awaiting_first_response.is_(True))
    events: list[Event] = []
    after = (start, 0)
    while True:
        # Keyset pages over (since, conversation_id): the index serves each page.
        rows = list(db.session.scalars(stmt.where(or_(
            ConversationTimer.since > after[0],
            and_(ConversationTimer.since == after[0], ConversationTimer.conversation_id > after[1]),
        )).order_by(ConversationTimer.since, ConversationTimer.conversation_id).limit(BATCH)))
        page = [Event(key=f"{rule.trigger_type}:{row.conversation_id}:{row.since_seq}", type=rule.trigger_type,
                      project_id=rule.project_id, conversation_id=row.conversation_id, since_seq=row.since_seq,
                      extra={"first_response": row.awaiting_first_response})
                for row in rows]
        done = set(db.session.scalars(select(ActionRun.event_key).where(
            ActionRun.rule_id == rule.id, ActionRun.event_key.in_([event.key for event in page] or [""]))))
        events.extend(event for event in page if event.key not in done)
        if len(rows) < BATCH:
            return events, now
        after = (rows[-1].since, rows[-1].conversation_id)


def still_waiting(event: Event, context: Context) -> bool:
    """Re-checked on the messages themselves: the timer may lag behind a reply not yet processed."""
    conversation = context.conversation
    if conversation is None:
        return False
    answer = Message.conversation_id == conversation.id, Message.seq > (event.since_seq or 0)
    if event.type == "no_agent_reply":
        if conversation.status != "open":
            return False
        replied = exists().where(*answer, Message.sender_type == "agent", Message.sender_id.is_not(None),
                                 Message.is_private.is_(False))
    else:
        if conversation.status not in ("open", "pending"):
            return False
        replied = exists().where(*answer, Message.sender_type == "visitor")
    return not db.session.scalar(select(replied))
