"""Request and response bodies of visitor notes."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.core.validation import OutSchema, Schema


class NoteCreate(Schema):
    content: str = Field(min_length=1, max_length=5000)


class NoteUpdate(Schema):
    content: str = Field(min_length=1, max_length=5000)


class NoteOut(OutSchema):
    id: int
    visitor_id: int
    author_id: int | None
    content: str
    created_at: datetime
    updated_at: datetime
