"""Response bodies of screenshots."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from app.core.validation import OutSchema


class BlockedRequestOut(OutSchema):
    url: str
    reason: str


class ScreenshotOut(OutSchema):
    id: int
    visitor_id: int
    status: Literal["pending", "done", "failed"]
    error: str | None
    url: str | None
    image_url: str | None
    blocked_requests: list[BlockedRequestOut]
    created_at: datetime
    finished_at: datetime | None
