"""Cursor pagination: `?limit=&cursor=` → {"items": [...], "next_cursor": ...}."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence, TypeVar

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from pydantic import Field
from sqlalchemy import Select, and_, or_

from app.core.errors import BadRequest
from app.core.validation import MAX_ID, Schema
from app.extensions import db

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageQuery(Schema):
    """The query arguments every list accepts."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=500)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="livechat.cursor")


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return _serializer().dumps(plain)


def _decoded_value(column: Any, value: Any) -> Any:
    """One cursor value, checked against its column's type (cursors are signed; this is the second fence)."""
    if value is None:
        return None
    column_type = getattr(column.type, "impl", column.type)  # UTCDateTime decorates DateTime
    python_type = column_type.python_type
    if python_type is datetime:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        if moment is None or moment.tzinfo is None:
            raise ValueError
        return moment
    if python_type is int:
        if type(value) is not int or not -MAX_ID <= value <= MAX_ID:
            raise ValueError
        return value
    if python_type is str and isinstance(value, str) and len(value) <= 500:
        return value
    raise ValueError


def _decode(cursor: str, columns: Sequence[Any]) -> list[Any]:
    try:
        values = _serializer().loads(cursor)
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError
        return [_decoded_value(column, value) for column, value in zip(columns, values)]
    except (BadData, ValueError, TypeError, NotImplementedError):
        raise BadRequest("The cursor is not valid.", code="invalid_cursor") from None


def paginate(
    stmt: Select[tuple[T]], order: Sequence[Any], page: PageQuery, *, descending: bool = True
) -> tuple[list[T], str | None]:
    """Run `stmt` ordered by the unique tuple `order` (e.g. (created_at, id)) from the cursor on."""
    if page.cursor:
        after = _decode(page.cursor, order)
        # Keyset condition for a tuple: (a, b) < (x, y)  ==  a < x OR (a = x AND b < y).
        clauses = []
        for i, column in enumerate(order):
            head = [order[j] == after[j] for j in range(i)]
            step = column < after[i] if descending else column > after[i]
            clauses.append(and_(*head, step))
        stmt = stmt.where(or_(*clauses))
    stmt = stmt.order_by(*[c.desc() if descending else c.asc() for c in order]).limit(page.limit + 1)
    rows = list(db.session.scalars(stmt))
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = rows[-1]
        next_cursor = _encode([getattr(last, column.key) for column in order])
    return rows, next_cursor


def page_body(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    """The list envelope."""
    return {"items": items, "next_cursor": next_cursor}
