"""The outbox relay: publish committed outbox rows to Socket.IO, then stamp them published.

Three ways a row gets out, all idempotent for clients (they de-duplicate by
`event_id` / `(conversation_id, seq)`):

* the fast path: right after the commit that wrote it, the web process emits
  it and marks it published (`REALTIME_FAST_PATH`, on by default);
* production: `worker.py` LISTENs on PostgreSQL (a trigger NOTIFYs on every
  outbox insert) and sweeps periodically, queueing the `drain` RQ job, which
  emits through the Redis message queue;
* embedded: a background task of the web process drains on every commit
  and on a periodic sweep.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy import event as sa_event

from app.core.db import utcnow
from app.core.events import PENDING_KEY
from app.core.models import OutboxEvent
from app.extensions import db, socketio

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "livechat_outbox"
_EMITTER = "livechat_relay_emitter"
_WAKE = "livechat_relay_wake"
_MARKER = "livechat_relay_marker"
_SCHEDULED_KEY = "livechat:relay:scheduled"
BATCH = 200
STAMP_BATCH_SECONDS = 0.1


def _emit():
    """The emitter of this process: the app's Socket.IO server, or the worker's external one."""
    from app.realtime.fanout import emit

    return current_app.extensions.get(_EMITTER) or emit


def use_external_emitter(app: Flask) -> None:
    """Worker processes publish through the Redis message queue without serving sockets."""
    from flask_socketio import SocketIO

    external = SocketIO(message_queue=app.config["REDIS_URL"], channel=app.config["SOCKETIO_CHANNEL"])
    app.extensions[_EMITTER] = external.emit


def _deliver(event_id: int, project_id: int, event_type: str, payload: dict) -> None:
    from app.realtime import fanout

    fanout.deliver(_emit(), event_id, project_id, event_type, payload)


def _grace() -> timedelta:
    """How long the relay leaves a new row to the fast path (none when the fast path is off)."""
    config = current_app.config
    return timedelta(seconds=config["RELAY_GRACE_SECONDS"] if config["REALTIME_FAST_PATH"] else 0)


def drain(grace: timedelta | None = None) -> int:
    """Publish every unpublished outbox row (older than `grace`) in id order; returns how many.

    Safe to run concurrently: rows are claimed with FOR UPDATE SKIP LOCKED on PostgreSQL.
    """
    total = 0
    cutoff = utcnow() - (_grace() if grace is None else grace)
    while True:
        rows = list(db.session.scalars(
            select(OutboxEvent).where(OutboxEvent.published_at.is_(None), OutboxEvent.created_at <= cutoff)
            .order_by(OutboxEvent.id).limit(BATCH).with_for_update(skip_locked=True)
        ))
        if not rows:
            db.session.commit()
            return total
        try:
            for row in rows:
                _deliver(row.id, row.project_id, row.event_type, row.payload)
                row.published_at = utcnow()
                row.attempts += 1
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        total += len(rows)


def drain_job(grace_seconds: float | None = None) -> int:
    """The RQ job: clear the "scheduled" flag first so a NOTIFY during the drain schedules another.

    The grace comes from the listener that scheduled it, whichever worker runs it.
    """
    from app.core.jobs import _EXTENSION

    executor = current_app.extensions[_EXTENSION]
    if hasattr(executor, "redis"):
        executor.redis.delete(_SCHEDULED_KEY)
    published = drain(None if grace_seconds is None else timedelta(seconds=grace_seconds))
    _wake_snoozed()
    prune()
    return published


def prune() -> int:
    """Delete published rows older than OUTBOX_RETENTION_DAYS (a bounded batch per call). Commits."""
    cutoff = utcnow() - timedelta(days=current_app.config["OUTBOX_RETENTION_DAYS"])
    old = select(OutboxEvent.id).where(OutboxEvent.published_at.is_not(None), OutboxEvent.published_at < cutoff)
    ids = list(db.session.scalars(old.order_by(OutboxEvent.id).limit(5000)))
    if ids:
        db.session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_(ids)))
    db.session.commit()
    return len(ids)


def _wake_snoozed() -> None:
    """The sweep's housekeeping: reopen snoozed conversations, remove uploads never sent."""
    from app.inbox import jobs as inbox_jobs
    from app.inbox import service as inbox

    try:
        inbox.wake_snoozed()
    except Exception:
        db.session.rollback()
        log.exception("reopening snoozed conversations failed")
    try:
        inbox_jobs.sweep_unattached_uploads()
    except Exception:
        db.session.rollback()
        log.exception("sweeping unattached uploads failed")


# --- fast path and wake-ups -----------------------------------------------------

@sa_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    events = session.info.pop(PENDING_KEY, [])
    if not events:
        return
    try:
        app = current_app._get_current_object()
    except RuntimeError:
        return
    if app.config.get("REALTIME_FAST_PATH"):
        _fast_path(events)
        return  # the embedded relay's sweep covers what the fast path could not deliver
    wake = app.extensions.get(_WAKE)
    if wake is not None:
        wake.set()


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING_KEY, None)


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

    def add(self, event_ids: list[int]) -> None:
        with self.lock:
            self.pending.extend(event_ids)
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


def _fast_path(events: list[tuple]) -> None:
    """Emit what was just committed; the rows are stamped published in the background."""
    try:
        for event in events:
            _deliver(*event)
    except Exception:
        log.exception("fast-path emit failed; the relay will publish these events")
        return
    app = current_app._get_current_object()
    stamper = app.extensions.get(_MARKER)
    if stamper is None:
        stamper = app.extensions.setdefault(_MARKER, _Stamper(app))
    stamper.add([event[0] for event in events])


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


# --- embedded: a background task of the web process ------------------------------

def start_in_process(app: Flask) -> None:
    """Embedded mode: drain on every commit (woken) and every RELAY_SWEEP_SECONDS."""
    wake = threading.Event()
    app.extensions[_WAKE] = wake

    def loop() -> None:
        while True:
            wake.wait(app.config["RELAY_SWEEP_SECONDS"])
            wake.clear()
            with app.app_context():
                try:
                    drain()
                    _wake_snoozed()
                    prune()
                except Exception:
                    db.session.rollback()
                    log.exception("outbox relay failed; retrying on the next sweep")
                finally:
                    db.session.remove()

    socketio.start_background_task(loop)


# --- production: LISTEN/NOTIFY in worker.py ------------------------------------------

def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _schedule(app: Flask, grace: float) -> None:
    """Queue one drain job unless one is already waiting."""
    from app.core.jobs import _EXTENSION

    executor = app.extensions[_EXTENSION]
    if executor.redis.set(_SCHEDULED_KEY, "1", nx=True, px=5000):
        executor.submit("app.core.relay.drain_job", (grace,), "outbox")


def listen(app: Flask, stop: threading.Event) -> None:
    """Worker thread: wake the relay on NOTIFY, and sweep every RELAY_SWEEP_SECONDS for anything missed."""
    import psycopg

    url = _psycopg_url(app.config["SQLALCHEMY_DATABASE_URI"])
    sweep = app.config["RELAY_SWEEP_SECONDS"]
    with app.app_context():
        grace = _grace().total_seconds()
    # With the fast path on, a NOTIFY is the fast path's business; the sweep finds what it missed.
    wake_on_notify = grace == 0
    while not stop.is_set():
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                _schedule(app, grace)
                last_sweep = time.monotonic()
                while not stop.is_set():
                    notified = any(True for _ in conn.notifies(timeout=sweep, stop_after=1))
                    if notified and wake_on_notify:
                        _schedule(app, grace)
                        continue
                    if time.monotonic() - last_sweep < sweep:
                        continue
                    last_sweep = time.monotonic()
                    pending = conn.execute(
                        "SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL "
                        "AND created_at <= now() - make_interval(secs => %s)) "
                        "OR EXISTS (SELECT 1 FROM conversations WHERE status = 'snoozed' AND snoozed_until <= now())",
                        (grace,),
                    ).fetchone()[0]
                    if pending:
                        _schedule(app, grace)
        except Exception:
            log.exception("relay listener lost its connection; reconnecting")
            time.sleep(1)


def start_listener(app: Flask) -> threading.Event:
    """Start the listener thread (production worker); set the returned event to stop it."""
    stop = threading.Event()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        threading.Thread(target=listen, args=(app, stop), name="outbox-listener", daemon=True).start()
    return stop
