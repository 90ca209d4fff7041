"""The job worker: `python worker.py` runs RQ on the project's queues (production mode).

Jobs fork into RQ work horses, so this process is deliberately not
gevent-patched: forking a patched hub gives the horse a broken event loop.
"""
import logging
import sys
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Worker
from rq.serializers import JSONSerializer

from app import create_app
from app.core import jobs, relay
from app.core.jobs import QUEUES
from app.extensions import db
from app.realtime import fanout

log = logging.getLogger("worker")


def main() -> int:
    """Serve the queues until stopped."""
    app = create_app()
    if not app.config["REDIS_URL"]:
        print("worker.py needs REDIS_URL; in embedded mode jobs run inside the web process.", file=sys.stderr)
        return 2
    connection = Redis.from_url(app.config["REDIS_URL"])
    fanout.use_external_emitter(app)
    with app.app_context():
        db.engine.dispose()  # no connection may be shared with the forked horses
        # The outbox relay's wake-up: LISTEN/NOTIFY plus a periodic sweep, queueing its drain job.
        stop_listener = relay.start_listener(app)
        stop_scheduler = jobs.start_scheduler(app)
        try:
            while True:
                worker = None
                try:
                    worker = Worker(list(QUEUES), connection=connection, serializer=JSONSerializer)
                    worker.work(with_scheduler=True)
                    break  # stopped (SIGTERM / SIGINT)
                except RedisConnectionError as error:
                    # Redis restarting: RQ's loop gives up; wait for Redis and serve again (jobs that were in
                    # its lists are gone with a non-persistent Redis; the relay's sweep re-queues its work).
                    if getattr(worker, "_stop_requested", False):
                        break
                    log.warning("Redis unreachable (%s); the worker starts again when it is back", error)
                    time.sleep(1)
        finally:
            stop_listener.set()
            stop_scheduler.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
