"""Conversations: settings, shapes, locking, assignment, updates, lists and search.

Every change writes its outbox events in the same transaction and commits once.
"""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, literal_column, select, table, update

from app import audit
from app.core import outbox
from app.core.db import utcnow
from app.core.errors import BadRequest, NotFound, Unprocessable, ValidationFailed
from app.core.pagination import PageQuery, paginate
from app.core.tenancy import get_or_404, scoped
from app.extensions import db
from app.inbox import messages, reads
from app.inbox.models import Conversation, ConversationRead, InboxSettings, Message
from app.inbox.schemas import ConversationListQuery, ConversationOut, ConversationUpdate, InboxSettingsUpdate
from app.presence import service as presence
from app.projects import service as projects
from app.projects.models import Project
from app.users.models import User
from app.visitors.models import Visitor

OPEN_STATUSES = ("open", "pending", "snoozed")


def visitor_message_body(message: dict | Message) -> dict:
    """A message as a visitor may see it: its sender's name and avatar, never an agent's user id."""
    body = dict(message if isinstance(message, dict) else messages.message_body(message))
    if body["sender_type"] != "visitor":
        body["sender_id"] = None
    if body.get("sender"):
        body["sender"] = {"name": body["sender"].get("name"), "avatar_url": body["sender"].get("avatar_url")}
    return body


def conversation_body(conversation: Conversation) -> dict:
    """The conversation shape of ARCHITECTURE §6."""
    return ConversationOut.model_validate(conversation, from_attributes=True).model_dump(mode="json")


def widget_conversation_body(conversation: Conversation) -> dict:
    """What a visitor may know of its conversation."""
    return {
        "id": conversation.id,
        "status": conversation.status,
        "last_seq": conversation.last_seq,
        "visitor_last_read_seq": conversation.visitor_last_read_seq,
        # How far the team has read, so "Seen" survives a reload or another device.
        "agent_last_read_seq": db.session.scalar(
            select(func.coalesce(func.max(ConversationRead.last_read_seq), 0)).where(
                ConversationRead.conversation_id == conversation.id
            )
        ),
        "last_message_at": conversation.last_message_at.isoformat() if conversation.last_message_at else None,
        "created_at": conversation.created_at.isoformat(),
    }


def settings_for(project_id: int) -> InboxSettings:
    """The project's inbox settings (defaults until a manager saves some)."""
    settings = db.session.get(InboxSettings, project_id)
    if settings is None:
        settings = InboxSettings(project_id=project_id, auto_assign=False, agent_capacity=10, business_hours=None,
                                 prechat={"enabled": False, "fields": []}, locale="en")
    return settings


def update_settings(project: Project, data: InboxSettingsUpdate) -> InboxSettings:
    """Apply the given settings. Commits."""
    settings = db.session.get(InboxSettings, project.id)
    if settings is None:
        settings = settings_for(project.id)
        db.session.add(settings)
    fields = data.model_fields_set
    audit.record("inbox_settings.update", project_id=project.id, target=("inbox_settings", project.id),
                 changes=audit.diff(settings, data.model_dump(include=fields, exclude={"business_hours", "prechat"})))
    if data.auto_assign is not None:
        settings.auto_assign = data.auto_assign
    if data.agent_capacity is not None:
        settings.agent_capacity = data.agent_capacity
    if "business_hours" in fields:
        settings.business_hours = data.business_hours.model_dump() if data.business_hours else None
    if data.prechat is not None:
        settings.prechat = data.prechat.model_dump()
    if data.locale is not None:
        settings.locale = data.locale
    db.session.commit()
    return settings


def within_business_hours(settings: InboxSettings, now: datetime | None = None) -> bool:
    """True without configured hours, else whether `now` falls inside today's ranges."""
    hours = settings.business_hours
    if not hours or not hours.get("days"):
        return True
    local = (now or utcnow()).astimezone(ZoneInfo(hours.get("timezone", "UTC")))
    clock = local.strftime("%H:%M")
    return any(start <= clock < end for start, end in hours["days"].get(str(local.weekday()), []))


def _lock_conversation(conversation_id: int) -> Conversation:
    """Lock the conversation for the rest of the transaction and reload it.

    The no-op UPDATE is the transaction's first write: PostgreSQL row-locks
    the conversation until commit and SQLite takes its single writer lock,
    so reading `last_seq` below cannot race another sender on either database.
    """
    db.session.execute(
        update(Conversation).where(Conversation.id == conversation_id).values(last_seq=Conversation.last_seq),
        execution_options={"synchronize_session": False},
    )
    return db.session.scalar(
        select(Conversation).where(Conversation.id == conversation_id).with_for_update()
        .execution_options(populate_existing=True)
    )


def _lock_visitor(visitor_id: int) -> None:
    """Serialise a visitor's sends (lazy conversation creation) the same way; stamps last_seen_at."""
    db.session.execute(
        update(Visitor).where(Visitor.id == visitor_id).values(last_seen_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


def _append_internal_note(conversation: Conversation, content: str) -> Message:
    """A workflow line (status, assignment, an integration's doing) for agents only: stored private,
    so neither the widget's stream nor its sync ever carries it."""
    return messages._append(conversation, sender_type="system", sender_id=None, sender_name=None, content=content,
                   is_private=True)


def _append_joined(conversation: Conversation, agent_id: int) -> Message:
    """The one line about staffing a visitor sees: "Carol joined the conversation" (a name, no id)."""
    return messages._append(conversation, sender_type="system", sender_id=None, sender_name=None,
                   content=f"{_agent_name(agent_id)} joined the conversation")


def _publish_conversation(conversation: Conversation, event_type: str = "conversation.updated",
                          changes: dict | None = None) -> None:
    # A new conversation reaches agents as a full list row (visitor, last message) so it can be shown at once.
    if event_type == "conversation.created":
        body = conversation_rows([conversation], None)[0]  # nobody has read a brand-new thread
    else:
        body = conversation_body(conversation)
    outbox.publish(conversation.project_id, event_type, {
        "conversation": body,
        "widget_conversation": widget_conversation_body(conversation),
        "visitor_id": conversation.visitor_id,
        # {field: [before, after]} of status and assignee, for subscribers that react to a change.
        "changes": changes or {},
    })


def _new_conversation(project_id: int, visitor_id: int) -> Conversation:
    conversation = Conversation(project_id=project_id, visitor_id=visitor_id, status="open", priority="normal",
                                tags=[], last_seq=0, visitor_last_read_seq=0)
    db.session.add(conversation)
    db.session.flush()
    return conversation


def visitor_conversation(visitor: Visitor, conversation_id: int) -> Conversation:
    """One of the visitor's own conversations, or 404 (never another visitor's)."""
    conversation = db.session.scalar(
        select(Conversation).where(Conversation.id == conversation_id, Conversation.visitor_id == visitor.id)
    )
    if conversation is None:
        raise NotFound("This conversation does not exist.", code="conversation_not_found")
    return conversation


def visitor_conversations(visitor: Visitor) -> list[Conversation]:
    """The visitor's conversations, newest first."""
    return list(db.session.scalars(
        select(Conversation).where(Conversation.visitor_id == visitor.id).order_by(Conversation.id.desc()).limit(50)
    ))


def agent_presence(project: Project) -> list[dict]:
    """Each member's live status."""
    return [{"user_id": uid, "status": presence.agent_status(uid)} for uid in projects.member_user_ids(project.id)]


def get_conversation(project: Project, conversation_id: int) -> Conversation:
    """A conversation of the project, or 404."""
    return get_or_404(Conversation, conversation_id, project.id)


def _agent_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.name if user else "someone"


def update_conversation(project: Project, conversation_id: int, actor: User | None, data: ConversationUpdate,
                        *, actor_name: str | None = None) -> Conversation:
    """Change status, assignee, priority, tags or snooze; system messages record the visible changes. Commits.

    `actor_name` names a non-person actor (an automation rule) in those messages.
    """
    get_conversation(project, conversation_id)
    fields = data.model_fields_set
    if (
        "assignee_id" in fields
        and data.assignee_id is not None
        and data.assignee_id not in projects.member_user_ids(project.id)
    ):
        raise Unprocessable("The assignee is not a member of this project.", code="invalid_assignee")
    if data.status == "snoozed" and data.snoozed_until is None:
        raise ValidationFailed("Snoozing needs snoozed_until.", code="snoozed_until_required")
    if data.snoozed_until is not None and data.snoozed_until.tzinfo is None:
        raise ValidationFailed("snoozed_until needs a time zone (e.g. 2030-01-01T09:00:00Z).", code="naive_datetime")
    conversation = _lock_conversation(conversation_id)
    audit.record("conversation.update", project_id=project.id, target=("conversation", conversation.id),
                 changes=audit.diff(conversation, data.model_dump(include=fields)),
                 actor=("user", actor.id) if actor else None)
    actor_name = actor.name if actor else actor_name or "An integration"
    notes: list[str] = []
    changes: dict = {}
    joined = None
    if "assignee_id" in fields and data.assignee_id != conversation.assignee_id:
        changes["assignee_id"] = [conversation.assignee_id, data.assignee_id]
        conversation.assignee_id = joined = data.assignee_id
        notes.append(f"{actor_name} assigned this conversation to {_agent_name(data.assignee_id)}"
                     if data.assignee_id else f"{actor_name} unassigned this conversation")
    if data.status is not None and data.status != conversation.status:
        changes["status"] = [conversation.status, data.status]
        conversation.status = data.status
        conversation.resolved_at = utcnow() if data.status == "resolved" else None
        conversation.snoozed_until = data.snoozed_until if data.status == "snoozed" else None
        notes.append({
            "resolved": f"{actor_name} resolved this conversation",
            "open": f"{actor_name} reopened this conversation",
            "pending": f"{actor_name} marked this conversation as pending",
            "snoozed": f"{actor_name} snoozed this conversation",
        }[data.status])
    elif data.status == "snoozed":
        conversation.snoozed_until = data.snoozed_until
    if data.priority is not None:
        conversation.priority = data.priority
    if data.tags is not None:
        conversation.tags = data.tags
    if joined is not None:
        _append_joined(conversation, joined)
    for note in notes:
        _append_internal_note(conversation, note)
    db.session.flush()
    _publish_conversation(conversation, changes=changes)
    db.session.commit()
    return conversation


def _auto_assign(conversation: Conversation) -> None:
    """The project's auto-assignment of a new conversation, when it is on."""
    settings = settings_for(conversation.project_id)
    if settings.auto_assign:
        _assign_round_robin(conversation, settings, "This conversation was assigned to {agent}")


def _assign_round_robin(conversation: Conversation, settings: InboxSettings, note: str) -> int | None:
    """Round-robin among available agents under their capacity: fewest open conversations, longest idle first."""
    available = presence.available_agents(projects.member_user_ids(conversation.project_id))
    if not available:
        return None
    load = dict(db.session.execute(
        select(Conversation.assignee_id, func.count())
        .where(Conversation.project_id == conversation.project_id, Conversation.assignee_id.in_(available),
               Conversation.status.in_(OPEN_STATUSES))
        .group_by(Conversation.assignee_id)
    ).all())
    last_assigned = dict(db.session.execute(
        select(Conversation.assignee_id, func.max(Conversation.id))
        .where(Conversation.project_id == conversation.project_id, Conversation.assignee_id.in_(available))
        .group_by(Conversation.assignee_id)
    ).all())
    candidates = [uid for uid in available if load.get(uid, 0) < settings.agent_capacity]
    if not candidates:
        return None
    chosen = min(candidates, key=lambda uid: (load.get(uid, 0), last_assigned.get(uid, 0), uid))
    conversation.assignee_id = chosen
    _append_joined(conversation, chosen)
    _append_internal_note(conversation, note.format(agent=_agent_name(chosen)))
    return chosen


def assign_round_robin(project: Project, conversation_id: int, actor_name: str) -> int | None:
    """Assign by the auto-assignment's round-robin (whether or not auto-assign is on).

    Returns the chosen agent or None. Commits.
    """
    get_conversation(project, conversation_id)
    conversation = _lock_conversation(conversation_id)
    before = conversation.assignee_id
    chosen = _assign_round_robin(conversation, settings_for(project.id),
                                 f"{actor_name} assigned this conversation to {{agent}}")
    if chosen is not None and chosen != before:
        db.session.flush()
        _publish_conversation(conversation, changes={"assignee_id": [before, chosen]})
    db.session.commit()
    return chosen


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_condition(project_id: int, text: str):
    """Conversations with a message containing every word of `text` (as word beginnings).

    PostgreSQL matches on its GIN index (0003), SQLite on its FTS5 index (0004).
    Words are quoted terms, so nothing a person types acts as search syntax;
    text with no words at all falls back to a substring match.
    """
    words = re.findall(r"\w+", text)
    if not words:
        match = Message.content.ilike(f"%{_escape_like(text)}%", escape="\\")
    elif db.engine.dialect.name == "postgresql":
        terms = " & ".join(f"'{word}':*" for word in words)
        match = func.to_tsvector("simple", Message.content).bool_op("@@")(func.to_tsquery("simple", terms))
    else:
        terms = " ".join(f'"{word}"*' for word in words)
        matching_ids = select(literal_column("rowid")).select_from(table("messages_fts")).where(
            literal_column("messages_fts").op("MATCH")(terms)
        )
        match = Message.id.in_(matching_ids)
    return Conversation.id.in_(select(Message.conversation_id).where(Message.project_id == project_id, match))


def list_conversations(
    project: Project, user: User | None, query: ConversationListQuery
) -> tuple[list[dict], str | None]:
    """Filtered, most recently active first, with visitor, last message and the caller's unread count."""
    stmt = scoped(Conversation, project.id)
    if query.status:
        stmt = stmt.where(Conversation.status == query.status)
    if query.assignee == "me":
        if user is None:
            raise BadRequest("assignee=me needs a signed-in agent.", code="assignee_me_needs_user")
        stmt = stmt.where(Conversation.assignee_id == user.id)
    elif query.assignee == "none":
        stmt = stmt.where(Conversation.assignee_id.is_(None))
    elif query.assignee == "any":
        stmt = stmt.where(Conversation.assignee_id.is_not(None))
    elif query.assignee:
        stmt = stmt.where(Conversation.assignee_id == int(query.assignee))
    if query.visitor_id:
        stmt = stmt.where(Conversation.visitor_id == query.visitor_id)
    if query.q:
        stmt = stmt.where(search_condition(project.id, query.q))
    if query.tag:
        # Tags are a JSON list of quote-free strings, so the quoted tag matches its exact element on both databases.
        stmt = stmt.where(
            func.lower(func.cast(Conversation.tags, db.String)).contains(f'"{query.tag.lower()}"', autoescape=True)
        )
    rows, next_cursor = paginate(stmt, [Conversation.updated_at, Conversation.id],
                                 PageQuery(limit=query.limit, cursor=query.cursor))
    return conversation_rows(rows, user), next_cursor


def conversation_rows(rows: list[Conversation], user: User | None) -> list[dict]:
    """Conversations with their visitor, last message and unread count, in three queries."""
    ids = [c.id for c in rows]
    visitors = {
        v.id: v for v in db.session.scalars(select(Visitor).where(Visitor.id.in_({c.visitor_id for c in rows})))
    }
    online = presence.online_ids(presence.VISITOR, visitors)
    last_messages = {m.conversation_id: m for m in db.session.scalars(
        select(Message).join(Conversation, and_(Message.conversation_id == Conversation.id,
                                                Message.seq == Conversation.last_seq))
        .where(Conversation.id.in_(ids))
    )}
    unread = reads.unread_counts(ids, user)
    result = []
    for conversation in rows:
        body = conversation_body(conversation)
        visitor = visitors.get(conversation.visitor_id)
        body["visitor"] = visitor and {"id": visitor.id, "name": visitor.name, "email": visitor.email,
                                       "online": visitor.id in online,
                                       "is_identity_verified": visitor.is_identity_verified}
        last = last_messages.get(conversation.id)
        body["last_message"] = last and {"content": last.content, "sender_type": last.sender_type,
                                         "private": last.is_private, "created_at": last.created_at.isoformat()}
        body["unread_count"] = unread.get(conversation.id, 0)
        result.append(body)
    return result


def visitor_conversation_rows(
    project: Project, visitor_id: int, user: User | None, page: PageQuery
) -> tuple[list[dict], str | None]:
    """A visitor's conversations for agents."""
    get_or_404(Visitor, visitor_id, project.id)
    rows, next_cursor = paginate(scoped(Conversation, project.id).where(Conversation.visitor_id == visitor_id),
                                 [Conversation.id], page)
    return conversation_rows(rows, user), next_cursor


def conversation_in_projects(project_ids: list[int], conversation_id: int) -> Conversation:
    """A conversation of one of these projects, or 404."""
    conversation = db.session.scalar(select(Conversation).where(
        Conversation.id == conversation_id, Conversation.project_id.in_(project_ids or [0])))
    if conversation is None:
        raise NotFound("This conversation does not exist.", code="conversation_not_found")
    return conversation


def latest_open_conversation(visitor: Visitor) -> Conversation | None:
    """The visitor's current conversation (typing without a conversation id refers to it)."""
    return db.session.scalar(
        select(Conversation).where(Conversation.visitor_id == visitor.id, Conversation.status != "resolved")
        .order_by(Conversation.id.desc()).limit(1)
    )


def wake_snoozed(now: datetime | None = None) -> int:
    """Reopen conversations whose snooze has ended (the periodic `inbox.jobs.wake_snoozed`). Commits."""
    due = list(db.session.scalars(select(Conversation.id).where(
        Conversation.status == "snoozed", Conversation.snoozed_until <= (now or utcnow()))))
    for conversation_id in due:
        conversation = _lock_conversation(conversation_id)
        if conversation.status != "snoozed":
            continue
        conversation.status = "open"
        conversation.snoozed_until = None
        _append_internal_note(conversation, "The snooze ended; this conversation is open again")
        db.session.flush()
        _publish_conversation(conversation, changes={"status": ["snoozed", "open"]})
        outbox.publish(conversation.project_id, "conversation.woke_up",
                       {"conversation_id": conversation.id, "visitor_id": conversation.visitor_id})
        db.session.commit()
    return len(due)
