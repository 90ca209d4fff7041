"""The fast path: the web process emits a row right after its commit, then stamps it published in batches."""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app
from sqlalchemy import update

from app.core import outbox
from app.core.db import utcnow
from app.core.models import OutboxEvent
from app.core.relay import sockets
from app.extensions import db

log = logging.getLogger(__name__)

STAMP_BATCH_SECONDS = 0.1
_STAMPER = "livechat_relay_stamper"
WAKE_EXTENSION = "livechat_relay_wake"


def after_commit(record: outbox.OutboxRecord) -> None:
    """Called by `outbox.publish`'s on-commit callback: emit now, or wake the embedded relay."""
    # The stamper's thread keeps the app beyond this context: the real object, not the proxy
    # (which Flask types as Flask, hence the ignore).
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    wake = app.extensions.get(WAKE_EXTENSION)
    if app.config.get("REALTIME_FAST_PATH"):
        _emit(app, record)
        if wake is not None and outbox.subscribers():
            wake.set()  # durable subscribers are the embedded loop's business
        return  # the relay's sweep covers what the fast path could not deliver
    if wake is not None:
        wake.set()


def _emit(app: Flask, record: outbox.OutboxRecord) -> None:
    try:
        sockets.emit(record)
    except Exception:
        log.exception("fast-path emit failed; the relay will publish event %s", record.id)
        return
    stamper = app.extensions.get(_STAMPER)
    if stamper is None:
        stamper = app.extensions.setdefault(_STAMPER, _Stamper(app))
    stamper.add(record.id)


class _Stamper:
    """Stamps fast-path rows published, off the request's connection, many rows per UPDATE.

    One drainer at a time waits STAMP_BATCH_SECONDS, then takes every id queued
    so far: under load that is one UPDATE for dozens of sends instead of one
    each (under gevent the drainer is a greenlet). The wait is far below
    RELAY_GRACE_SECONDS, so the relay's sweep does not emit these rows again.
    The drainer is a daemon: a process that exits meanwhile leaves its last
    rows to the relay, whose emits clients drop as duplicates.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.pending: list[int] = []
        self.is_draining = False

    def add(self, event_id: int) -> None:
        with self.lock:
            self.pending.append(event_id)
            if self.is_draining:
                return
            self.is_draining = True
        threading.Thread(target=self._drain, name="relay-stamp", daemon=True).start()

    def _drain(self) -> None:
        while True:
            time.sleep(STAMP_BATCH_SECONDS)
            with self.lock:
                batch, self.pending = self.pending, []
                if not batch:
                    self.is_draining = False
                    return
            _mark_published(self.app, batch)


def _mark_published(app: Flask, event_ids: list[int]) -> None:
    """Stamp fast-path rows so the relay does not emit them again (if this never runs, it merely does)."""
    with app.app_context():
        try:
            with db.engine.begin() as connection:
                for start in range(0, len(event_ids), 500):
                    connection.execute(
                        update(OutboxEvent)
                        .where(OutboxEvent.id.in_(event_ids[start:start + 500]), OutboxEvent.published_at.is_(None))
                        .values(published_at=utcnow(), attempts=OutboxEvent.attempts + 1)
                    )
        except Exception:
            log.exception("could not stamp fast-path events; the relay will emit them again")
