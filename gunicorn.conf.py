"""gunicorn settings for production: `gunicorn wsgi:app` reads this file from the working directory.

Every open chat (a visitor's widget, an agent's dashboard tab) holds one
WebSocket, so a worker must accept far more than gunicorn's default 1,000
connections. Override with the usual environment variables or flags.
"""
import os
import shutil
import tempfile

# The master imports the worker class, and with it the app and psycopg, before gevent patches anything (each
# worker patches itself after the fork). psycopg would then keep its C wait, which blocks a worker's whole event
# loop on every query, and deadlocks it when one greenlet waits on a row lock another greenlet holds. Its poll
# wait (what psycopg picks in a patched process) uses the select module that gevent patches in the worker.
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_poll")

# Metrics of several workers: prometheus_client keeps each worker's values in files here (it must be set
# before any worker imports it) and /metrics adds them up. An operator's own directory is emptied at start.
_OWN_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="livechat-metrics-")

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

    import gevent

    gc.freeze()
    gevent.spawn(_drain_when_stopping, worker)


def _drain_when_stopping(worker):
    """On SIGTERM gunicorn clears `alive` and stops accepting; then finish sends and move the sockets on.

    Half of graceful_timeout goes to in-flight sends; the rest is gunicorn's own wait for the
    connections to close, which they now do at once.
    """
    import gevent

    while worker.alive:
        gevent.sleep(0.1)
    from app.core import lifecycle

    lifecycle.drain(worker.wsgi, timeout=worker.cfg.graceful_timeout / 2)


def on_starting(server):
    """Start with empty metric files: values of a previous run's processes would be added in."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    """A worker is gone: its live gauges (connected sockets) no longer count."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the metrics directory this master made for itself."""
    if _OWN_METRICS_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
