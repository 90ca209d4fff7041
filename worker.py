"""The job worker: `python worker.py` runs RQ on the project's queues (production mode).

Jobs fork into RQ work horses, so this process is deliberately not
gevent-patched: forking a patched hub gives the horse a broken event loop.
"""
import sys

from redis import Redis
from rq import Worker
from rq.serializers import JSONSerializer

from app import create_app
from app.core import jobs, relay
from app.core.jobs import QUEUES
from app.extensions import db
from app.realtime import fanout


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
        worker = Worker(list(QUEUES), connection=connection, serializer=JSONSerializer)
        try:
            worker.work(with_scheduler=True)
        finally:
            stop_listener.set()
            stop_scheduler.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
