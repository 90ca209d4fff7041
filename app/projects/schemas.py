"""Request and response bodies of the projects module."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from app.core.validation import OutSchema, Schema
from app.rbac.roles import Role
from app.users.schemas import EmailField, UserOut

# scheme://host[:port], where host may start with one "*." wildcard label.
_ORIGIN = re.compile(r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# The origin rule as the OpenAPI document states it (before the server lower-cases and drops trailing slashes).
ORIGIN_ITEMS = {"items": {"type": "string", "maxLength": 300, "pattern": (
    r"^https?://(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?/*$")}}


class WidgetSettings(Schema):
    """How the widget looks and greets; every field has a sensible default."""

    color: str = Field("#1f6feb", max_length=7, pattern=_COLOR.pattern)
    position: Literal["right", "left"] = "right"
    greeting: str = Field("Hi! How can we help?", max_length=280)
    launcher_text: str = Field("Chat with us", max_length=40)
    away_message: str = Field("We're away right now. Leave your email and we'll get back to you.", max_length=500)

    @field_validator("color")
    @classmethod
    def _hex_color(cls, value: str) -> str:
        if not _COLOR.match(value):
            raise ValueError("must be a hex colour like #1f6feb")
        return value.lower()


def _check_origins(origins: list[str]) -> list[str]:
    cleaned = []
    for origin in origins:
        origin = origin.strip().lower().rstrip("/")
        if not _ORIGIN.match(origin):
            raise ValueError(f"{origin!r} is not an origin like https://example.com or https://*.example.com")
        if origin not in cleaned:
            cleaned.append(origin)
    return cleaned


class ProjectCreate(Schema):
    name: str = Field(min_length=1, max_length=120)
    allowed_origins: list[str] = Field(default_factory=list, max_length=50, json_schema_extra=ORIGIN_ITEMS)

    _origins = field_validator("allowed_origins")(classmethod(lambda cls, v: _check_origins(v)))


class ProjectUpdate(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    allowed_origins: list[str] | None = Field(None, max_length=50, json_schema_extra=ORIGIN_ITEMS)
    widget: WidgetSettings | None = None
    identity_required: bool | None = None
    require_2fa: bool | None = None
    audit_retention_days: int | None = Field(None, ge=1, le=3650)

    _origins = field_validator("allowed_origins")(
        classmethod(lambda cls, v: _check_origins(v) if v is not None else None)
    )


class ProjectOut(OutSchema):
    id: int
    name: str
    public_key: str
    allowed_origins: list[str]
    widget: WidgetSettings
    identity_required: bool
    require_2fa: bool
    role: Role
    created_at: datetime


class ProjectSecretsOut(ProjectOut):
    """What managers see: the secret the site uses to sign visitor identities."""

    identity_secret: str
    audit_retention_days: int


class MemberOut(OutSchema):
    user: UserOut
    role: Role
    created_at: datetime


class MemberUpdate(Schema):
    role: Role


class InvitationCreate(EmailField):
    role: Role = Role.AGENT


class InvitationOut(OutSchema):
    id: int
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None


class InvitationCreatedOut(InvitationOut):
    accept_url: str


class ApiKeyCreate(Schema):
    name: str = Field(min_length=1, max_length=120)
    role: Role = Role.AGENT


class ApiKeyOut(OutSchema):
    id: int
    name: str
    prefix: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(description="The secret; shown only in this response.")


class AcceptedOut(OutSchema):
    project: ProjectOut
