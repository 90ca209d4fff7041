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
    stamper = app.extensions.get(_STAMPER)
    if stamper is None:
        stamper = app.extensions.setdefault(_STAMPER, _Stamper(app))
    try:
        sockets.emit(record)
    except Exception:
        log.exception("fast-path emit failed; the relay will publish event %s", record.id)
        stamper.add(record.id, emitted=False)  # give the row up: the relay emits it
        return
    stamper.add(record.id)


def flush(app: Flask) -> None:
    """Stamp now whatever this process emitted (an RQ work horse calls it before it exits)."""
    stamper = app.extensions.get(_STAMPER)
    if stamper is not None:
        stamper.flush()


class _Stamper:
    """Stamps fast-path rows published, off the request's connection, many rows per UPDATE.

    One drainer at a time waits STAMP_BATCH_SECONDS, then takes every id queued
    so far: under load that is one UPDATE for dozens of sends instead of one
    each (under gevent the drainer is a greenlet). However late the stamp, the
    relay leaves the rows to their emitter while it lives (`emitters`). The
    drainer is a daemon: a process that dies meanwhile leaves its last rows to
    the relay, whose emits clients drop as duplicates; RQ work horses flush
    before they exit.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.pending: list[int] = []
        self.given_up: list[int] = []
        self.is_draining = False

    def add(self, event_id: int, emitted: bool = True) -> None:
        with self.lock:
            (self.pending if emitted else self.given_up).append(event_id)
            if self.is_draining:
                return
            self.is_draining = True
        threading.Thread(target=self._drain, name="relay-stamp", daemon=True).start()

    def _take(self) -> tuple[list[int], list[int]]:
        batch, given_up = self.pending, self.given_up
        self.pending, self.given_up = [], []
        return batch, given_up

    def _drain(self) -> None:
        while True:
            time.sleep(STAMP_BATCH_SECONDS)
            with self.lock:
                batch, given_up = self._take()
                if not batch and not given_up:
                    self.is_draining = False
                    return
            _stamp(self.app, batch, given_up)

    def flush(self) -> None:
        with self.lock:
            batch, given_up = self._take()
        if batch or given_up:
            _stamp(self.app, batch, given_up)


def _stamp(app: Flask, emitted: list[int], given_up: list[int]) -> None:
    """Stamp emitted rows published, and hand the rows whose emit failed to the relay.

    If this never runs (the process died), the relay emits the rows once this
    process's heartbeat stops: clients drop the repeats.
    """
    table = OutboxEvent.metadata.tables[OutboxEvent.__tablename__]
    with app.app_context():
        try:
            with db.engine.begin() as connection:
                for start in range(0, len(emitted), 500):
                    connection.execute(
                        update(table)
                        .where(table.c.id.in_(emitted[start:start + 500]), table.c.published_at.is_(None))
                        .values(published_at=utcnow(), attempts=table.c.attempts + 1)
                    )
                for start in range(0, len(given_up), 500):
                    connection.execute(update(table).where(table.c.id.in_(given_up[start:start + 500]))
                                       .values(emitter=None))
        except Exception:
            log.exception("could not stamp fast-path events; the relay will emit them again")
