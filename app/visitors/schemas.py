"""Request and response bodies of the visitors module."""
from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from pydantic import EmailStr, Field, field_validator

from app.core.validation import OutSchema, Schema

MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_KEY = 64
MAX_ATTRIBUTE_VALUE = 500
MAX_ATTRIBUTES_BYTES = 8 * 1024
MAX_ATTRIBUTE_INT = 2**53 - 1


# The rules of check_attributes, as the OpenAPI document states them (the 8 KB total excepted).
ATTRIBUTES_SCHEMA = {
    "maxProperties": MAX_ATTRIBUTES,
    "propertyNames": {"minLength": 1, "maxLength": MAX_ATTRIBUTE_KEY, "pattern": "^[^\\u0000]*$"},
    "additionalProperties": {"anyOf": [
        {"type": "string", "maxLength": MAX_ATTRIBUTE_VALUE, "pattern": "^[^\\u0000]*$"},
        {"type": "number", "minimum": -MAX_ATTRIBUTE_INT, "maximum": MAX_ATTRIBUTE_INT},
        {"type": "boolean"},
        {"type": "null"},
    ]},
}


def check_attributes(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Custom attributes: a flat object of at most 50 short scalar values (null deletes a key)."""
    if value is None:
        return None
    if len(value) > MAX_ATTRIBUTES:
        raise ValueError(f"at most {MAX_ATTRIBUTES} attributes")
    for key, item in value.items():
        if not key or len(key) > MAX_ATTRIBUTE_KEY:
            raise ValueError(f"attribute names must be 1 to {MAX_ATTRIBUTE_KEY} characters")
        if item is not None and not isinstance(item, (str, int, float, bool)):
            raise ValueError(f"attribute {key!r} must be a string, number, boolean or null")
        if isinstance(item, (int, float)) and not isinstance(item, bool) and abs(item) > MAX_ATTRIBUTE_INT:
            # Beyond 2^53 a number no longer survives a round trip through JavaScript or some drivers.
            raise ValueError(f"attribute {key!r} is a number out of range (±{MAX_ATTRIBUTE_INT})")
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"attribute {key!r} must be a finite number")
        if isinstance(item, str) and len(item) > MAX_ATTRIBUTE_VALUE:
            raise ValueError(f"attribute {key!r} is longer than {MAX_ATTRIBUTE_VALUE} characters")
    if len(json.dumps(value)) > MAX_ATTRIBUTES_BYTES:
        raise ValueError(f"attributes take more than {MAX_ATTRIBUTES_BYTES} bytes")
    return value


class PageInfo(Schema):
    url: str | None = Field(None, max_length=2048)
    title: str | None = Field(None, max_length=500)
    referrer: str | None = Field(None, max_length=2048)


class WidgetSessionCreate(Schema):
    project_key: str = Field(min_length=1, max_length=64)
    visitor_token: str | None = Field(None, max_length=1000)
    identifier: str | None = Field(None, min_length=1, max_length=255)
    identifier_hash: str | None = Field(None, max_length=128)
    name: str | None = Field(None, max_length=120)
    email: EmailStr | None = Field(None, max_length=254)
    attributes: dict[str, Any] | None = Field(None, json_schema_extra=ATTRIBUTES_SCHEMA)
    page: PageInfo | None = None

    _attributes = field_validator("attributes")(classmethod(lambda cls, v: check_attributes(v)))


class VisitorUpdate(Schema):
    name: str | None = Field(None, max_length=120)
    email: EmailStr | None = Field(None, max_length=254)
    attributes: dict[str, Any] | None = Field(None, json_schema_extra=ATTRIBUTES_SCHEMA)

    _attributes = field_validator("attributes")(classmethod(lambda cls, v: check_attributes(v)))


class PublicVisitorOut(OutSchema):
    """What the widget learns about its own visitor."""

    id: int
    name: str | None
    email: str | None
    identifier: str | None


class VisitorOut(OutSchema):
    """What agents see."""

    id: int
    project_id: int
    name: str | None
    email: str | None
    identifier: str | None
    is_identity_verified: bool
    attributes: dict[str, Any]
    page_url: str | None
    page_title: str | None
    referrer: str | None
    browser: str | None
    os: str | None
    first_seen_at: datetime
    last_seen_at: datetime
    online: bool = False


class PrechatField(OutSchema):
    name: str
    label: str | None = None
    type: str = "text"
    required: bool = False


class PrechatOut(OutSchema):
    enabled: bool = False
    fields: list[PrechatField] = []


class WidgetConfigOut(OutSchema):
    color: str
    position: str
    greeting: str
    launcher_text: str
    away_message: str
    agents_online: bool
    within_business_hours: bool
    prechat: PrechatOut
    locale: str
    title: str


class WidgetSessionOut(OutSchema):
    visitor_token: str
    visitor: PublicVisitorOut
    config: WidgetConfigOut


class VisitorListQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)
    online: bool | None = None
    q: str | None = Field(None, min_length=1, max_length=200)
