"""Request and response bodies of canned responses."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.core.validation import Id, OutSchema, Schema


class CannedCreate(Schema):
    shortcut: str = Field(min_length=1, max_length=64, pattern=r"^[\w\-.]+$")
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=5000)
    scope: Literal["project", "personal"] = "project"


class CannedUpdate(Schema):
    shortcut: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[\w\-.]+$")
    title: str | None = Field(None, min_length=1, max_length=200)
    content: str | None = Field(None, min_length=1, max_length=5000)


class CannedListQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    q: str | None = Field(None, min_length=1, max_length=200)
    scope: Literal["project", "personal"] | None = None


class CannedRender(Schema):
    """The context a response is inserted into; both optional."""

    conversation_id: Id | None = None
    visitor_id: Id | None = None


class CannedOut(OutSchema):
    id: int
    shortcut: str
    title: str
    content: str
    scope: str
    owner_id: int | None


class CannedRenderOut(OutSchema):
    content: str
