"""Entry point of the web process: `python wsgi.py` or gunicorn `wsgi:app`."""
from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import sys  # noqa: E402

from app import create_app  # noqa: E402
from app.config import ConfigError  # noqa: E402

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"Configuration error: {error}")

if not app.config["REDIS_URL"] and (__name__ == "__main__" or "gunicorn" in sys.modules):
    # Embedded mode: no worker process, so the serving process relays the outbox and runs the
    # periodic jobs itself (not `flask --app wsgi …` commands, which only import this module).
    from app.core import jobs, relay  # noqa: E402

    relay.start_in_process(app)
    jobs.start_scheduler(app)

if __name__ == "__main__":
    from gevent.pywsgi import WSGIServer

    from app.core.http_server import JSONErrorHandler

    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"Live chat listening on http://{host}:{port}", flush=True)
    WSGIServer((host, port), app, handler_class=JSONErrorHandler).serve_forever()
