"""Conversations and messages: ordered, idempotent, durable sends and everything agents do to threads.

Every change writes its outbox events in the same transaction (`outbox.publish`)
and commits once; the relay (and the fast path) deliver them after commit.
"""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, bindparam, func, literal_column, select, table, update
from sqlalchemy.exc import IntegrityError

from app import audit
from app.core import outbox
from app.core.db import utcnow
from app.core.errors import BadRequest, NotFound, PayloadTooLarge, Unprocessable, ValidationFailed
from app.core.pagination import PageQuery, paginate
from app.core.tenancy import get_or_404, scoped
from app.extensions import db
from app.inbox.models import Attachment, Conversation, ConversationRead, InboxSettings, Message
from app.inbox.storage import storage
from app.inbox.schemas import (
    ConversationListQuery,
    ConversationOut,
    ConversationUpdate,
    InboxSettingsUpdate,
    MessageCreate,
    MessageOut,
    WidgetMessageCreate,
)
from app.projects import service as projects
from app.projects.models import Project
from app.presence import service as presence
from app.users.models import User
from app.visitors.models import Visitor

OPEN_STATUSES = ("open", "pending", "snoozed")


# --- shapes -------------------------------------------------------------------

def attachment_body(attachment: Attachment) -> dict:
    """An attachment as clients see it; `url` needs the agent's bearer token or the visitor's token."""
    return {
        "id": attachment.id,
        "name": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": f"{current_app.config['PUBLIC_URL']}/api/v1/attachments/{attachment.id}",
    }


_BODY_KEY = "_livechat_body"


def message_body(message: Message) -> dict:
    """The message shape of ARCHITECTURE §6 (plus sender and attachments).

    A message stored in this request keeps the body built for its outbox event:
    a stored message never changes, and re-reading it after commit would cost
    the send path two more queries and a second serialisation.
    """
    cached = message.__dict__.get(_BODY_KEY)
    if cached is not None:
        return cached
    sender = None
    if message.sender_type == "agent":
        sender = {"id": message.sender_id, "name": message.sender_name, "avatar_url": None}
    body = {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "sender_type": message.sender_type,
        "sender_id": message.sender_id,
        "sender": sender,
        "content": message.content,
        "private": message.is_private,
        "client_msg_id": message.client_msg_id,
        "created_at": message.created_at,
        "attachments": [attachment_body(a) for a in message.attachments],
    }
    return MessageOut.model_validate(body).model_dump(mode="json")


def visitor_message_body(message: dict | Message) -> dict:
    """A message as a visitor may see it: its sender's name and avatar, never an agent's user id."""
    body = dict(message if isinstance(message, dict) else message_body(message))
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


# --- settings -----------------------------------------------------------------

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


# --- locking and appending ----------------------------------------------------

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


def _check_content(content: str, attachment_ids: list[int]) -> str:
    limit = current_app.config["MESSAGE_MAX_CHARS"]
    if len(content) > limit:
        raise PayloadTooLarge(f"A message holds at most {limit} characters.", code="content_too_long",
                              details={"max_chars": limit, "length": len(content)})
    if not content.strip() and not attachment_ids:
        raise ValidationFailed("A message needs content or an attachment.", code="empty_message")
    return content


def _claim_attachments(project_id: int, attachment_ids: list[int], uploader_type: str, uploader_id: int) -> list[Attachment]:
    if not attachment_ids:
        return []
    found = list(db.session.scalars(
        scoped(Attachment, project_id).where(
            Attachment.id.in_(attachment_ids),
            Attachment.uploader_type == uploader_type,
            Attachment.uploader_id == uploader_id,
            Attachment.message_id.is_(None),
        )
    ))
    if len(found) != len(set(attachment_ids)):
        raise NotFound("An attachment does not exist or is already used.", code="attachment_not_found")
    return found


def _append(conversation: Conversation, *, sender_type: str, sender_id: int | None, sender_name: str | None,
            content: str, is_private: bool = False, client_msg_id: str | None = None,
            attachments: list[Attachment] = ()) -> Message:
    """Add a message at the next seq of a locked conversation and publish it."""
    now = utcnow()
    conversation.last_seq += 1
    conversation.last_message_at = now
    for attachment in attachments:
        attachment.visitor_id = conversation.visitor_id
    message = Message(
        project_id=conversation.project_id, conversation_id=conversation.id, seq=conversation.last_seq,
        sender_type=sender_type, sender_id=sender_id, sender_name=sender_name, content=content,
        is_private=is_private, client_msg_id=client_msg_id, created_at=now, attachments=list(attachments),
    )
    db.session.add(message)
    db.session.flush()
    body = message_body(message)
    message.__dict__[_BODY_KEY] = body  # survives the commit's expiry: it is not a mapped attribute
    outbox.publish(conversation.project_id, "message.created", {
        "message": body,
        "conversation_id": conversation.id,
        "visitor_id": conversation.visitor_id,
    })
    return message


def _append_internal_note(conversation: Conversation, content: str) -> Message:
    """A workflow line (status, assignment, an integration's doing) for agents only: stored private,
    so neither the widget's stream nor its sync ever carries it."""
    return _append(conversation, sender_type="system", sender_id=None, sender_name=None, content=content,
                   is_private=True)


def _append_joined(conversation: Conversation, agent_id: int) -> Message:
    """The one line about staffing a visitor sees: "Carol joined the conversation" (a name, no id)."""
    return _append(conversation, sender_type="system", sender_id=None, sender_name=None,
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


def _stored(conversation_id: int | None, sender_type: str, sender_id: int, client_msg_id: str) -> Message | None:
    stmt = select(Message).where(
        Message.sender_type == sender_type, Message.sender_id == sender_id, Message.client_msg_id == client_msg_id
    )
    if conversation_id is not None:
        stmt = stmt.where(Message.conversation_id == conversation_id)
    return db.session.scalar(stmt.order_by(Message.id).limit(1))


# --- visitor side -------------------------------------------------------------

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


def send_visitor_message(visitor_id: int, data: WidgetMessageCreate) -> dict:
    """Store a visitor's message (creating its conversation lazily); a retry answers with the stored one.

    Commits; returns the message body the ack carries.
    """
    content = _check_content(data.content, data.attachment_ids)
    if data.conversation_id is not None and not data.attachment_ids and not data.new_conversation:
        body = _append_to_open_conversation(visitor_id, data.conversation_id, content, data.client_msg_id)
        if body is not None:
            return body
    visitor = db.session.get(Visitor, visitor_id)
    if visitor is None:
        raise NotFound("This visitor no longer exists.", code="visitor_not_found")
    return message_body(_send_visitor_message(visitor, data, content))


# The common send's statements, built once: only their parameters change per message.
_TOUCH_VISITOR = (
    update(Visitor.__table__).where(Visitor.__table__.c.id == bindparam("b_visitor"))
    .values(last_seen_at=bindparam("b_now")).returning(Visitor.__table__.c.name)
)
_NEXT_SEQ = (
    update(Conversation.__table__)
    .where(Conversation.__table__.c.id == bindparam("b_conversation"),
           Conversation.__table__.c.visitor_id == bindparam("b_visitor"),
           Conversation.__table__.c.status == "open")
    .values(last_seq=Conversation.__table__.c.last_seq + 1,
            visitor_last_read_seq=Conversation.__table__.c.last_seq + 1,
            last_message_at=bindparam("b_now"), updated_at=bindparam("b_now"))
    .returning(Conversation.__table__.c.last_seq, Conversation.__table__.c.project_id)
)
_INSERT_MESSAGE = Message.__table__.insert().returning(Message.__table__.c.id)


def _append_to_open_conversation(visitor_id: int, conversation_id: int, content: str,
                                 client_msg_id: str) -> dict | None:
    """The common send, a text into the visitor's open conversation, in four statements.

    Each UPDATE … RETURNING does two things in one round trip: the visitor's
    stamps last_seen_at and reads the sender's name; the conversation's
    row-locks the thread and takes the next seq. The unique (conversation,
    sender, client_msg_id) constraint turns a retry into the stored message.
    None when the conversation is not the visitor's or not open (pending,
    snoozed, resolved): the general path decides what happens then.
    """
    now = utcnow()
    visitor = db.session.execute(_TOUCH_VISITOR, {"b_visitor": visitor_id, "b_now": now}).first()
    if visitor is None:
        db.session.rollback()
        raise NotFound("This visitor no longer exists.", code="visitor_not_found")
    bumped = db.session.execute(
        _NEXT_SEQ, {"b_conversation": conversation_id, "b_visitor": visitor_id, "b_now": now}
    ).first()
    if bumped is None:
        db.session.rollback()
        return None
    seq, project_id = bumped
    row = {"project_id": project_id, "conversation_id": conversation_id, "seq": seq, "sender_type": "visitor",
           "sender_id": visitor_id, "sender_name": visitor.name, "content": content, "is_private": False,
           "client_msg_id": client_msg_id, "created_at": now}
    try:
        message_id = db.session.execute(_INSERT_MESSAGE, row).scalar_one()
    except IntegrityError:
        db.session.rollback()  # a retry: the bumped seq goes with it
        stored = _stored(conversation_id, "visitor", visitor_id, client_msg_id)
        if stored is None:
            raise
        return message_body(stored)
    body = MessageOut.model_validate({
        "id": message_id, "conversation_id": conversation_id, "seq": seq, "sender_type": "visitor",
        "sender_id": visitor_id, "sender": None, "content": content, "private": False,
        "client_msg_id": client_msg_id, "created_at": now, "attachments": [],
    }).model_dump(mode="json")
    outbox.publish(project_id, "message.created",
                   {"message": body, "conversation_id": conversation_id, "visitor_id": visitor_id})
    db.session.commit()
    return body


def _send_visitor_message(visitor: Visitor, data: WidgetMessageCreate, content: str) -> Message:
    """Every other send: a new or reopened conversation, attachments, or a retry after the thread moved on."""
    if data.conversation_id is not None:
        visitor_conversation(visitor, data.conversation_id)
    # Look for a retry only under the lock: one query per send, and no race with a concurrent retry.
    _lock_visitor(visitor.id)
    existing = _stored(None, "visitor", visitor.id, data.client_msg_id)
    if existing is not None:
        db.session.rollback()
        return existing
    conversation = None
    if data.conversation_id is not None and not data.new_conversation:
        conversation = visitor_conversation(visitor, data.conversation_id)
        if conversation.status == "resolved":
            conversation = None  # a resolved thread stays closed: the visitor starts a new one
    if conversation is None and not data.new_conversation:
        conversation = db.session.scalar(
            select(Conversation)
            .where(Conversation.visitor_id == visitor.id, Conversation.status != "resolved")
            .order_by(Conversation.id.desc()).limit(1)
        )
    is_new = conversation is None
    if is_new:
        conversation = _new_conversation(visitor.project_id, visitor.id)
    conversation = _lock_conversation(conversation.id)
    attachments = _claim_attachments(visitor.project_id, data.attachment_ids, "visitor", visitor.id)
    is_reopened = conversation.status in ("pending", "snoozed")
    changes = {"status": [conversation.status, "open"]} if is_reopened else {}
    if is_reopened:
        conversation.status = "open"
        conversation.snoozed_until = None
    message = _append(conversation, sender_type="visitor", sender_id=visitor.id, sender_name=visitor.name,
                      content=content, client_msg_id=data.client_msg_id, attachments=attachments)
    conversation.visitor_last_read_seq = conversation.last_seq
    if is_new:
        _auto_assign(conversation)
    db.session.flush()
    # A plain message is announced by message.created alone; the thread itself changes only when new or reopened.
    if is_new or is_reopened:
        _publish_conversation(conversation, "conversation.created" if is_new else "conversation.updated", changes)
    return _commit_send(message, lambda: _stored(None, "visitor", visitor.id, data.client_msg_id))


def _commit_send(message: Message, find_stored) -> Message:
    """Commit a send; when a concurrent retry won the unique constraint, answer with its message."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = find_stored()
        if stored is None:
            raise
        return stored
    return message


def visitor_conversations(visitor: Visitor) -> list[Conversation]:
    """The visitor's conversations, newest first."""
    return list(db.session.scalars(
        select(Conversation).where(Conversation.visitor_id == visitor.id).order_by(Conversation.id.desc()).limit(50)
    ))


def visitor_messages(visitor: Visitor, conversation_id: int, after_seq: int, limit: int) -> list[Message]:
    """What the visitor missed after `after_seq` (private notes excluded), in order."""
    conversation = visitor_conversation(visitor, conversation_id)
    return list(db.session.scalars(
        select(Message).where(Message.conversation_id == conversation.id, Message.seq > after_seq,
                              Message.is_private.is_(False))
        .order_by(Message.seq).limit(limit)
    ))


def mark_read_by_visitor(visitor: Visitor, conversation_id: int, seq: int) -> Conversation:
    """The visitor has read up to `seq`; agents are told. Commits."""
    conversation = visitor_conversation(visitor, conversation_id)
    seq = min(seq, conversation.last_seq)
    if seq > conversation.visitor_last_read_seq:
        db.session.execute(
            update(Conversation)
            .where(Conversation.id == conversation.id, Conversation.visitor_last_read_seq < seq)
            .values(visitor_last_read_seq=seq),
            execution_options={"synchronize_session": False},
        )
        outbox.publish(conversation.project_id, "conversation.read", {
            "conversation_id": conversation.id, "visitor_id": conversation.visitor_id,
            "seq": seq, "reader_type": "visitor", "reader_id": visitor.id,
        })
        db.session.commit()
        db.session.refresh(conversation)
    return conversation


# --- agent side ---------------------------------------------------------------

def agent_presence(project: Project) -> list[dict]:
    """Each member's live status."""
    return [{"user_id": uid, "status": presence.agent_status(uid)} for uid in projects.member_user_ids(project.id)]


def get_conversation(project: Project, conversation_id: int) -> Conversation:
    """A conversation of the project, or 404."""
    return get_or_404(Conversation, conversation_id, project.id)


def send_agent_message(project: Project, conversation_id: int, agent: User, data: MessageCreate) -> tuple[Message, bool]:
    """Store an agent's reply or private note; (message, created). A retry returns the stored one. Commits."""
    content = _check_content(data.content, data.attachment_ids)
    conversation = _lock_conversation(get_conversation(project, conversation_id).id)
    existing = _stored(conversation.id, "agent", agent.id, data.client_msg_id)
    if existing is not None:
        db.session.rollback()
        return existing, False
    attachments = _claim_attachments(project.id, data.attachment_ids, "agent", agent.id)
    message = _append(conversation, sender_type="agent", sender_id=agent.id, sender_name=agent.name, content=content,
                      is_private=data.private, client_msg_id=data.client_msg_id, attachments=attachments)
    if not data.private and conversation.first_response_at is None:
        conversation.first_response_at = message.created_at
    _set_agent_read(conversation.id, agent.id, conversation.last_seq)
    db.session.flush()
    stored = _commit_send(message, lambda: _stored(conversation_id, "agent", agent.id, data.client_msg_id))
    return stored, stored is message


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
    if "assignee_id" in fields and data.assignee_id is not None and data.assignee_id not in projects.member_user_ids(project.id):
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
    """Assign by the auto-assignment's round-robin (whether or not auto-assign is on); the chosen agent or None. Commits."""
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


def send_automated_message(project: Project, conversation_id: int, content: str, *, private: bool,
                           sender_name: str) -> Message:
    """A message (or private note) sent as the project by automation, not by a person. Commits.

    It is an agent-side message without a sender id: visitors see it like a reply,
    and it counts neither as an agent's first response nor as anyone's read.
    """
    content = _check_content(content, [])
    conversation = _lock_conversation(get_conversation(project, conversation_id).id)
    message = _append(conversation, sender_type="agent", sender_id=None, sender_name=sender_name[:120],
                      content=content, is_private=private)
    db.session.commit()
    return message


def conversation_messages(project: Project, conversation_id: int, after_seq: int | None, before_seq: int | None,
                          limit: int) -> tuple[Conversation, list[Message]]:
    """Agents' view of a thread (private notes included): after `after_seq`, or the latest before `before_seq`."""
    conversation = get_conversation(project, conversation_id)
    stmt = select(Message).where(Message.conversation_id == conversation.id)
    if after_seq is not None:
        stmt = stmt.where(Message.seq > after_seq)
    if before_seq is not None:
        stmt = stmt.where(Message.seq < before_seq)
    if after_seq is None:
        rows = list(db.session.scalars(stmt.order_by(Message.seq.desc()).limit(limit)))
        rows.reverse()
    else:
        rows = list(db.session.scalars(stmt.order_by(Message.seq).limit(limit)))
    return conversation, rows


def _set_agent_read(conversation_id: int, user_id: int, seq: int) -> int:
    read = db.session.scalar(select(ConversationRead).where(
        ConversationRead.conversation_id == conversation_id, ConversationRead.user_id == user_id))
    if read is None:
        read = ConversationRead(conversation_id=conversation_id, user_id=user_id, last_read_seq=seq)
        db.session.add(read)
    elif seq > read.last_read_seq:
        read.last_read_seq = seq
    return read.last_read_seq


def mark_read_by_agent(project: Project, conversation_id: int, agent: User, seq: int) -> dict:
    """The agent has read up to `seq` (clamped to the thread); the visitor is told. Commits.

    Returns the agent's read state: conversation id, last read seq and what is still unread.
    """
    conversation = get_conversation(project, conversation_id)
    seq = min(seq, conversation.last_seq)
    for attempt in range(2):
        try:
            last_read = _set_agent_read(conversation.id, agent.id, seq)
            outbox.publish(project.id, "conversation.read", {
                "conversation_id": conversation.id, "visitor_id": conversation.visitor_id,
                "seq": last_read, "reader_type": "agent", "reader_id": agent.id,
            })
            db.session.commit()
            return {"conversation_id": conversation.id, "last_read_seq": last_read,
                    "unread_count": unread_counts([conversation.id], agent).get(conversation.id, 0)}
        except IntegrityError:
            # Two tabs of the same agent created the row at once: the second pass updates it.
            db.session.rollback()
            if db.session.get(Conversation, conversation_id) is None:
                raise NotFound("This conversation does not exist.", code="conversation_not_found") from None
            if attempt:
                raise
    raise AssertionError("unreachable")


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


def list_conversations(project: Project, user: User | None, query: ConversationListQuery) -> tuple[list[dict], str | None]:
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
        stmt = stmt.where(func.lower(func.cast(Conversation.tags, db.String)).contains(f'"{query.tag.lower()}"', autoescape=True))
    rows, next_cursor = paginate(stmt, [Conversation.updated_at, Conversation.id],
                                 PageQuery(limit=query.limit, cursor=query.cursor))
    return conversation_rows(rows, user), next_cursor


def conversation_rows(rows: list[Conversation], user: User | None) -> list[dict]:
    """Conversations with their visitor, last message and unread count, in three queries."""
    ids = [c.id for c in rows]
    visitors = {v.id: v for v in db.session.scalars(select(Visitor).where(Visitor.id.in_({c.visitor_id for c in rows})))}
    online = presence.online_ids(presence.VISITOR, visitors)
    last_messages = {m.conversation_id: m for m in db.session.scalars(
        select(Message).join(Conversation, and_(Message.conversation_id == Conversation.id,
                                                Message.seq == Conversation.last_seq))
        .where(Conversation.id.in_(ids))
    )}
    unread = unread_counts(ids, user)
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


def unread_counts(conversation_ids: list[int], user: User | None) -> dict[int, int]:
    """Visitor messages after `user`'s last read seq, by conversation (all of them for no user), in one query.

    Only what visitors wrote counts, as in the dashboard's live count: an
    agent's reply or a system line ("assigned to …") is nothing to answer.
    """
    if not conversation_ids:
        return {}
    last_read = literal_column("0")
    stmt = select(Message.conversation_id, func.count()).where(
        Message.conversation_id.in_(conversation_ids), Message.sender_type == "visitor")
    if user is not None:
        stmt = stmt.outerjoin(ConversationRead, and_(ConversationRead.conversation_id == Message.conversation_id,
                                                     ConversationRead.user_id == user.id))
        last_read = func.coalesce(ConversationRead.last_read_seq, 0)
    return dict(db.session.execute(stmt.where(Message.seq > last_read).group_by(Message.conversation_id)).all())


def visitor_conversation_rows(project: Project, visitor_id: int, user: User | None, page: PageQuery) -> tuple[list[dict], str | None]:
    """A visitor's conversations for agents."""
    get_or_404(Visitor, visitor_id, project.id)
    rows, next_cursor = paginate(scoped(Conversation, project.id).where(Conversation.visitor_id == visitor_id),
                                 [Conversation.id], page)
    return conversation_rows(rows, user), next_cursor


def agent_sync(project_ids: list[int], conversation_id: int, after_seq: int, limit: int) -> list[Message]:
    """What an agent missed in a conversation of one of its projects (404 otherwise)."""
    conversation = db.session.scalar(select(Conversation).where(
        Conversation.id == conversation_id, Conversation.project_id.in_(project_ids or [0])))
    if conversation is None:
        raise NotFound("This conversation does not exist.", code="conversation_not_found")
    return list(db.session.scalars(
        select(Message).where(Message.conversation_id == conversation.id, Message.seq > after_seq)
        .order_by(Message.seq).limit(limit)
    ))


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


# --- attachments --------------------------------------------------------------

ALLOWED_TYPES = {
    "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv",
    "application/zip", "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Magic numbers of the binary types: the declared type must match the bytes.
_SIGNATURES = {
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/jpeg": [b"\xff\xd8\xff"],
    "image/gif": [b"GIF87a", b"GIF89a"],
    "image/webp": [b"RIFF"],
    "application/pdf": [b"%PDF-"],
    "application/zip": [b"PK\x03\x04"],
}


def store_attachment(project_id: int, uploader_type: str, uploader_id: int, visitor_id: int | None, upload) -> Attachment:
    """Keep an uploaded file after checking its type and size. Commits."""
    if upload is None or not upload.filename:
        raise ValidationFailed("Send the file as multipart field `file`.", code="file_required")
    content_type = (upload.mimetype or "").lower()
    if content_type not in ALLOWED_TYPES:
        raise ValidationFailed(f"Files of type {content_type or 'unknown'} are not accepted.",
                               code="attachment_type_not_allowed", details={"allowed": sorted(ALLOWED_TYPES)})
    head = upload.stream.read(16)
    signatures = _SIGNATURES.get(content_type)
    if signatures and not any(head.startswith(s) for s in signatures):
        raise ValidationFailed("The file's content does not match its type.", code="attachment_type_mismatch")
    upload.stream.seek(0)
    max_bytes = current_app.config["ATTACHMENT_MAX_BYTES"]
    saved = storage().save(project_id, upload.stream, max_bytes)
    if saved is None:
        raise PayloadTooLarge(f"Attachments are limited to {max_bytes} bytes.", code="attachment_too_large",
                              details={"max_bytes": max_bytes})
    key, size = saved
    if size == 0:
        storage().delete(key)
        raise ValidationFailed("The file is empty.", code="attachment_empty")
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:255] or "file"
    attachment = Attachment(project_id=project_id, uploader_type=uploader_type, uploader_id=uploader_id,
                            visitor_id=visitor_id, filename=name, content_type=content_type, size=size,
                            storage_key=key)
    db.session.add(attachment)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage().delete(key)
        raise
    return attachment


def attachment_for_visitor(visitor: Visitor, attachment_id: int) -> Attachment:
    """An attachment the visitor uploaded or that belongs to one of its conversations, else 404."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.project_id != visitor.project_id or attachment.visitor_id != visitor.id:
        raise NotFound("This attachment does not exist.", code="attachment_not_found")
    if attachment.message_id is not None:
        message = db.session.get(Message, attachment.message_id)
        if message is None or message.is_private:
            raise NotFound("This attachment does not exist.", code="attachment_not_found")
    return attachment


def attachment_for_agent(attachment_id: int, role_in_project) -> Attachment:
    """An attachment of a project the caller belongs to (`role_in_project(project_id)` is not None), else 404."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or role_in_project(attachment.project_id) is None:
        raise NotFound("This attachment does not exist.", code="attachment_not_found")
    return attachment
