"""The event seam: `publish()` writes an outbox row inside the caller's transaction."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from app.core.models import OutboxEvent
from app.extensions import db

# The rows this session's transaction wrote, as (id, project_id, event_type, payload):
# the relay's fast path emits them once the transaction commits.
PENDING_KEY = "livechat_outbox_pending"
# Set by the automation engine while a rule's effects run: events they cause carry it as
# `automation` ({rule_ids, hops}), so a rule is never triggered by its own effects (loop guard).
ORIGIN_KEY = "livechat_outbox_origin"

_INSERT = insert(OutboxEvent.__table__).returning(OutboxEvent.__table__.c.id)


def publish(project_id: int, event_type: str, payload: dict[str, Any]) -> int:
    """Record `event_type` for `project_id`; it goes out only if the transaction commits. Returns the row id."""
    origin = db.session.info.get(ORIGIN_KEY)
    if origin is not None:
        payload = {**payload, "automation": origin}
    event_id = db.session.execute(_INSERT, {"project_id": project_id, "event_type": event_type,
                                            "payload": payload}).scalar_one()
    db.session.info.setdefault(PENDING_KEY, []).append((event_id, project_id, event_type, payload))
    return event_id
