"""Production: a thread of `worker.py` LISTENs on PostgreSQL and sweeps, queueing the relay's drain job."""
from __future__ import annotations

import logging
import threading
import time

import psycopg
from flask import Flask

from app.core import jobs, outbox
from app.core.relay import drain, sockets

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "livechat_outbox"
DRAIN_JOB = "app.core.relay.drain.drain_job"


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _schedule(app: Flask, grace: float) -> None:
    """Queue one drain job unless one is already waiting."""
    if jobs.claim(app, drain.SCHEDULED_KEY, 5):
        jobs.submit(app, DRAIN_JOB, grace, queue="outbox")


def listen(app: Flask, stop: threading.Event) -> None:
    """Wake the relay on NOTIFY, and sweep every RELAY_SWEEP_SECONDS for anything missed."""
    url = _psycopg_url(app.config["SQLALCHEMY_DATABASE_URI"])
    sweep = app.config["RELAY_SWEEP_SECONDS"]
    with app.app_context():
        grace = sockets.grace().total_seconds()
    while not stop.is_set():
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                _schedule(app, grace)
                last_sweep = time.monotonic()
                while not stop.is_set():
                    notified = any(True for _ in conn.notifies(timeout=sweep, stop_after=1))
                    # With the fast path on, sockets hear a new row from it; a NOTIFY then matters
                    # only to durable subscribers. The sweep finds whatever was missed.
                    if notified and (grace == 0 or outbox.subscribers()):
                        _schedule(app, grace)
                        continue
                    if time.monotonic() - last_sweep < sweep:
                        continue
                    last_sweep = time.monotonic()
                    pending = conn.execute(
                        "SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL "
                        "AND created_at <= now() - make_interval(secs => %s)) "
                        "OR EXISTS (SELECT 1 FROM outbox WHERE dispatched_at IS NULL)",
                        (grace,),
                    ).fetchone()
                    if pending is not None and pending[0]:
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
