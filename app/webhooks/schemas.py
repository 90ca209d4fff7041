"""Request and response bodies of webhooks."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from app.core.validation import OutSchema, Schema

# What an endpoint may subscribe to. Private notes go only to endpoints that ask for
# `message.private_created`; `message.created` never carries one.
EVENT_TYPES = (
    "message.created",
    "message.private_created",
    "conversation.created",
    "conversation.updated",
    "conversation.status_changed",
    "conversation.assigned",
    "visitor.created",
    "visitor.updated",
)
EventType = Literal[
    "message.created", "message.private_created", "conversation.created", "conversation.updated",
    "conversation.status_changed", "conversation.assigned", "visitor.created", "visitor.updated",
]


def _check_events(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    unknown = [event for event in value if event not in EVENT_TYPES]
    if unknown:
        raise ValueError(f"unknown event types {unknown}; choose from {list(EVENT_TYPES)}")
    return sorted(set(value))


class WebhookCreate(Schema):
    url: str = Field(min_length=1, max_length=2048)
    events: list[EventType] = Field(min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(None, max_length=500)

    _events = field_validator("events")(classmethod(lambda cls, v: _check_events(v)))


class WebhookUpdate(Schema):
    url: str | None = Field(None, min_length=1, max_length=2048)
    events: list[EventType] | None = Field(None, min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(None, max_length=500)
    enabled: bool | None = None

    _events = field_validator("events")(classmethod(lambda cls, v: _check_events(v)))


class WebhookOut(OutSchema):
    id: int
    url: str
    description: str | None
    events: list[str]
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime


class WebhookWithSecretOut(WebhookOut):
    """Only on creation and rotation."""

    secret: str


class SecretOut(OutSchema):
    secret: str
    previous_secret_expires_at: datetime | None


class DeliveryAttemptOut(OutSchema):
    """One line of the delivery log."""

    id: int
    delivery_id: int
    attempt: int
    event_type: str
    event_id: int | None
    webhook_message_id: str
    is_success: bool
    status_code: int | None
    duration_ms: int
    response_snippet: str | None
    error: str | None
    next_retry_at: datetime | None
    is_manual: bool
    delivery_status: str
    created_at: datetime


class DeliveryOut(OutSchema):
    id: int
    webhook_id: int
    event_id: int | None
    webhook_message_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
