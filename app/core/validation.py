"""Request parsing and response dumping with pydantic, errors as the envelope."""
from __future__ import annotations

from typing import Annotated, Any, Callable, TypeVar

from flask import request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from app.core.errors import APIError, BadRequest, Unprocessable, ValidationFailed

T = TypeVar("T", bound=BaseModel)

# Every integer the API accepts is bounded, so none can overflow a column or a driver.
# Ids and sequence numbers are INTEGER columns (32-bit signed on PostgreSQL).
MAX_ID = 2**31 - 1
MAX_SEQ = 2**31 - 1


def _integral(value: Any) -> Any:
    """JSON Schema's `integer` includes 2.0; JSON bodies are parsed strictly, so say so here."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def bounded_int(minimum: int, maximum: int) -> Any:
    """An integer from `minimum` to `maximum` (the bounds also go into the OpenAPI document)."""
    return Annotated[int, Field(ge=minimum, le=maximum), BeforeValidator(_integral)]


Id = bounded_int(1, MAX_ID)
Seq = bounded_int(0, MAX_SEQ)


class RuleBroken(ValueError):
    """Raised by a validator for a rule JSON Schema cannot state (e.g. a range's start before its end):
    the request matches its documented schema, so the answer is 422, not 400."""


class _NulFound(ValueError):
    pass


def _refuse_nul(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            raise _NulFound()
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key)
            _refuse_nul(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_nul(item)
    return value


class Schema(BaseModel):
    """Base of every request body: unknown fields are refused, and (in `parse`/`json_body`) NUL characters.

    PostgreSQL text cannot hold NUL, so letting one through would fail at commit. The NUL
    check runs on the raw input rather than in a validator, so that JSON bodies keep
    pydantic's strict JSON mode (a Python-side validator would turn it into Python mode).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OutSchema(BaseModel):
    """Base of response bodies: read from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


def _details(error: ValidationError) -> dict[str, Any]:
    fields: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in item["loc"]) or "body"
        fields.setdefault(location, []).append(item["msg"])
    return {"fields": fields}


def _check_nul(data: Any) -> None:
    try:
        _refuse_nul(data)
    except _NulFound:
        raise ValidationFailed(details={"fields": {"body": ["text may not contain NUL characters"]}}) from None


def _refusal(error: ValidationError) -> ValidationFailed | Unprocessable:
    items = error.errors(include_url=False)
    if items and all(isinstance(item.get("ctx", {}).get("error"), RuleBroken) for item in items):
        return Unprocessable(details=_details(error))
    return ValidationFailed(details=_details(error))


def parse(schema: type[T], data: Any) -> T:
    """Validate `data` against `schema`, raising ValidationFailed (or 422 for RuleBroken) with field details."""
    _check_nul(data)
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise _refusal(error) from None


# A module's own answer to a body that fails its schema (None: the usual 400 or 422).
Refusal = Callable[[ValidationError, dict[str, Any]], APIError | None]


def json_body(schema: type[T], refusal: Refusal | None = None) -> T:
    """Parse the request's JSON object body with `schema`; the body is required (`{}` at least).

    `refusal(error, body)` may turn a validation error into a module's own answer (None: the usual one).
    """
    if request.content_length == 0 or not request.get_data(cache=True):
        raise ValidationFailed("A JSON body is required.", details={"fields": {"body": ["A JSON object is required."]}})
    else:
        data = request.get_json(force=True, silent=True)
        if data is None:
            raise BadRequest("The body is not valid JSON.", code="malformed_json")
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.", code="malformed_json")
    _check_nul(data)
    try:
        # Strict: a JSON body means what its OpenAPI schema says (no 0 for false, no "5" for 5).
        return schema.model_validate_json(request.get_data(cache=True), strict=True)
    except ValidationError as error:
        raise (refusal and refusal(error, data)) or _refusal(error) from None


def query_args(schema: type[T]) -> T:
    """Parse the query string with `schema`."""
    return parse(schema, request.args.to_dict())


def dump(schema: type[BaseModel], obj: Any) -> dict[str, Any]:
    """Serialise an ORM object (or dict) through an output schema."""
    return schema.model_validate(obj, from_attributes=True).model_dump(mode="json")
