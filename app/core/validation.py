"""Request parsing and response dumping with pydantic, errors as the envelope."""
from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.errors import BadRequest, ValidationFailed

T = TypeVar("T", bound=BaseModel)


class Schema(BaseModel):
    """Base of every request and response body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OutSchema(BaseModel):
    """Base of response bodies: read from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


def _details(error: ValidationError) -> dict:
    fields: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in item["loc"]) or "body"
        fields.setdefault(location, []).append(item["msg"])
    return {"fields": fields}


def parse(schema: type[T], data: Any) -> T:
    """Validate `data` against `schema`, raising ValidationFailed with field details."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise ValidationFailed(details=_details(error)) from None


def json_body(schema: type[T]) -> T:
    """Parse the request's JSON object body with `schema`."""
    if request.content_length == 0 or not request.get_data(cache=True):
        data: Any = {}
    else:
        data = request.get_json(force=True, silent=True)
        if data is None:
            raise BadRequest("The body is not valid JSON.", code="malformed_json")
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.", code="malformed_json")
    return parse(schema, data)


def query_args(schema: type[T]) -> T:
    """Parse the query string with `schema`."""
    return parse(schema, request.args.to_dict())


def dump(schema: type[BaseModel], obj: Any) -> dict:
    """Serialise an ORM object (or dict) through an output schema."""
    return schema.model_validate(obj, from_attributes=True).model_dump(mode="json")
