"""Request parsing and response dumping with pydantic, errors as the envelope."""
from __future__ import annotations

from typing import Annotated, Any, TypeVar

from flask import request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.core.errors import BadRequest, ValidationFailed

T = TypeVar("T", bound=BaseModel)

# Every integer the API accepts is bounded, so none can overflow a column or a driver.
# Ids and sequence numbers are INTEGER columns (32-bit signed on PostgreSQL).
MAX_ID = 2**31 - 1
MAX_SEQ = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]


def _refuse_nul(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text may not contain NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key)
            _refuse_nul(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_nul(item)
    return value


class Schema(BaseModel):
    """Base of every request body: unknown fields and NUL characters are refused.

    PostgreSQL text cannot hold NUL, so letting one through would fail at commit.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return _refuse_nul(data)


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
