"""The event seam: `publish()` writes an outbox row inside the caller's transaction."""
from __future__ import annotations

from typing import Any

from app.core.models import OutboxEvent
from app.extensions import db


def publish(project_id: int, event_type: str, payload: dict[str, Any]) -> OutboxEvent:
    """Record `event_type` for `project_id`; it goes out only if the transaction commits."""
    event = OutboxEvent(project_id=project_id, event_type=event_type, payload=payload)
    db.session.add(event)
    return event
