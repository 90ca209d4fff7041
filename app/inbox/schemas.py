"""Request and response bodies of the inbox module."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from app.core.validation import OutSchema, Schema

Status = Literal["open", "pending", "resolved", "snoozed"]
Priority = Literal["low", "normal", "high", "urgent"]
CLIENT_MSG_ID = Field(min_length=1, max_length=64)
_TAG = re.compile(r"^[\w][\w .:/-]{0,49}$", re.UNICODE)


class MessageCreate(Schema):
    """An agent's message. `content` is plain text; its length limit is checked by the service."""

    content: str = Field("", max_length=100_000)
    client_msg_id: str = CLIENT_MSG_ID
    private: bool = False
    attachment_ids: list[int] = Field(default_factory=list, max_length=10)


class AgentSocketMessage(MessageCreate):
    """An agent's message over the /agent socket."""

    conversation_id: int = Field(ge=1)


class WidgetMessageCreate(Schema):
    """A visitor's message over the socket."""

    content: str = Field("", max_length=100_000)
    client_msg_id: str = CLIENT_MSG_ID
    conversation_id: int | None = Field(None, ge=1)
    attachment_ids: list[int] = Field(default_factory=list, max_length=10)


class MessagesQuery(Schema):
    after_seq: int | None = Field(None, ge=0)
    before_seq: int | None = Field(None, ge=1)
    limit: int = Field(100, ge=1, le=500)


class SyncRequest(Schema):
    conversation_id: int = Field(ge=1)
    after_seq: int = Field(0, ge=0)
    limit: int = Field(500, ge=1, le=500)


class ReadRequest(Schema):
    seq: int = Field(ge=0)


class SocketReadRequest(ReadRequest):
    conversation_id: int = Field(ge=1)


class TypingRequest(Schema):
    is_typing: bool
    conversation_id: int | None = Field(None, ge=1)


class PresenceRequest(Schema):
    status: Literal["online", "away"]


class ConversationUpdate(Schema):
    """Only the fields given change; `assignee_id: null` unassigns."""

    status: Status | None = None
    assignee_id: int | None = Field(None, ge=1)
    priority: Priority | None = None
    tags: list[str] | None = Field(None, max_length=20)
    snoozed_until: datetime | None = None

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned: list[str] = []
        for tag in value:
            tag = tag.strip().lower()
            if not _TAG.match(tag):
                raise ValueError(f"{tag!r} is not a tag (1 to 50 letters, digits, spaces, . : / -)")
            if tag not in cleaned:
                cleaned.append(tag)
        return cleaned


class ConversationListQuery(Schema):
    status: Status | None = None
    assignee: str | None = Field(None, pattern=r"^(me|none|any|\d{1,12})$")
    tag: str | None = Field(None, max_length=50)
    visitor_id: int | None = Field(None, ge=1)
    q: str | None = Field(None, min_length=1, max_length=200)
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)


class AttachmentOut(OutSchema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class SenderOut(OutSchema):
    id: int | None = None
    name: str | None = None
    avatar_url: str | None = None


class MessageOut(OutSchema):
    id: int
    conversation_id: int
    seq: int
    sender_type: Literal["visitor", "agent", "system"]
    sender_id: int | None
    sender: SenderOut | None
    content: str
    private: bool
    client_msg_id: str | None
    created_at: datetime
    attachments: list[AttachmentOut]


class MessagesOut(OutSchema):
    items: list[MessageOut]
    last_seq: int


class ConversationOut(OutSchema):
    id: int
    project_id: int
    visitor_id: int
    status: Status
    snoozed_until: datetime | None
    assignee_id: int | None
    priority: Priority
    tags: list[str]
    last_seq: int
    visitor_last_read_seq: int
    last_message_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ConversationVisitorOut(OutSchema):
    id: int
    name: str | None
    email: str | None
    online: bool


class LastMessageOut(OutSchema):
    content: str
    sender_type: str
    private: bool
    created_at: datetime


class ConversationRowOut(ConversationOut):
    visitor: ConversationVisitorOut | None = None
    last_message: LastMessageOut | None = None
    unread_count: int = 0


class ReadOut(OutSchema):
    conversation_id: int
    last_read_seq: int
    unread_count: int


class BusinessHours(Schema):
    """Opening hours per weekday (0 = Monday) in `timezone`, e.g. {"0": [["09:00", "17:00"]]}."""

    timezone: str = Field("UTC", max_length=64)
    days: dict[Literal["0", "1", "2", "3", "4", "5", "6"], list[tuple[str, str]]] = Field(default_factory=dict)

    @field_validator("days")
    @classmethod
    def _ranges(cls, value):
        pattern = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
        for ranges in value.values():
            for start, end in ranges:
                if not pattern.match(start) or not pattern.match(end) or start >= end:
                    raise ValueError("ranges are [\"HH:MM\", \"HH:MM\"] with start before end")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class PrechatFieldIn(Schema):
    name: str = Field(min_length=1, max_length=40, pattern=r"^[a-z_][a-z0-9_]*$")
    label: str | None = Field(None, max_length=120)
    type: Literal["text", "email", "tel", "number", "textarea"] = "text"
    required: bool = False


class Prechat(Schema):
    enabled: bool = False
    fields: list[PrechatFieldIn] = Field(default_factory=list, max_length=10)


class InboxSettingsUpdate(Schema):
    auto_assign: bool | None = None
    agent_capacity: int | None = Field(None, ge=1, le=1000)
    business_hours: BusinessHours | None = None
    prechat: Prechat | None = None
    locale: str | None = Field(None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")


class InboxSettingsOut(OutSchema):
    auto_assign: bool
    agent_capacity: int
    business_hours: dict | None
    prechat: dict
    locale: str


class AgentPresenceOut(OutSchema):
    user_id: int
    status: Literal["online", "away", "offline"]


class AgentPresenceListOut(OutSchema):
    items: list[AgentPresenceOut]
