"""The export document."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from app.core.validation import OutSchema


class VisitorExportOut(OutSchema):
    exported_at: datetime
    visitor: dict[str, Any]
    conversations: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
