"""The realtime contract: a pydantic model for every server → client event and every client → server payload and ack.

One envelope shape for every server → client event (ARCHITECTURE.md §6): an
object with `event_id` (and `project_id` on /agent); an event about a resource
carries it under its name (`message`, `conversation`, `visitor`); `typing`,
`read` and `presence` are flat. Resources accept more fields than they name
(more are welcome); envelopes accept none they do not name. The realtime tests
validate every event and ack they see against these models, and
`flask --app wsgi realtime-schema` exports them as JSON Schema.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from app.inbox.schemas import (
    AgentSocketMessage,
    PresenceRequest,
    SocketReadRequest,
    SyncRequest,
    TypingRequest,
    WidgetMessageCreate,
)
from app.presence.service import AGENT_NAMESPACE, WIDGET_NAMESPACE

SenderType = Literal["visitor", "agent", "system"]


class Envelope(BaseModel):
    """An event or ack: exactly the fields it names."""

    model_config = ConfigDict(extra="forbid")


class Resource(BaseModel):
    """A resource inside an event: the fields clients rely on, and possibly more."""

    model_config = ConfigDict(extra="allow")


# --- resources --------------------------------------------------------------------

class Attachment(Resource):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class Sender(Resource):
    name: str | None = None
    avatar_url: str | None = None


class Message(Resource):
    id: int
    conversation_id: int
    seq: int
    sender_type: SenderType
    sender_id: int | None
    sender: Sender | None
    content: str
    private: bool
    client_msg_id: str | None
    created_at: datetime
    attachments: list[Attachment] = []


class Conversation(Resource):
    """A conversation as agents see it (`ConversationOut`; `conversation:created` adds the list row's fields)."""

    id: int
    project_id: int
    visitor_id: int
    status: Literal["open", "pending", "resolved", "snoozed"]
    snoozed_until: datetime | None
    assignee_id: int | None
    priority: Literal["low", "normal", "high", "urgent"]
    tags: list[str]
    last_seq: int
    visitor_last_read_seq: int
    last_message_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime


class WidgetConversation(Resource):
    """What a visitor may know of its conversation."""

    id: int
    status: Literal["open", "pending", "resolved", "snoozed"]
    last_seq: int
    visitor_last_read_seq: int
    agent_last_read_seq: int
    last_message_at: datetime | None
    created_at: datetime


class Visitor(Resource):
    """A visitor as agents see it (`VisitorOut`, with whether they are online now)."""

    id: int
    project_id: int
    name: str | None
    email: str | None
    identifier: str | None
    is_identity_verified: bool
    attributes: dict[str, Any]
    page_url: str | None
    page_title: str | None
    referrer: str | None
    browser: str | None
    os: str | None
    first_seen_at: datetime
    last_seen_at: datetime
    online: bool


class Error(Envelope):
    code: str
    message: str
    details: dict[str, Any] = {}


# --- server → client: /agent ---------------------------------------------------------

class AgentMessageNew(Envelope):
    event_id: int
    project_id: int
    message: Message


class AgentConversationEvent(Envelope):
    """`conversation:created` and `conversation:updated` on /agent."""

    event_id: int
    project_id: int
    conversation: Conversation


class AgentVisitorUpdated(Envelope):
    event_id: int
    project_id: int
    visitor: Visitor


class VisitorNote(Resource):
    id: int
    visitor_id: int
    author_id: int | None
    content: str
    created_at: datetime
    updated_at: datetime


class AgentVisitorNoteEvent(Envelope):
    """`visitor_note:created|updated|deleted` (agents only; never to the visitor)."""

    event_id: int
    project_id: int
    note: VisitorNote


class BlockedRequest(Resource):
    url: str
    reason: str


class Screenshot(Resource):
    """A screenshot as `ScreenshotOut` describes it."""

    id: int
    visitor_id: int
    status: Literal["pending", "done", "failed"]
    error: str | None
    url: str | None
    image_url: str | None
    blocked_requests: list[BlockedRequest]
    created_at: datetime
    finished_at: datetime | None


class AgentScreenshotUpdated(Envelope):
    event_id: int
    project_id: int
    screenshot: Screenshot


class AgentRead(Envelope):
    event_id: int
    project_id: int
    conversation_id: int
    seq: int
    reader_type: Literal["visitor", "agent"]
    reader_id: int | None = None


class AgentTyping(Envelope):
    """Ephemeral (never stored): no event id."""

    project_id: int
    conversation_id: int | None
    is_typing: bool
    sender_type: Literal["visitor", "agent"]
    visitor_id: int | None = None
    user_id: int | None = None


class Presence(Envelope):
    """Ephemeral (never stored): no event id."""

    project_id: int
    user_id: int
    status: Literal["online", "away", "offline"]


# --- server → client: /widget --------------------------------------------------------

class WidgetMessageNew(Envelope):
    event_id: int
    message: Message


class WidgetConversationUpdated(Envelope):
    event_id: int
    conversation: WidgetConversation


class WidgetRead(Envelope):
    event_id: int
    conversation_id: int
    seq: int
    reader_type: Literal["visitor", "agent"]


class TypingAgent(Envelope):
    id: int
    name: str | None
    avatar_url: str | None


class WidgetTyping(Envelope):
    """Ephemeral (never stored): no event id."""

    conversation_id: int
    is_typing: bool
    agent: TypingAgent


class SocketError(Envelope):
    """`error`, sent just before the server closes a socket, saying why."""

    code: str
    message: str


# --- acks -------------------------------------------------------------------------------

class ErrorAck(Envelope):
    ok: Literal[False]
    error: Error


class MessageAck(Envelope):
    ok: Literal[True]
    message: Message


class TypingAck(Envelope):
    ok: Literal[True]
    throttled: bool = False


class WidgetReadAck(Envelope):
    ok: Literal[True]
    conversation: WidgetConversation


class AgentReadAck(Envelope):
    ok: Literal[True]
    conversation_id: int
    last_read_seq: int
    unread_count: int


class WidgetSyncAck(Envelope):
    ok: Literal[True]
    messages: list[Message]
    has_more: bool
    conversation: WidgetConversation


class AgentSyncAck(Envelope):
    ok: Literal[True]
    messages: list[Message]
    has_more: bool


class ConversationsAck(Envelope):
    ok: Literal[True]
    conversations: list[WidgetConversation]


class ConversationAck(Envelope):
    """`conversation:new`: none yet (the next `message:send` starts it)."""

    ok: Literal[True]
    conversation: WidgetConversation | None


class PresenceAck(Envelope):
    ok: Literal[True]
    status: Literal["online", "away"]


class NoPayload(Envelope):
    """Events that take no payload (anything sent is ignored)."""

    model_config = ConfigDict(extra="allow")


# --- the registry -------------------------------------------------------------------------

SERVER_EVENTS: dict[tuple[str, str], type[BaseModel]] = {
    (AGENT_NAMESPACE, "message:new"): AgentMessageNew,
    (AGENT_NAMESPACE, "conversation:created"): AgentConversationEvent,
    (AGENT_NAMESPACE, "conversation:updated"): AgentConversationEvent,
    (AGENT_NAMESPACE, "visitor:updated"): AgentVisitorUpdated,
    (AGENT_NAMESPACE, "visitor_note:created"): AgentVisitorNoteEvent,
    (AGENT_NAMESPACE, "visitor_note:updated"): AgentVisitorNoteEvent,
    (AGENT_NAMESPACE, "visitor_note:deleted"): AgentVisitorNoteEvent,
    (AGENT_NAMESPACE, "screenshot:updated"): AgentScreenshotUpdated,
    (AGENT_NAMESPACE, "read"): AgentRead,
    (AGENT_NAMESPACE, "typing"): AgentTyping,
    (AGENT_NAMESPACE, "presence"): Presence,
    (AGENT_NAMESPACE, "error"): SocketError,
    (WIDGET_NAMESPACE, "message:new"): WidgetMessageNew,
    (WIDGET_NAMESPACE, "conversation:updated"): WidgetConversationUpdated,
    (WIDGET_NAMESPACE, "read"): WidgetRead,
    (WIDGET_NAMESPACE, "typing"): WidgetTyping,
    (WIDGET_NAMESPACE, "error"): SocketError,
}

# (namespace, event) → (payload, ack when it succeeds); a failed ack is always an ErrorAck.
CLIENT_EVENTS: dict[tuple[str, str], tuple[type[BaseModel], type[BaseModel]]] = {
    (WIDGET_NAMESPACE, "message:send"): (WidgetMessageCreate, MessageAck),
    (WIDGET_NAMESPACE, "typing"): (TypingRequest, TypingAck),
    (WIDGET_NAMESPACE, "read"): (SocketReadRequest, WidgetReadAck),
    (WIDGET_NAMESPACE, "sync"): (SyncRequest, WidgetSyncAck),
    (WIDGET_NAMESPACE, "conversations:list"): (NoPayload, ConversationsAck),
    (WIDGET_NAMESPACE, "conversation:new"): (NoPayload, ConversationAck),
    (AGENT_NAMESPACE, "message:send"): (AgentSocketMessage, MessageAck),
    (AGENT_NAMESPACE, "typing"): (TypingRequest, TypingAck),
    (AGENT_NAMESPACE, "read"): (SocketReadRequest, AgentReadAck),
    (AGENT_NAMESPACE, "sync"): (SyncRequest, AgentSyncAck),
    (AGENT_NAMESPACE, "presence:set"): (PresenceRequest, PresenceAck),
}


def server_event(namespace: str, event: str, data: Any) -> BaseModel:
    """Validate one server → client event against its model (ValueError for an unknown event)."""
    model = SERVER_EVENTS.get((namespace, event))
    if model is None:
        raise ValueError(f"{event!r} on {namespace} is not in the realtime contract")
    return model.model_validate(data)


def ack(namespace: str, event: str, data: Any) -> BaseModel:
    """Validate the ack of a client → server event: its success model, or the error ack."""
    if (namespace, event) not in CLIENT_EVENTS:
        return ErrorAck.model_validate(data)  # unknown events are answered with an error
    if isinstance(data, dict) and data.get("ok") is False:
        return ErrorAck.model_validate(data)
    return CLIENT_EVENTS[(namespace, event)][1].model_validate(data)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the whole contract, for generating client types."""
    entries: dict[str, Any] = {}
    for (namespace, event), model in SERVER_EVENTS.items():
        entries[f"server{namespace}/{event}"] = model
    for (namespace, event), (payload, success) in CLIENT_EVENTS.items():
        entries[f"client{namespace}/{event}"] = payload
        entries[f"ack{namespace}/{event}"] = success
    entries["ack/error"] = ErrorAck
    definitions: dict[str, Any] = {}
    events: dict[str, Any] = {}
    for name, model in entries.items():
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        definitions.update(schema.pop("$defs", {}))
        definitions[model.__name__] = schema
        events[name] = {"$ref": f"#/$defs/{model.__name__}"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Live chat realtime contract",
        "type": "object",
        "properties": events,
        "$defs": definitions,
    }
