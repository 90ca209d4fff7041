"""Abuse limits on anonymous widget traffic: messages per visitor and per project, moving windows in the process.

A send costs no round trip: each web process keeps the recent send times of
each visitor and each project (a visitor's socket lives in one process, so its
limit is exact; a project's is per process, so at most WEB_CONCURRENCY times
the setting). "N/period" allows N sends in any window of that period.
"""
from __future__ import annotations

import threading
import time
from collections import deque

from flask import Flask, current_app
from limits import parse

_EXTENSION = "livechat_widget_limits"
# Every this many hits, forget keys whose window is empty, so memory follows the live traffic.
_PRUNE_EVERY = 10_000


class MovingWindow:
    """At most `amount` hits per key in any `period` seconds."""

    def __init__(self, rate: str) -> None:
        item = parse(rate)
        self.amount = item.amount
        self.period = float(item.get_expiry())
        self.hits: dict[object, deque[float]] = {}
        self.lock = threading.Lock()
        self.calls = 0

    def hit(self, key: object) -> bool:
        """Count a hit for `key`; False (and not counted) when the window is full."""
        now = time.monotonic()
        horizon = now - self.period
        with self.lock:
            hits = self.hits.get(key)
            if hits is None:
                hits = self.hits[key] = deque()
            while hits and hits[0] <= horizon:
                hits.popleft()
            allowed = len(hits) < self.amount
            if allowed:
                hits.append(now)
            self.calls += 1
            if self.calls % _PRUNE_EVERY == 0:
                self.hits = {k: v for k, v in self.hits.items() if v and v[-1] > horizon}
            return allowed

    def undo(self, key: object) -> None:
        """Take back the last hit of `key` (the other limit refused the send)."""
        with self.lock:
            hits = self.hits.get(key)
            if hits:
                hits.pop()


def init_app(app: Flask) -> None:
    """One pair of windows per app (so per web process)."""
    app.extensions[_EXTENSION] = (MovingWindow(app.config["WIDGET_VISITOR_MESSAGE_RATE"]),
                                  MovingWindow(app.config["WIDGET_PROJECT_MESSAGE_RATE"]))


def allow_visitor_message(project_key: str, visitor_id: int) -> bool:
    """Count one widget message; False once the visitor or the project is over its limit."""
    per_visitor, per_project = current_app.extensions[_EXTENSION]
    if not per_visitor.hit((project_key, visitor_id)):
        return False
    if not per_project.hit(project_key):
        per_visitor.undo((project_key, visitor_id))
        return False
    return True
