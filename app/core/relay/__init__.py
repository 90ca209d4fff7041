"""The outbox relay: committed outbox rows reach the sockets and the durable subscribers.

Three ways a row reaches the sockets, all idempotent for clients (they
de-duplicate by `event_id` / `(conversation_id, seq)`):

* `fast_path`: right after the commit that wrote it, the web process emits it
  and stamps it published (`REALTIME_FAST_PATH`, on by default);
* `listener` (production): `worker.py` LISTENs on PostgreSQL (a trigger NOTIFYs
  on every outbox insert) and sweeps periodically, queueing the `drain` job;
* `embedded`: a background loop of the web process drains on commit and on a
  periodic sweep.

The same drain job and loop then `dispatch` every committed row to the durable
subscribers of `app.core.outbox` (never on the request path) and prune old rows.
"""
from __future__ import annotations

from flask import Flask

from app.core import jobs, outbox
from app.core.relay import emitters, fast_path
from app.core.relay.embedded import start_in_process
from app.core.relay.listener import start_listener
from app.core.relay.sockets import subscribe_sockets

__all__ = ["init_app", "start_in_process", "start_listener", "subscribe_sockets"]


def init_app(app: Flask) -> None:
    """Hear every committed outbox row of `app` right after its commit, and name the process that emits it."""
    outbox.on_committed(app, fast_path.after_commit)
    outbox.set_emitter(app, lambda: emitters.name(app))
    jobs.after_each_job(app, fast_path.flush)
