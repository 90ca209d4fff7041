"""Query and response bodies of the audit module."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from app.core.pagination import PageQuery
from app.core.validation import OutSchema


class AuditQuery(PageQuery):
    actor_type: Literal["user", "api_key", "system", "anonymous"] | None = None
    actor_id: int | None = Field(None, ge=1, le=2**63 - 1)
    action: str | None = Field(None, max_length=64)
    target_type: str | None = Field(None, max_length=32)
    target_id: str | None = Field(None, max_length=64)
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None


class ActorOut(OutSchema):
    type: str
    id: int | None


class TargetOut(OutSchema):
    type: str | None
    id: str | None


class AuditEntryOut(OutSchema):
    id: int
    actor: ActorOut
    action: str
    target: TargetOut
    changes: dict[str, Any]
    ip: str | None
    user_agent: str | None
    created_at: datetime
