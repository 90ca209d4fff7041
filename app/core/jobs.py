"""The job seam: `enqueue()` runs a job on RQ when REDIS_URL is set, in-process otherwise.

Feature code names jobs by dotted path ("app.mail.jobs.send_mail") and passes
JSON-serialisable arguments (ids, not objects), so the same call works with
RQ's JSON serializer and with the in-process executor.
"""
from __future__ import annotations

import importlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from flask import Flask, current_app
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from app.core.db import on_commit

log = logging.getLogger(__name__)

QUEUES = ("default", "mail", "webhooks", "outbox")
_EXTENSION = "livechat_jobs"
_PERIODIC = "livechat_periodic_jobs"
_AFTER_JOB = "livechat_jobs_after"


def _resolve(path: str) -> Callable[..., Any]:
    module_name, _, attribute = path.rpartition(".")
    job: Callable[..., Any] = getattr(importlib.import_module(module_name), attribute)
    return job


class InProcessExecutor:
    """Embedded mode: a small pool (green threads under gevent) inside the web process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="livechat-job")
        self.lock = threading.Lock()
        self.claims: dict[str, float] = {}

    def submit(self, path: str, args: tuple[Any, ...], queue: str, delay: float = 0) -> None:
        if delay > 0:
            # A timer is lost if the process stops; jobs that wait (webhook retries) have a sweep as well.
            timer = threading.Timer(delay, self.pool.submit, (self._run, path, args))
            timer.daemon = True
            timer.start()
            return
        self.pool.submit(self._run, path, args)

    def claim(self, key: str, seconds: float) -> bool:
        with self.lock:
            now = time.monotonic()
            if self.claims.get(key, 0.0) > now:
                return False
            self.claims[key] = now + seconds
            return True

    def release(self, key: str) -> None:
        with self.lock:
            self.claims.pop(key, None)

    def _run(self, path: str, args: tuple[Any, ...]) -> None:
        with self.app.app_context():
            try:
                _resolve(path)(*args)
            except Exception:
                log.exception("job %s failed", path)


class RQExecutor:
    """Production mode: RQ queues on Redis, run by `worker.py`."""

    def __init__(self, app: Flask) -> None:
        self.redis = Redis.from_url(app.config["REDIS_URL"])
        self.queues = {
            name: Queue(name, connection=self.redis, serializer=JSONSerializer) for name in QUEUES
        }

    def submit(self, path: str, args: tuple[Any, ...], queue: str, delay: float = 0) -> None:
        from rq import Retry  # rq only in production mode

        # A job whose work horse dies (a killed or crashed worker) or that raises runs again; jobs are idempotent.
        retry = Retry(max=3, interval=[1, 10, 60])
        if delay > 0:  # kept in Redis and moved to the queue by the worker's scheduler (`with_scheduler=True`)
            self.queues[queue].enqueue_in(timedelta(seconds=delay), "app.core.jobs.run", path, list(args),
                                          retry=retry, failure_ttl=7 * 24 * 3600)
            return
        self.queues[queue].enqueue("app.core.jobs.run", path, list(args), retry=retry, failure_ttl=7 * 24 * 3600)

    def claim(self, key: str, seconds: float) -> bool:
        return bool(self.redis.set(f"livechat:claim:{key}", "1", nx=True, px=max(int(seconds * 1000), 1)))

    def release(self, key: str) -> None:
        self.redis.delete(f"livechat:claim:{key}")


def run(path: str, args: list[Any]) -> None:
    """Entry point of every RQ job: resolve and call `path` inside the worker's app context,
    then the after-job hooks (the work horse exits right after)."""
    try:
        _resolve(path)(*args)
    finally:
        for hook in current_app.extensions.get(_AFTER_JOB, ()):
            hook(current_app)


def after_each_job(app: Flask, hook: Callable[[Flask], None]) -> None:
    """Run `hook(app)` when an RQ job of `app` ends, before its work horse exits."""
    app.extensions.setdefault(_AFTER_JOB, []).append(hook)


def _executor(app: Flask) -> InProcessExecutor | RQExecutor:
    executor: InProcessExecutor | RQExecutor = app.extensions[_EXTENSION]
    return executor


def enqueue(path: str, *args: Any, queue: str = "default", delay: float = 0) -> None:
    """Queue job `path(*args)` once the current transaction commits (and `delay` seconds later, if given)."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    executor = _executor(current_app)
    on_commit(lambda: executor.submit(path, args, queue, delay) if delay > 0 else executor.submit(path, args, queue))


def submit(app: Flask, path: str, *args: Any, queue: str = "default") -> None:
    """Queue job `path(*args)` now, outside any transaction (listeners and schedulers)."""
    _executor(app).submit(path, args, queue)


def claim(app: Flask, key: str, seconds: float) -> bool:
    """True for the one caller (across every process in production) that takes `key` for `seconds`."""
    return _executor(app).claim(key, seconds)


def release(app: Flask, key: str) -> None:
    """Give `key` back before its time is up."""
    _executor(app).release(key)


@dataclass(frozen=True)
class Periodic:
    path: str
    seconds: float
    queue: str


def every(app: Flask, seconds: float, path: str, queue: str = "default") -> None:
    """Run job `path()` every `seconds` (once per period across processes); call it from a module's init_app."""
    app.extensions[_PERIODIC].append(Periodic(path, seconds, queue))


def start_scheduler(app: Flask) -> threading.Event:
    """Queue the periodic jobs when due (the worker in production, the web process when embedded).

    Set the returned event to stop it.
    """
    stop = threading.Event()

    def loop() -> None:
        periodic = list(app.extensions[_PERIODIC])
        tick = min([job.seconds for job in periodic] + [1.0])
        while not stop.wait(tick):
            for job in periodic:
                try:
                    if claim(app, f"periodic:{job.path}", job.seconds):
                        submit(app, job.path, queue=job.queue)
                except Exception:
                    log.exception("could not queue periodic job %s", job.path)

    threading.Thread(target=loop, name="periodic-jobs", daemon=True).start()
    return stop


def init_app(app: Flask) -> None:
    """Choose the executor from configuration alone."""
    app.extensions[_EXTENSION] = RQExecutor(app) if app.config["REDIS_URL"] else InProcessExecutor(app)
    app.extensions[_PERIODIC] = []
