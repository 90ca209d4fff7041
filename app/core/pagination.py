"""Cursor pagination: `?limit=&cursor=` → {"items": [...], "next_cursor": ...}."""
from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, Sequence

from pydantic import Field
from sqlalchemy import Select, and_, or_

from app.core.errors import BadRequest
from app.core.validation import Schema
from app.extensions import db

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageQuery(Schema):
    """The query arguments every list accepts."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=500)


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, columns: Sequence[Any]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError
        decoded = []
        for column, value in zip(columns, values):
            column_type = getattr(column.type, "impl", column.type)  # UTCDateTime decorates DateTime
            if value is not None and column_type.python_type is datetime:
                value = datetime.fromisoformat(value)
            decoded.append(value)
        return decoded
    except (ValueError, TypeError, json.JSONDecodeError, NotImplementedError):
        raise BadRequest("The cursor is not valid.", code="invalid_cursor") from None


def paginate(stmt: Select, order: Sequence[Any], page: PageQuery, *, descending: bool = True) -> tuple[list, str | None]:
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


def page_body(items: list[dict], next_cursor: str | None) -> dict:
    """The list envelope."""
    return {"items": items, "next_cursor": next_cursor}
