"""A real web process (embedded) or worker process (production) with test-only durable outbox subscribers.

`python tests/core/outbox_probe.py web|worker` registers the subscribers, then
runs `wsgi.py` or `worker.py` unchanged. The subscribers write what they hear
to the Redis list `PROBE_KEY` of `PROBE_REDIS_URL` (test infrastructure, not
the app's Redis), so the test process can observe them:

* `recorder` records every record; on `{"echo": true}` it publishes a
  `probe.echo` event (committed by the dispatcher with the batch) and records,
  from an `on_commit` callback, whether the row was stamped by then; on
  `{"hang": true}` it records "started" and hangs the first time, so the test
  can kill the process before `dispatched_at` is stamped;
* `failing` publishes a `probe.ghost` event and raises on `{"fail": true}`.
"""
import json
import os
import runpy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

role = sys.argv[1]
if role == "web":
    from gevent import monkey

    monkey.patch_all()

from redis import Redis  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.core import outbox  # noqa: E402
from app.core.db import on_commit  # noqa: E402
from app.core.models import OutboxEvent  # noqa: E402
from app.extensions import db  # noqa: E402

probe = Redis.from_url(os.environ["PROBE_REDIS_URL"])
KEY = os.environ["PROBE_KEY"]


def _is_dispatched(event_id: int) -> bool:
    """Read on a connection of its own: true only once the dispatcher's transaction has committed."""
    with db.engine.connect() as connection:
        stamp = connection.execute(select(OutboxEvent.dispatched_at).where(OutboxEvent.id == event_id)).scalar()
    return stamp is not None


def recorder(record: outbox.OutboxRecord) -> None:
    probe.rpush(KEY, json.dumps({"handler": "recorder", "id": record.id, "type": record.event_type,
                                 "project_id": record.project_id, "payload": record.payload}))
    if record.payload.get("echo"):
        outbox.publish(record.project_id, "probe.echo", {"of": record.id})
        on_commit(lambda: probe.rpush(KEY, json.dumps({"handler": "recorder", "id": record.id, "type": "after-commit",
                                                       "dispatched": _is_dispatched(record.id)})))
    if record.payload.get("hang") and probe.incr(f"{KEY}:hang:{record.id}") == 1:
        probe.rpush(KEY, json.dumps({"handler": "recorder", "id": record.id, "type": "started"}))
        time.sleep(3600)


def failing(record: outbox.OutboxRecord) -> None:
    if record.payload.get("fail"):
        outbox.publish(record.project_id, "probe.ghost", {"of": record.id})
        raise RuntimeError(f"probe failure on event {record.id}")


outbox.subscribe("probe-recorder", recorder)
outbox.subscribe("probe-failing", failing)
runpy.run_path(str(ROOT / ("wsgi.py" if role == "web" else "worker.py")), run_name="__main__")
