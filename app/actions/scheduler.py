"""Start the periodic tick of the time-based triggers: in the web process (embedded) or from worker.py."""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)

TICK = "app.actions.jobs.tick"
_LOCK_KEY = "livechat:actions:tick"


def start_in_process(app: Flask) -> None:
    """Embedded mode: a background task of the web process runs the tick every ACTIONS_TICK_SECONDS."""
    from app.actions import jobs
    from app.extensions import db, socketio

    def loop() -> None:
        while True:
            socketio.sleep(app.config["ACTIONS_TICK_SECONDS"])
            with app.app_context():
                try:
                    jobs.tick()
                except Exception:
                    db.session.rollback()
                    log.exception("automation tick failed; retrying on the next one")
                finally:
                    db.session.remove()

    socketio.start_background_task(loop)


def start_enqueuer(app: Flask) -> threading.Event:
    """Production (worker.py): queue one tick job per period across all workers (a Redis lock picks one)."""
    from app.core.jobs import _EXTENSION

    stop = threading.Event()
    period = app.config["ACTIONS_TICK_SECONDS"]
    executor = app.extensions[_EXTENSION]

    def loop() -> None:
        while not stop.wait(period):
            try:
                if executor.redis.set(_LOCK_KEY, "1", nx=True, px=int(period * 1000 * 0.9)):
                    executor.submit(TICK, (), "default")
            except Exception:
                log.exception("could not queue the automation tick")
                time.sleep(1)

    threading.Thread(target=loop, name="actions-tick", daemon=True).start()
    return stop
