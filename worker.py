"""The job worker: `python worker.py` runs RQ on the project's queues (production mode).

Jobs fork into RQ work horses, so this process is deliberately not
gevent-patched: forking a patched hub gives the horse a broken event loop.
"""
import sys

from redis import Redis
from rq import Worker
from rq.serializers import JSONSerializer

from app import create_app
from app.core.jobs import QUEUES
from app.extensions import db


def main() -> int:
    """Serve the queues until stopped."""
    app = create_app()
    if not app.config["REDIS_URL"]:
        print("worker.py needs REDIS_URL; in embedded mode jobs run inside the web process.", file=sys.stderr)
        return 2
    connection = Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        db.engine.dispose()  # no connection may be shared with the forked horses
        worker = Worker(list(QUEUES), connection=connection, serializer=JSONSerializer)
        worker.work(with_scheduler=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
