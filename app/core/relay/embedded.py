"""Embedded mode: a background loop of the web process is the relay (no worker, no Redis)."""
from __future__ import annotations

import logging
import threading

from flask import Flask

from app.core.relay import drain
from app.core.relay.fast_path import WAKE_EXTENSION
from app.extensions import db

log = logging.getLogger(__name__)


def start_in_process(app: Flask) -> threading.Event:
    """Run the relay on every commit (woken) and every RELAY_SWEEP_SECONDS; set the returned event to stop it."""
    wake = threading.Event()
    stop = threading.Event()
    app.extensions[WAKE_EXTENSION] = wake

    def loop() -> None:
        while not stop.is_set():
            wake.wait(app.config["RELAY_SWEEP_SECONDS"])
            wake.clear()
            if stop.is_set():
                return
            with app.app_context():
                try:
                    drain.run_once()
                except Exception:
                    db.session.rollback()
                    log.exception("outbox relay failed; retrying on the next sweep")
                finally:
                    db.session.remove()

    # A thread: a greenlet in the gevent-patched web process.
    threading.Thread(target=loop, name="outbox-relay", daemon=True).start()
    return stop
