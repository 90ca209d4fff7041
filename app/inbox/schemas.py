"""Request and response bodies of the inbox module."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import ConfigDict, Field, field_validator

from app.core.openapi import NON_BLANK_TEXT_PATTERN
from app.core.validation import MAX_ID, MAX_SEQ, Id, OutSchema, RuleBroken, Schema, Seq, bounded_int

Status = Literal["open", "pending", "resolved", "snoozed"]
Priority = Literal["low", "normal", "high", "urgent"]
_TIME_ZONES = sorted(available_timezones())
CLIENT_MSG_ID = Field(min_length=1, max_length=64)
_TAG = re.compile(r"^[\w][\w .:/-]{0,49}$", re.UNICODE)
# The tag rule as the OpenAPI document states it (the server trims and lower-cases first).
TAG_ITEMS = {"items": {"type": "string", "pattern": r"^\s*[\w][\w .:/-]{0,49}\s*$"}}
_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


# A message has text besides whitespace, or at least one attachment.
_CONTENT_OR_ATTACHMENT = {"anyOf": [
    {"required": ["content"], "properties": {"content": {"pattern": NON_BLANK_TEXT_PATTERN}}},
    {"required": ["attachment_ids"], "properties": {"attachment_ids": {"minItems": 1}}},
]}


class MessageCreate(Schema):
    """An agent's message. `content` is plain text; its length limit is checked by the service."""

    model_config = ConfigDict(json_schema_extra=_CONTENT_OR_ATTACHMENT)

    content: str = Field("", max_length=100_000)
    client_msg_id: str = CLIENT_MSG_ID
    private: bool = False
    attachment_ids: list[Id] = Field(default_factory=list, max_length=10)


class AgentSocketMessage(MessageCreate):
    """An agent's message over the /agent socket."""

    conversation_id: Id


class WidgetMessageCreate(Schema):
    """A visitor's message over the socket."""

    model_config = ConfigDict(json_schema_extra=_CONTENT_OR_ATTACHMENT)

    content: str = Field("", max_length=100_000)
    client_msg_id: str = CLIENT_MSG_ID
    conversation_id: Id | None = None
    attachment_ids: list[Id] = Field(default_factory=list, max_length=10)
    # Start a new conversation with this message even if one is still going on (the row is created now,
    # with its first message: an empty "new conversation" lives only on the client).
    new_conversation: bool = False


class MessagesQuery(Schema):
    after_seq: Seq | None = None
    before_seq: bounded_int(1, MAX_SEQ) | None = None
    limit: int = Field(100, ge=1, le=500)


class SyncRequest(Schema):
    conversation_id: Id
    after_seq: Seq = 0
    limit: int = Field(500, ge=1, le=500)


class ReadRequest(Schema):
    seq: Seq


class SocketReadRequest(ReadRequest):
    conversation_id: Id


class TypingRequest(Schema):
    is_typing: bool
    conversation_id: Id | None = None


class PresenceRequest(Schema):
    status: Literal["online", "away"]


class ConversationUpdate(Schema):
    """Only the fields given change; `assignee_id: null` unassigns."""

    # Snoozing needs the time it ends.
    model_config = ConfigDict(json_schema_extra={
        "if": {"properties": {"status": {"const": "snoozed"}}, "required": ["status"]},
        "then": {"properties": {"snoozed_until": {"type": "string"}}, "required": ["snoozed_until"]},
    })

    status: Status | None = None
    assignee_id: Id | None = None
    priority: Priority | None = None
    tags: list[str] | None = Field(None, max_length=20, json_schema_extra=TAG_ITEMS)
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
    assignee: str | None = Field(None, pattern=r"^(me|none|any|[1-9]\d{0,9})$")

    @field_validator("assignee")
    @classmethod
    def _assignee_in_range(cls, value: str | None) -> str | None:
        if value is not None and value.isdigit() and int(value) > MAX_ID:
            raise ValueError(f"an assignee id is at most {MAX_ID}")
        return value
    tag: str | None = Field(None, max_length=50)
    visitor_id: Id | None = None
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
    # Verified by the project's identity HMAC; otherwise name and e-mail are only what the visitor claims.
    is_identity_verified: bool = False


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

    timezone: str = Field("UTC", max_length=64, json_schema_extra={"enum": _TIME_ZONES})
    days: dict[Literal["0", "1", "2", "3", "4", "5", "6"],
               list[tuple[Annotated[str, Field(pattern=_HHMM)], Annotated[str, Field(pattern=_HHMM)]]]] = Field(
        default_factory=dict, description="Each range's start is before its end.")

    @field_validator("days")
    @classmethod
    def _ranges(cls, value):
        pattern = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
        for ranges in value.values():
            for start, end in ranges:
                if not pattern.match(start) or not pattern.match(end) or start >= end:
                    raise RuleBroken("ranges are [\"HH:MM\", \"HH:MM\"] with start before end")
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
    agent_capacity: bounded_int(1, 1000) | None = None
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
