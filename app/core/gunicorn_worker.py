"""gunicorn's gevent-websocket worker with our request handler (JSON refusals, header limit)."""
from geventwebsocket.gunicorn.workers import GeventWebSocketWorker

from app.core.http_server import JSONErrorHandler


class Worker(GeventWebSocketWorker):  # type: ignore[misc]  # gevent-websocket ships no types
    """`worker_class` in gunicorn.conf.py."""

    wsgi_handler = JSONErrorHandler
