"""The relay's one socket subscriber: the feature that turns an outbox row into Socket.IO emits."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app

from app.core.outbox import Handler, OutboxRecord

_EXTENSION = "livechat_relay_sockets"


def subscribe_sockets(app: Flask, handler: Handler) -> None:
    """Register the realtime fan-out of `app` (it emits one record to the rooms that should hear it)."""
    app.extensions[_EXTENSION] = handler


def emit(record: OutboxRecord) -> None:
    """Hand one record to the socket subscriber (nobody listens on sockets when none is registered)."""
    handler = current_app.extensions.get(_EXTENSION)
    if handler is not None:
        handler(record)


def grace() -> timedelta:
    """How long the relay leaves a new row to the fast path (none when the fast path is off)."""
    config = current_app.config
    return timedelta(seconds=config["RELAY_GRACE_SECONDS"] if config["REALTIME_FAST_PATH"] else 0)
