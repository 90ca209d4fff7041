"""The relay's work on stored rows: emit the unpublished, dispatch the undispatched, prune the old.

Run by the `drain_job` RQ job in production and by the embedded loop; never
on the request path.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, or_, select, true

from app.core import jobs, outbox
from app.core.db import savepoint, utcnow
from app.core.models import OutboxEvent
from app.core.relay import emitters, sockets
from app.extensions import db

log = logging.getLogger(__name__)

BATCH = 200
# Rows handed to the durable subscribers per transaction: small, since the relay emits only between batches.
DISPATCH_BATCH = 50
# A row whose subscribers keep failing is given up after this many dispatches (each logged).
MAX_DISPATCH_ATTEMPTS = 5
SCHEDULED_KEY = "relay:drain-scheduled"


def drain(grace: timedelta | None = None) -> int:
    """Emit every unpublished outbox row (older than `grace`) that no live emitter will emit to the sockets,
    in id order; returns how many.

    Safe to run concurrently: rows are claimed with FOR UPDATE SKIP LOCKED on PostgreSQL.
    """
    total = 0
    now = utcnow()
    cutoff = now - (sockets.grace() if grace is None else grace)
    alive = emitters.alive(current_app)
    unclaimed: ColumnElement[bool] = true()
    if alive:  # rows of a live emitter are its own business, unless very late
        last_resort = now - timedelta(seconds=current_app.config["RELAY_EMITTER_GRACE_SECONDS"])
        unclaimed = or_(OutboxEvent.emitter.is_(None), OutboxEvent.emitter.not_in(alive),
                        OutboxEvent.created_at <= last_resort)
    while True:
        rows = list(db.session.scalars(
            select(OutboxEvent).where(OutboxEvent.published_at.is_(None), OutboxEvent.created_at <= cutoff, unclaimed)
            .order_by(OutboxEvent.id).limit(BATCH).with_for_update(skip_locked=True)
        ))
        if not rows:
            db.session.commit()
            return total
        try:
            for row in rows:
                sockets.emit(outbox.record_of(row))
                row.published_at = utcnow()
                row.attempts += 1
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        total += len(rows)


def dispatch() -> int:
    """Hand every undispatched row to each durable subscriber; returns how many rows were handled.

    Each handler runs in its own savepoint, so one that raises loses only its own
    work; the row is then retried on the next run, up to MAX_DISPATCH_ATTEMPTS.
    A batch commits once all its handlers returned (at least once: a crash before
    that commit dispatches the batch again).
    """
    total, after_id = 0, 0
    while True:
        handled, after_id = _dispatch_batch(after_id)
        if not handled:
            return total
        total += handled


def _dispatch_batch(after_id: int) -> tuple[int, int]:
    """Dispatch the next batch of undispatched rows after `after_id` and commit; (rows handled, last row id)."""
    handlers = outbox.subscribers()
    rows = list(db.session.scalars(
        select(OutboxEvent).where(OutboxEvent.dispatched_at.is_(None), OutboxEvent.id > after_id)
        .order_by(OutboxEvent.id).limit(DISPATCH_BATCH).with_for_update(skip_locked=True)
    ))
    if not rows:
        db.session.commit()
        return 0, after_id
    try:
        for row in rows:
            _dispatch_row(row, handlers)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(rows), rows[-1].id


def _dispatch_row(row: OutboxEvent, handlers: list[tuple[str, outbox.Handler]]) -> None:
    record = outbox.record_of(row)
    failed = False
    for name, handler in handlers:
        try:
            with savepoint():
                handler(record)
        except Exception:
            failed = True
            log.exception("outbox subscriber %s failed on event %s (%s)", name, row.id, row.event_type)
    if not failed:
        row.dispatched_at = utcnow()
        return
    row.dispatch_attempts += 1
    if row.dispatch_attempts >= MAX_DISPATCH_ATTEMPTS:
        log.error("giving up on outbox event %s after %s failed dispatches", row.id, row.dispatch_attempts)
        row.dispatched_at = utcnow()


def prune() -> int:
    """Delete handled rows older than OUTBOX_RETENTION_DAYS (a bounded batch per call). Commits."""
    cutoff = utcnow() - timedelta(days=current_app.config["OUTBOX_RETENTION_DAYS"])
    old = select(OutboxEvent.id).where(OutboxEvent.published_at.is_not(None), OutboxEvent.published_at < cutoff,
                                       OutboxEvent.dispatched_at.is_not(None))
    ids = list(db.session.scalars(old.order_by(OutboxEvent.id).limit(5000)))
    if ids:
        db.session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_(ids)))
    db.session.commit()
    return len(ids)


def run_once(grace: timedelta | None = None) -> None:
    """One pass of the relay: emit, dispatch, prune (each commits).

    Subscribers cost far more per row than an emit, and a backlog of rows to
    dispatch can take minutes: the emits go first and again after every
    dispatched batch, so sockets never wait behind more than one batch.
    """
    drain(grace)
    after_id = 0
    while True:
        handled, after_id = _dispatch_batch(after_id)
        if not handled:
            break
        drain(grace)
    prune()


def drain_job(grace_seconds: float | None = None) -> None:
    """The RQ job: release the "scheduled" claim first so a NOTIFY during the run schedules another.

    The grace comes from the listener that scheduled it, whichever worker runs it.
    """
    jobs.release(current_app, SCHEDULED_KEY)
    run_once(None if grace_seconds is None else timedelta(seconds=grace_seconds))
