"""The job seam: `enqueue()` runs a job on RQ when REDIS_URL is set, in-process otherwise.

Feature code names jobs by dotted path ("app.mail.jobs.send_mail") and passes
JSON-serialisable arguments (ids, not objects), so the same call works with
RQ's JSON serializer and with the in-process executor.
"""
from __future__ import annotations

import importlib
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app

from app.core.db import on_commit

log = logging.getLogger(__name__)

QUEUES = ("default", "mail", "webhooks", "outbox")
_EXTENSION = "livechat_jobs"


def _resolve(path: str):
    module_name, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


class InProcessExecutor:
    """Embedded mode: a small pool (green threads under gevent) inside the web process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="livechat-job")

    def submit(self, path: str, args: tuple, queue: str) -> None:
        self.pool.submit(self._run, path, args)

    def _run(self, path: str, args: tuple) -> None:
        with self.app.app_context():
            try:
                _resolve(path)(*args)
            except Exception:
                log.exception("job %s failed", path)


class RQExecutor:
    """Production mode: RQ queues on Redis, run by `worker.py`."""

    def __init__(self, app: Flask) -> None:
        from redis import Redis
        from rq import Queue
        from rq.serializers import JSONSerializer

        self.redis = Redis.from_url(app.config["REDIS_URL"])
        self.queues = {
            name: Queue(name, connection=self.redis, serializer=JSONSerializer) for name in QUEUES
        }

    def submit(self, path: str, args: tuple, queue: str) -> None:
        from rq import Retry

        # A job whose work horse dies (a killed or crashed worker) or that raises runs again; jobs are idempotent.
        self.queues[queue].enqueue("app.core.jobs.run", path, list(args), retry=Retry(max=3, interval=[1, 10, 60]),
                                   failure_ttl=7 * 24 * 3600)


def run(path: str, args: list[Any]) -> None:
    """Entry point of every RQ job: resolve and call `path` inside the worker's app context."""
    _resolve(path)(*args)


def enqueue(path: str, *args: Any, queue: str = "default") -> None:
    """Queue job `path(*args)` once the current transaction commits."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    executor = current_app.extensions[_EXTENSION]
    on_commit(lambda: executor.submit(path, args, queue))


def init_app(app: Flask) -> None:
    """Choose the executor from configuration alone."""
    app.extensions[_EXTENSION] = RQExecutor(app) if app.config["REDIS_URL"] else InProcessExecutor(app)
