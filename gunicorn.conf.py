"""gunicorn settings for production: `gunicorn wsgi:app` reads this file from the working directory.

Every open chat (a visitor's widget, an agent's dashboard tab) holds one
WebSocket, so a worker must accept far more than gunicorn's default 1,000
connections. Override with the usual environment variables or flags.
"""
import os

# gevent-websocket's worker, whose handler answers oversized or malformed requests with the JSON envelope.
worker_class = "app.core.gunicorn_worker.Worker"
bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "10000"))
# WebSockets stay open for hours; gunicorn's request timeout does not apply to gevent workers' sockets.
timeout = 60
graceful_timeout = 20


def post_worker_init(worker):
    """Move everything the app allocated at start-up out of the garbage collector's sight.

    Those objects live as long as the worker; without this every full
    collection walks them again, a pause that shows in the tail latency.
    """
    import gc

    gc.freeze()
