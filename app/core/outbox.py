"""The outbox seam: `publish()` writes an event row inside the caller's transaction; subscribers hear it after commit.

Two kinds of listener hear a committed row:

* the socket emitter (the realtime fan-out, registered with the relay): right
  after the commit on the fast path, else by the relay's drain; rows are
  stamped `published_at`;
* durable subscribers (`subscribe()`): webhooks, automation rules … called at
  least once per committed row by the relay's dispatch step in a worker, never
  on the request path; rows are stamped `dispatched_at`.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Callable, Sequence

from flask import Flask, current_app
from sqlalchemy import bindparam, insert, text

from app.core.db import UTCDateTime, on_commit, utcnow
from app.core.models import OutboxEvent
from app.extensions import db

log = logging.getLogger(__name__)

# Core inserts on the table (not the ORM's bulk path): the send path writes many rows fast.
_TABLE = OutboxEvent.metadata.tables[OutboxEvent.__tablename__]
_INSERT = insert(_TABLE).returning(_TABLE.c.id)
# Set by the automation engine while a rule's effects run: events they cause carry it as
# `automation` ({rule_ids, hops}), so a rule is never triggered by its own effects (loop guard).
ORIGIN_KEY = "livechat_outbox_origin"
# The relay's after-commit hook of an app (see `on_committed`).
_COMMITTED_EXTENSION = "livechat_outbox_committed"
_EMITTER_EXTENSION = "livechat_outbox_emitter"


@dataclass(frozen=True)
class OutboxRecord:
    """One committed outbox row as subscribers see it."""

    id: int  # the row id: stable, the event id and idempotency key
    project_id: int
    event_type: str
    payload: dict[str, Any]
    created_at: datetime


Handler = Callable[[OutboxRecord], None]

# Durable subscribers by name. Process-wide on purpose, like Socket.IO's handlers: modules
# subscribe from their init_app, and every process (web, worker) builds the same list.
_subscribers: dict[str, Handler] = {}


def publish(project_id: int, event_type: str, payload: dict[str, Any]) -> int:
    """Record `event_type` for `project_id`; it goes out only if the transaction commits. Returns the row id."""
    origin = db.session.info.get(ORIGIN_KEY)
    if origin is not None:
        payload = {**payload, "automation": origin}
    created_at = utcnow()
    event_id: int = db.session.execute(_INSERT, {"project_id": project_id, "event_type": event_type,
                                                 "payload": payload, "created_at": created_at,
                                                 "emitter": _emitter()}).scalar_one()
    on_commit(partial(_committed, OutboxRecord(event_id, project_id, event_type, payload, created_at)))
    return event_id


_INSERT_MANY_POSTGRES = text(
    "INSERT INTO outbox (project_id, event_type, payload, created_at, attempts, emitter) "
    "SELECT u.p, u.e, CAST(u.j AS json), :now, 0, :emitter FROM unnest(CAST(:p AS integer[]), CAST(:e AS text[]), "
    "CAST(:j AS text[])) WITH ORDINALITY AS u(p, e, j, o) ORDER BY u.o RETURNING id"
).bindparams(bindparam("now", type_=UTCDateTime()))


def publish_many(events: list[tuple[int, str, dict[str, Any]]], created_at: datetime) -> list[OutboxRecord]:
    """Write many (project_id, event_type, payload) rows in one statement of the caller's transaction.

    Unlike `publish`, nothing is registered to run on commit: the caller hands
    each record to `committed()` after its commit (the group commit answers its
    senders first). On PostgreSQL the columns go as arrays, one statement text
    for any number of rows, so it is parsed once.
    """
    if not events:
        return []
    emitter = _emitter()
    ids: Sequence[int]
    if db.engine.dialect.name == "postgresql":
        ids = sorted(db.session.execute(_INSERT_MANY_POSTGRES, {  # rows take their ids in the SELECT's order
            "p": [e[0] for e in events], "e": [e[1] for e in events],
            "j": [json.dumps(e[2]) for e in events], "now": created_at, "emitter": emitter,
        }).scalars())
    else:
        ids = db.session.execute(
            insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True),
            [{"project_id": p, "event_type": e, "payload": j, "created_at": created_at, "emitter": emitter}
             for p, e, j in events],
        ).scalars().all()
    return [OutboxRecord(i, p, e, j, created_at) for i, (p, e, j) in zip(ids, events)]


def _emitter() -> str | None:
    """The name this process writes into its rows, if its relay fast path will emit them (see `set_emitter`)."""
    name = current_app.extensions.get(_EMITTER_EXTENSION)
    return name() if name is not None else None


def set_emitter(app: Flask, name: Callable[[], str | None]) -> None:
    """Let the relay name the process that will emit `app`'s new rows itself (the relay then leaves them alone)."""
    app.extensions[_EMITTER_EXTENSION] = name


def committed(record: OutboxRecord) -> None:
    """Hand a row of `publish_many` to the relay's fast path once its transaction has committed."""
    _committed(record)


def _committed(record: OutboxRecord) -> None:
    hook = current_app.extensions.get(_COMMITTED_EXTENSION)
    if hook is not None:
        hook(record)


def on_committed(app: Flask, hook: Handler) -> None:
    """Let the relay hear each row of `app` right after its transaction commits (the fast path)."""
    app.extensions[_COMMITTED_EXTENSION] = hook


def subscribe(name: str, handler: Handler) -> None:
    """Register a durable subscriber (call it from your module's `init_app(app)`); a name registers once."""
    _subscribers[name] = handler


def unsubscribe(name: str) -> None:
    """Forget a durable subscriber (tests)."""
    _subscribers.pop(name, None)


def subscribers() -> list[tuple[str, Handler]]:
    """The durable subscribers, in registration order."""
    return list(_subscribers.items())


def record_of(row: OutboxEvent) -> OutboxRecord:
    """The subscribers' view of a stored row."""
    return OutboxRecord(row.id, row.project_id, row.event_type, row.payload, row.created_at)
